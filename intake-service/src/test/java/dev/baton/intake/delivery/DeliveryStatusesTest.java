package dev.baton.intake.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.schemas.Channel;
import dev.baton.schemas.DeliveryStatus;
import dev.baton.schemas.DeliveryStatus.Status;
import dev.baton.schemas.SchemaVersions;
import dev.baton.schemas.topic.TopicProvisioner;
import dev.baton.schemas.topic.Topics;
import dev.baton.support.kafka.KafkaPublisher;
import dev.baton.support.kafka.KafkaPublisher.PublishException;
import dev.baton.testsupport.EmbeddedKafka;
import dev.baton.testsupport.FreePorts;
import dev.baton.testsupport.TestRedis;
import dev.baton.testsupport.TestTopics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * The forward-only rule of delivery statuses on the real Redis and broker: what is published for
 * each sequence of reports, a broker failure, and reports racing from many threads.
 */
class DeliveryStatusesTest {
  private static final String TENANT = "ds-unit-" + UUID.randomUUID().toString().substring(0, 8);
  private static RedisClient redis;
  private static KafkaProducer<byte[], byte[]> producer;
  private static ExecutorService blocking;
  private static DeliveryStatuses statuses;

  @BeforeAll
  static void start() throws Exception {
    TestRedis.requireRunning();
    String bootstrap = EmbeddedKafka.get().bootstrapServers();
    TopicProvisioner.ensure(bootstrap, 3, (short) 1);
    redis = RedisClient.create(TestRedis.host(), TestRedis.port());
    producer = producer(bootstrap, 5_000);
    blocking = Executors.newFixedThreadPool(2);
    statuses = new DeliveryStatuses(redis, new KafkaPublisher(producer), Duration.ofSeconds(10), blocking);
  }

  @AfterAll
  static void stop() {
    producer.close();
    redis.close();
    blocking.shutdownNow();
  }

  private static KafkaProducer<byte[], byte[]> producer(String bootstrap, int maxBlockMs) {
    return new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.MAX_BLOCK_MS_CONFIG, maxBlockMs),
        new ByteArraySerializer(), new ByteArraySerializer());
  }

  private static DeliveryStatus status(String messageId, Status status) {
    return new DeliveryStatus(SchemaVersions.CURRENT, TENANT, "conv-" + messageId, messageId, Channel.WHATSAPP,
        status, Instant.now(), "whatsapp", "wamid." + messageId, List.of());
  }

  private static List<Status> published(String messageId) {
    return TestTopics.read(Topics.DELIVERY_STATUSES, d -> d.messageId().equals(messageId), Duration.ofSeconds(3))
        .stream().map(DeliveryStatus::status).toList();
  }

  private static String id() {
    return "msg-" + UUID.randomUUID();
  }

  @Test
  void aStatusOnlyMovesForwardAndEachIsPublishedOnce() throws Exception {
    String m = id();

    assertTrue(statuses.report(status(m, Status.SENT)));
    assertTrue(statuses.report(status(m, Status.DELIVERED)));
    assertFalse(statuses.report(status(m, Status.SENT)), "a late sent");
    assertFalse(statuses.report(status(m, Status.DELIVERED)), "a repeated delivered");
    assertTrue(statuses.report(status(m, Status.READ)));
    assertFalse(statuses.report(status(m, Status.DELIVERED)), "a late delivered never overrides read");
    assertFalse(statuses.report(status(m, Status.FAILED)), "read is final");

    assertEquals(List.of(Status.SENT, Status.DELIVERED, Status.READ), published(m));
  }

  @Test
  void failedReplacesDeliveredAndIsFinal() throws Exception {
    String m = id();

    assertTrue(statuses.report(status(m, Status.DELIVERED)), "sent can be skipped");
    assertTrue(statuses.report(status(m, Status.FAILED)));
    assertFalse(statuses.report(status(m, Status.READ)));
    assertFalse(statuses.report(status(m, Status.FAILED)));

    assertEquals(List.of(Status.DELIVERED, Status.FAILED), published(m));
  }

  @Test
  void aStatusTheBrokerDidNotTakeIsPutBackSoTheProvidersRetryPublishesIt() throws Exception {
    String m = id();
    KafkaProducer<byte[], byte[]> dead = producer("127.0.0.1:" + FreePorts.next(), 300);
    try {
      DeliveryStatuses noBroker = new DeliveryStatuses(redis, new KafkaPublisher(dead), Duration.ofMillis(300), blocking);
      assertTrue(statuses.report(status(m, Status.SENT)));

      assertThrows(PublishException.class, () -> noBroker.report(status(m, Status.DELIVERED)));
      assertEquals("SENT", redis.get(DeliveryStatuses.key(TENANT, m)), "the status before is back");

      assertTrue(statuses.report(status(m, Status.DELIVERED)), "the retry goes through");
    } finally {
      dead.close(Duration.ZERO);
    }
    assertEquals(List.of(Status.SENT, Status.DELIVERED), published(m));
  }

  @Test
  void reportsRacingFromManyThreadsPublishEachStatusAtMostOnceAndEndAtTheFurthest() throws Exception {
    String m = id();
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        List<Status> order = new ArrayList<>(List.of(Status.SENT, Status.DELIVERED, Status.READ));
        Collections.shuffle(order);
        results.add(pool.submit(() -> {
          go.await();
          int advanced = 0;
          for (Status s : order) {
            advanced += statuses.report(status(m, s)) ? 1 : 0;
          }
          return advanced;
        }));
      }
      go.countDown();
      int advanced = 0;
      for (Future<Integer> r : results) {
        advanced += r.get();
      }

      List<Status> published = published(m);
      assertEquals(advanced, published.size(), "published exactly when a report advanced: " + published);
      assertEquals(published.size(), published.stream().distinct().count(), "no status twice: " + published);
      assertTrue(published.contains(Status.READ), published.toString());
      assertEquals("READ", redis.get(DeliveryStatuses.key(TENANT, m)));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aDeadLettersReasonReachesAgentsBoundedAndWithoutPersonalData() {
    String reason = DeliveryStatuses.reason("delivery failed: +44 7700 900123 or ana@example.com said\nno "
        + "x".repeat(1000));

    assertFalse(reason.contains("7700"), reason);
    assertFalse(reason.contains("ana@example.com"), reason);
    assertTrue(reason.contains("[phone]") && reason.contains("[email]"), reason);
    assertTrue(reason.contains("\\u000a"), "a line break is escaped, not kept: " + reason);
    assertTrue(reason.length() <= DeliveryStatuses.MAX_REASON, reason.length() + " characters");
  }
}
