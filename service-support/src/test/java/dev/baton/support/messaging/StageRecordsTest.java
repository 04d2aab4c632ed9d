package dev.baton.support.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;


import dev.baton.schemas.Channel;
import dev.baton.schemas.ConversationEvent;
import dev.baton.schemas.EventType;
import dev.baton.schemas.SchemaVersions;
import dev.baton.schemas.topic.Topics;
import dev.baton.support.logging.LogContext;
import dev.baton.support.logging.TraceParent;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.junit.jupiter.api.Test;

/** What a stage cannot handle nacks its input, for the channel's dead-letter strategy; nothing is forwarded. */
class StageRecordsTest {
  private final List<Throwable> nacks = new CopyOnWriteArrayList<>();
  private final Message<byte[]> in = Message.of(new byte[] {'{', '}'},
      Metadata.of(new IncomingKafkaRecordMetadata<>(
          new ConsumerRecord<>("conversation-events", 1, 41, "acme/conv-1", new byte[] {'{', '}'}), "conversation-events")),
      () -> CompletableFuture.completedFuture(null),
      e -> {
        nacks.add(e);
        return CompletableFuture.completedFuture(null);
      });

  @Test
  void whatTheStageMakesIsForwardedAndTheInputLeftToIt() {
    Message<byte[]> out = Message.of(new byte[] {1});

    assertSame(out, StageRecords.guarded(in, m -> out));
    assertEquals(List.of(), nacks);
  }

  @Test
  void anExceptionEscapingTheStageNacksTheInputAndForwardsNothing() {
    IllegalArgumentException bug = new IllegalArgumentException("tenant id contains /");

    assertNull(StageRecords.guarded(in, m -> {
      throw bug;
    }));
    assertEquals(List.of(bug), nacks);
  }

  @Test
  void anOutputCarriesTheInputsTimestampAndHeadersAndTheStageLogsItsTraceId() {
    String traceparent = TraceParent.of(null);
    ConsumerRecord<String, byte[]> record = new ConsumerRecord<>("conversation-events", 0, 3, 1_700_000_000_000L,
        TimestampType.CREATE_TIME, 0, 0, "acme/conv-1", new byte[] {'{', '}'},
        new RecordHeaders().add(TraceParent.HEADER, traceparent.getBytes(StandardCharsets.US_ASCII)), Optional.empty());
    Message<byte[]> traced = Message.of(record.value(),
        Metadata.of(new IncomingKafkaRecordMetadata<>(record, "conversation-events")));
    List<Object> seen = new CopyOnWriteArrayList<>();
    ConversationEvent value = new ConversationEvent(SchemaVersions.CURRENT, "ev-1", EventType.CUSTOMER_MESSAGE, "acme",
        "conv-1", Channel.WEBCHAT, Instant.now(), null, "hi", null, Map.of());

    Message<byte[]> out = StageRecords.guarded(traced, m -> {
      seen.add(LogContext.traceId());
      return StageRecords.forward(m, Topics.CONVERSATION_EVENTS, value);
    });

    assertEquals(List.of(TraceParent.traceId(traceparent)), seen);
    assertNull(LogContext.traceId(), "the trace stays with its record");
    OutgoingKafkaRecordMetadata<?> meta = out.getMetadata(OutgoingKafkaRecordMetadata.class).orElseThrow();
    assertEquals(Instant.ofEpochMilli(1_700_000_000_000L), meta.getTimestamp());
    assertEquals(traceparent, new String(meta.getHeaders().lastHeader(TraceParent.HEADER).value(), StandardCharsets.US_ASCII));
    assertEquals("acme/conv-1", meta.getKey());
  }

  @Test
  void onlyAWellFormedTraceparentHasATraceId() {
    String id = TraceParent.newTraceId();
    assertEquals(id, TraceParent.traceId(TraceParent.of(id)));
    assertEquals("4bf92f3577b34da6a3ce929d0e0e4736",
        TraceParent.traceId("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
    for (String bad : new String[] {null, "", "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0",
        "00-4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7-01"}) {
      assertNull(TraceParent.traceId(bad), bad);
    }
  }
}
