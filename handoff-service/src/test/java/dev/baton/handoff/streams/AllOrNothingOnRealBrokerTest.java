package dev.baton.handoff.streams;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.schemas.Channel;
import dev.baton.schemas.ConversationEvent;
import dev.baton.schemas.ConversationKey;
import dev.baton.schemas.ConversationState;
import dev.baton.schemas.DeadLetter;
import dev.baton.schemas.EnrichedEvent;
import dev.baton.schemas.EventType;
import dev.baton.schemas.Intent;
import dev.baton.schemas.Owner;
import dev.baton.schemas.ProposedReply;
import dev.baton.schemas.SchemaVersions;
import dev.baton.schemas.Sentiment;
import dev.baton.schemas.topic.Topics;
import dev.baton.testsupport.BatonTestResource;
import dev.baton.testsupport.EmbeddedKafka;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * All or nothing under exactly-once, on the real broker with the service's own Kafka Streams: the
 * broker refuses one output of a record (its handoff), the transaction with the record's state
 * change and other outputs is aborted, and its retry writes only the record's dead letter. A
 * consumer reading committed records never sees a state that says QUEUED with no handoff; the
 * conversation and every other go on, and liveness stays UP (the thread died on purpose).
 */
@QuarkusTest
@QuarkusTestResource(BatonTestResource.class)
class AllOrNothingOnRealBrokerTest {
  /** What the test makes the handoffs topic take, so that one handoff is too large for it. */
  private static final int SMALL_LIMIT = 64 * 1024;
  private static final List<String> OUTPUTS = List.of(Topics.deadLetterOf(Topics.ENRICHED_EVENTS).name(),
      Topics.CONVERSATION_STATE.name(), Topics.OUTBOUND_MESSAGES.name(), Topics.HANDOFFS.name(),
      Topics.CONVERSATION_TURNS.name());

  private final String bootstrap = EmbeddedKafka.get().bootstrapServers();

  private static EnrichedEvent message(String conversation, String text, boolean faq) {
    ConversationEvent e = new ConversationEvent(SchemaVersions.CURRENT, "ev-" + UUID.randomUUID(),
        EventType.CUSTOMER_MESSAGE, "acme", conversation, Channel.WEBCHAT, Instant.now(), null, text, null, Map.of());
    return new EnrichedEvent(SchemaVersions.CURRENT, e, new Sentiment("neutral", 0, Map.of(), "t"),
        faq ? new Intent("opening_hours", 0.95, "reception", "t") : null, List.of(),
        faq ? new ProposedReply("8 to 6", "faq:opening-hours") : null);
  }

