package dev.baton.gateway.service;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.schemas.Channel;
import dev.baton.schemas.DecisionAudit;
import dev.baton.schemas.HandoffReason;
import dev.baton.schemas.HandoffRecord;
import dev.baton.schemas.SchemaVersions;
import dev.baton.schemas.topic.Topics;
import dev.baton.support.messaging.DeadLetterer;
import dev.baton.testsupport.FreePorts;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/** How a feed settles a record: acknowledged, nacked for the channel's dead-letter net, or left alone. */
class FeedsTest {
  private final AtomicInteger acks = new AtomicInteger();
  private final List<Throwable> nacks = new CopyOnWriteArrayList<>();

  private Message<byte[]> message(ConsumerRecord<String, byte[]> record) {
    return Message.of(record.value(), Metadata.of(new IncomingKafkaRecordMetadata<>(record, Topics.HANDOFFS.name())),
        () -> {
          acks.incrementAndGet();
          return CompletableFuture.completedFuture(null);
        },
        e -> {
          nacks.add(e);
          return CompletableFuture.completedFuture(null);
        });
  }

  private Message<byte[]> message() {
    return message(new ConsumerRecord<>(Topics.HANDOFFS.name(), 0, 7, "acme/conv-1", new byte[] {'{', '}'}));
  }

  @Test
  void aRecordIsAcknowledgedOnceApplied() {
    AtomicReference<ConsumerRecord<String, byte[]>> seen = new AtomicReference<>();
    Feeds.settle(message(), seen::set);

    assertEquals(7, seen.get().offset());
    assertEquals(1, acks.get());
    assertEquals(List.of(), nacks);
  }

  @Test
  void anExceptionEscapingTheFeedNacksTheRecordSoTheChannelDeadLettersItAndGoesOn() {
    IllegalStateException bug = new IllegalStateException("cannot dead-letter handoffs-0@7: refused");
    Feeds.settle(message(), r -> {
      throw bug;
    });

    assertEquals(0, acks.get());
    assertEquals(1, nacks.size());
    assertSame(bug, nacks.get(0));
  }

  @Test
  void aHandoffWaitingForRedisWhenTheServiceStopsIsNeitherAcknowledgedNorNackedNorDeadLettered() throws Exception {
    HandoffRecord h = new HandoffRecord(SchemaVersions.CURRENT, HandoffRecord.idFor("acme", "conv-1", 1), 1, "acme",
        "conv-1", Channel.WEBCHAT, null, HandoffReason.EXPLICIT_REQUEST, 3, "reception", List.of(), List.of(), "s",
        new DecisionAudit("explicit-request", "1", "\"a person\"", "phrases", "ev-1"), false, Instant.now(), 0);
    ConsumerRecord<String, byte[]> record = new ConsumerRecord<>(Topics.HANDOFFS.name(), 0, 7, h.conversationKey(),
        Topics.HANDOFFS.valueSerde().serializer().serialize("t", h));
    AtomicReference<CompletionStage<Void>> settled = new AtomicReference<>();
    // Redis where nothing listens; no dead letter may be attempted (a null publisher would fail, and nack).
    try (RedisClient down = RedisClient.create("127.0.0.1", FreePorts.next())) {
      HandoffFeed feed = new HandoffFeed(new HandoffStore(down),
          new EventLog(down, Duration.ofDays(1), 1000, Clock.systemUTC()), new DeadLetterer(null, "agent-gateway"));
      Thread consumer = new Thread(() -> settled.set(feed.onHandoff(message(record))));
      consumer.start();
      // Retrying: asleep between attempts. Then the service stops (its worker threads are interrupted).
      await().atMost(Duration.ofSeconds(10)).until(() -> consumer.getState() == Thread.State.TIMED_WAITING);
      consumer.interrupt();
      consumer.join(10_000);
    }

    assertTrue(settled.get().toCompletableFuture().isDone());
    assertEquals(0, acks.get(), "an acknowledgement would skip the record");
    assertEquals(List.of(), nacks, "a nack would dead-letter a record that is not at fault");
  }
}
