package dev.baton.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.baton.schemas.ConversationKey;
import dev.baton.schemas.topic.Topics;
import dev.baton.support.logging.TraceParent;
import dev.baton.testsupport.BatonTestResource;
import dev.baton.testsupport.TestTenants;
import dev.baton.testsupport.TestTopics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * The event a webhook brings is published with a {@code traceparent} header on the real broker:
 * the caller's trace when it sent one, else a new trace, so every stage after can log it.
 */
@QuarkusTest
@QuarkusTestResource(BatonTestResource.class)
class TracePropagationTest {

  /** The event's records on conversation-events (it was published before the 202). */
  private static List<ConsumerRecord<String, byte[]>> published(String conversation) {
    String key = ConversationKey.of(TestTenants.TENANT, conversation);
    return TestTopics.readRaw(Topics.CONVERSATION_EVENTS, r -> key.equals(r.key()), Duration.ofSeconds(3));
  }

  @Test
  void theCallersTraceGoesOnWithTheEvent() {
    String conversation = "conv-" + UUID.randomUUID();
    String traceId = TraceParent.newTraceId();
    String incoming = "00-" + traceId + "-00f067aa0ba902b7-01";

    EventResourceTest.signed(EventResourceTest.message("ev-" + UUID.randomUUID(), conversation, "hello"),
            TestTenants.SECRET)
        .header(TraceParent.HEADER, incoming)
        .post("/v1/events").then().statusCode(202);

    List<ConsumerRecord<String, byte[]>> records = published(conversation);
    assertEquals(1, records.size());
    String traceparent = TestTopics.header(records.get(0), TraceParent.HEADER);
    assertEquals(traceId, TraceParent.traceId(traceparent), traceparent);
  }

  @Test
  void withoutOneTheEventStartsATrace() {
    String conversation = "conv-" + UUID.randomUUID();

    EventResourceTest.signed(EventResourceTest.message("ev-" + UUID.randomUUID(), conversation, "hello"),
            TestTenants.SECRET)
        .header(TraceParent.HEADER, "not-a-traceparent")
        .post("/v1/events").then().statusCode(202);

    List<ConsumerRecord<String, byte[]>> records = published(conversation);
    assertEquals(1, records.size());
    String traceId = TraceParent.traceId(TestTopics.header(records.get(0), TraceParent.HEADER));
    assertNotNull(traceId, "a well-formed traceparent");
    assertNotEquals("00000000000000000000000000000000", traceId);
  }
}
