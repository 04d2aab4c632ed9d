package dev.baton.handoff.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.baton.schemas.EnrichedEvent;
import dev.baton.schemas.topic.Topics;
import dev.baton.support.logging.TraceParent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every output of an event carries the event's traceparent, so one conversation can be followed. */
class TraceHeaderTopologyTest {
  private final TopologyFixture f = new TopologyFixture();

  @AfterEach
  void close() {
    f.close();
  }

  private void send(EnrichedEvent e, String traceparent) {
    RecordHeaders headers = new RecordHeaders();
    if (traceparent != null) {
      headers.add(TraceParent.HEADER, traceparent.getBytes(StandardCharsets.US_ASCII));
    }
    f.events.pipeInput(new TestRecord<>(e.conversationKey(),
        Topics.ENRICHED_EVENTS.valueSerde().serializer().serialize("x", e), headers));
  }

  private static String traceparent(TestRecord<?, ?> r) {
    var h = r.headers().lastHeader(TraceParent.HEADER);
    return h == null ? null : new String(h.value(), StandardCharsets.US_ASCII);
  }

  @Test
  void theRepliesTurnsAndStateOfAnEventCarryItsTraceparent() {
    String traceparent = TraceParent.of(null);

    send(f.faq("conv-1"), traceparent);

    List<TestRecord<String, ?>> outputs = new java.util.ArrayList<>();
    outputs.addAll(f.outbound.readRecordsToList());
    outputs.addAll(f.turns.readRecordsToList());
    outputs.addAll(f.states.readRecordsToList());
    assertFalse(outputs.isEmpty());
    for (TestRecord<String, ?> r : outputs) {
      assertEquals(traceparent, traceparent(r), "an output of the event: " + r.value());
    }
  }

  @Test
  void anEventWithoutOneGivesItsOutputsNoneAndTheNextEventDoesNotInheritTheLastOnes() {
    send(f.faq("conv-1"), TraceParent.of(null));
    f.outbound.readRecordsToList();

    send(f.faq("conv-2"), null);

    List<? extends TestRecord<String, ?>> replies = f.outbound.readRecordsToList();
    assertFalse(replies.isEmpty());
    replies.forEach(r -> assertNull(traceparent(r)));
  }
}
