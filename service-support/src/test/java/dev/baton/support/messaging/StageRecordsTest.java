package dev.baton.support.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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
}