  private void setHandoffsLimit(Admin admin, int bytes) throws Exception {
    var topic = new ConfigResource(ConfigResource.Type.TOPIC, Topics.HANDOFFS.name());
    admin.incrementalAlterConfigs(Map.of(topic, List.of(new AlterConfigOp(
        new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(bytes)), AlterConfigOp.OpType.SET))))
        .all().get(30, TimeUnit.SECONDS);
  }

  /**
   * True once the broker refuses {@code bytes} on the handoffs topic. Sent in a transaction that is
   * then aborted, so a probe the broker still takes is never read by anyone.
   */
  private static boolean refused(KafkaProducer<byte[], byte[]> probe, int bytes) throws InterruptedException {
    probe.beginTransaction();
    try {
      probe.send(new ProducerRecord<>(Topics.HANDOFFS.name(), new byte[bytes])).get(30, TimeUnit.SECONDS);
      return false;
    } catch (ExecutionException e) {
      return e.getCause() instanceof RecordTooLargeException;
    } catch (java.util.concurrent.TimeoutException e) {
      return false;
    } finally {
      probe.abortTransaction();
    }
  }

  @Test
  void aHandoffTheBrokerRefusesAbortsItsTransactionAndTheRetryOnlyDeadLettersTheMessage() throws Exception {
    String big = "big-" + UUID.randomUUID();
    String other = "chat-" + UUID.randomUUID();
    String bigKey = ConversationKey.of("acme", big);
    List<ConsumerRecord<String, byte[]>> seen = new ArrayList<>();
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
        var producer = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
            new StringSerializer(), Topics.ENRICHED_EVENTS.valueSerde().serializer());
        var probe = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ProducerConfig.TRANSACTIONAL_ID_CONFIG, "all-or-nothing-probe-" + UUID.randomUUID()),
            new ByteArraySerializer(), new ByteArraySerializer());
        var consumer = new KafkaConsumer<>(Map.<String, Object>of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG,
            2 * Topics.MAX_MESSAGE_BYTES), new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (String t : OUTPUTS) {
        consumer.partitionsFor(t).forEach(p -> partitions.add(new TopicPartition(t, p.partition())));
      }
      consumer.assign(partitions);
      consumer.seekToEnd(partitions);
      partitions.forEach(consumer::position);
      await().dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(60)).until(() -> given().get("/q/health/ready").statusCode() == 200);
      probe.initTransactions();
      try {
        setHandoffsLimit(admin, SMALL_LIMIT);
        await().dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(30)).until(() -> refused(probe, SMALL_LIMIT + 1024));

        // Asks for a person: the state (QUEUED), a notice, the turns and the handoff, which now
        // carries more than the handoffs topic takes. Everything else is well within its limit.
        EnrichedEvent asksForAPerson = message(big, "I want to speak to someone. " + "x".repeat(SMALL_LIMIT), false);
        producer.send(new ProducerRecord<>(Topics.ENRICHED_EVENTS.name(), bigKey, asksForAPerson)).get();

        DeadLetter letter = await().dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(120)).until(() -> {
          poll(consumer, seen);
          return seen.stream().filter(r -> r.topic().equals(Topics.deadLetterOf(Topics.ENRICHED_EVENTS).name())
                  && bigKey.equals(r.key())).findFirst()
              .map(r -> Topics.deadLetterOf(Topics.ENRICHED_EVENTS).valueSerde().deserializer().deserialize(r.topic(), r.value()))
              .orElse(null);
        }, l -> l != null);
        assertTrue(letter.reason().startsWith("output to handoffs refused: org.apache.kafka.common.errors.RecordTooLargeException"),
            letter.reason());
        assertTrue(letter.reason().endsWith("(its transaction was aborted; dead-lettered on retry)"), letter.reason());
        assertEquals(asksForAPerson, Topics.ENRICHED_EVENTS.valueSerde().deserializer()
            .deserialize("t", letter.payload().getBytes(java.nio.charset.StandardCharsets.UTF_8)), "the message is kept whole");

        // Everything committed up to now: nothing else of that message, on any topic.
        drain(consumer, seen);
        List<String> written = seen.stream().filter(r -> bigKey.equals(r.key())).map(ConsumerRecord::topic).toList();
        assertEquals(List.of(Topics.deadLetterOf(Topics.ENRICHED_EVENTS).name()), written,
            "no state, turn, notice or handoff of the dead-lettered message");
      } finally {
        setHandoffsLimit(admin, Topics.MAX_MESSAGE_BYTES);
      }

      // The conversation goes on, as if the dead-lettered message had not come; and so does another.
      producer.send(new ProducerRecord<>(Topics.ENRICHED_EVENTS.name(), bigKey, message(big, "opening hours?", true)));
      producer.send(new ProducerRecord<>(Topics.ENRICHED_EVENTS.name(), ConversationKey.of("acme", other),
          message(other, "opening hours?", true))).get();
      await().dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(60)).until(() -> {
        poll(consumer, seen);
        return replies(seen).containsAll(List.of(big, other));
      });
      ConversationState state = seen.stream()
          .filter(r -> r.topic().equals(Topics.CONVERSATION_STATE.name()) && bigKey.equals(r.key()))
          .map(r -> Topics.CONVERSATION_STATE.valueSerde().deserializer().deserialize(r.topic(), r.value()))
          .reduce((a, b) -> b).orElseThrow();
      assertEquals(Owner.BOT, state.owner());
      assertEquals(2, state.turnCount(), "the question and its answer, nothing of the dead-lettered message");
    }

    // The thread died on purpose: it is not counted against liveness.
    given().get("/q/health/live").then().statusCode(200)
        .body("checks.find { it.name == 'handoff-streams' }.data.recentThreadFailures", is(0));
  }

  private static List<String> replies(List<ConsumerRecord<String, byte[]>> seen) {
    return seen.stream().filter(r -> r.topic().equals(Topics.OUTBOUND_MESSAGES.name()))
        .map(r -> Topics.OUTBOUND_MESSAGES.valueSerde().deserializer().deserialize(r.topic(), r.value()).conversationId())
        .toList();
  }

  private static void poll(KafkaConsumer<String, byte[]> consumer, List<ConsumerRecord<String, byte[]>> seen) {
    consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
  }

  /** Reads every committed record up to the end of each partition as it is now. */
  private static void drain(KafkaConsumer<String, byte[]> consumer, List<ConsumerRecord<String, byte[]>> seen) {
    Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(consumer.assignment()));
    await().dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(30)).until(() -> {
      poll(consumer, seen);
      return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    });
  }
}
