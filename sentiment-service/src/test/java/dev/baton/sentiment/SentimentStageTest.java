package dev.baton.sentiment;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.schemas.Channel;
import dev.baton.schemas.ConversationEvent;
import dev.baton.schemas.DeadLetter;
import dev.baton.schemas.EnrichedEvent;
import dev.baton.schemas.EventType;
import dev.baton.schemas.SchemaVersions;
import dev.baton.schemas.topic.Topics;
import dev.baton.support.logging.TraceParent;
import dev.baton.testsupport.BatonTestResource;
import dev.baton.testsupport.EmbeddedKafka;
import dev.baton.testsupport.TestTopics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(BatonTestResource.class)
class SentimentStageTest {

  private static ConversationEvent event(EventType type, Channel channel, String text) {
    return new ConversationEvent(SchemaVersions.CURRENT, "ev-" + UUID.randomUUID(), type, "acme",
        "conv-" + UUID.randomUUID(), channel, Instant.now(), null, text, null, Map.of());
  }

  private static EnrichedEvent scoredOf(ConversationEvent e) {
    await().atMost(Duration.ofSeconds(30)).until(() ->
        !TestTopics.read(Topics.SENTIMENT_SCORED_EVENTS, x -> x.eventId().equals(e.eventId()), Duration.ofMillis(600)).isEmpty());
    List<EnrichedEvent> out =
        TestTopics.read(Topics.SENTIMENT_SCORED_EVENTS, x -> x.eventId().equals(e.eventId()), Duration.ofSeconds(1));
    assertEquals(1, out.size());
    return out.get(0);
  }

  @Test
  void angryCustomerMessageIsScoredNegativeWithAnger() {
    ConversationEvent angry =
        event(EventType.CUSTOMER_MESSAGE, Channel.WHATSAPP, "This is ridiculous, my parcel is late AGAIN!! Useless service.");

    TestTopics.publish(Topics.CONVERSATION_EVENTS, angry);

    EnrichedEvent scored = scoredOf(angry);
    assertEquals(angry, scored.event());
    assertNotNull(scored.sentiment());
    assertEquals("negative", scored.sentiment().label());
    assertTrue(scored.sentiment().score() < 0);
    assertTrue(scored.sentiment().emotion("anger") > 0.5, scored.sentiment().toString());
    assertNull(scored.intent(), "intent is the routing service's job");
  }

  @Test
  void eventsWithoutCustomerTextPassThroughInOrder() {
    ConversationEvent started = event(EventType.CALL_STARTED, Channel.VOICE, null);

    TestTopics.publish(Topics.CONVERSATION_EVENTS, started);

    EnrichedEvent passed = scoredOf(started);
    assertEquals(started, passed.event());
    assertNull(passed.sentiment());
  }

  @Test
  void theScoredEventCarriesTheIntakesTraceparentUnchanged() throws Exception {
    ConversationEvent e = event(EventType.CUSTOMER_MESSAGE, Channel.WEBCHAT, "where is my order?");
    String traceparent = TraceParent.of(null);
    ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(Topics.CONVERSATION_EVENTS.name(),
        e.conversationKey().getBytes(StandardCharsets.UTF_8),
        Topics.CONVERSATION_EVENTS.valueSerde().serializer().serialize(Topics.CONVERSATION_EVENTS.name(), e));
    record.headers().add(TraceParent.HEADER, traceparent.getBytes(StandardCharsets.US_ASCII));
    try (var producer = new KafkaProducer<>(
        Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedKafka.get().bootstrapServers()),
        new ByteArraySerializer(), new ByteArraySerializer())) {
      producer.send(record).get();
    }

    scoredOf(e);
    List<ConsumerRecord<String, byte[]>> scored = TestTopics.readRaw(Topics.SENTIMENT_SCORED_EVENTS,
        r -> e.conversationKey().equals(r.key()), Duration.ofSeconds(1));
    assertEquals(1, scored.size());
    assertEquals(traceparent, TestTopics.header(scored.get(0), TraceParent.HEADER));
  }

  @Test
  void unreadableRecordGoesToTheDeadLetterTopicAndTheStageKeepsWorking() {
    String key = "poison-" + UUID.randomUUID();
    TestTopics.publishRaw(Topics.CONVERSATION_EVENTS, key, "{\"type\":\"NOPE\"}".getBytes(StandardCharsets.UTF_8));
    ConversationEvent after = event(EventType.CUSTOMER_MESSAGE, Channel.SMS, "thanks, that's great");
    TestTopics.publish(Topics.CONVERSATION_EVENTS, after);

    assertEquals("positive", scoredOf(after).sentiment().label());
    List<DeadLetter> letters =
        TestTopics.read(Topics.deadLetterOf(Topics.CONVERSATION_EVENTS), d -> key.equals(d.key()), Duration.ofSeconds(2));
    assertEquals(1, letters.size());
    assertTrue(letters.get(0).reason().contains("not a valid ConversationEvent"), letters.get(0).reason());
    assertEquals("sentiment-service", letters.get(0).failedBy());
  }

  // ---- the channel's own net: what escapes the stage --------------------------------------

  /** The record on {@code conversation-events-dlq} as it was read, written by the channel's dead-letter strategy. */
  private static ConsumerRecord<String, byte[]> keptAsRead(String key) {
    await().atMost(Duration.ofSeconds(30)).until(() ->
        !TestTopics.readRaw(Topics.deadLetterOf(Topics.CONVERSATION_EVENTS), r -> key.equals(r.key()), Duration.ofMillis(600)).isEmpty());
    List<ConsumerRecord<String, byte[]>> kept =
        TestTopics.readRaw(Topics.deadLetterOf(Topics.CONVERSATION_EVENTS), r -> key.equals(r.key()), Duration.ofSeconds(1));
    assertEquals(1, kept.size());
    return kept.get(0);
  }

  @Test
  void anExceptionEscapingTheStageIsDeadLetteredAsReadAndTheStageGoesOn() {
    // Readable, but no record key can be made of it ('/' separates tenant and conversation): the
    // stage throws while forwarding it.
    ConversationEvent keyless = new ConversationEvent(SchemaVersions.CURRENT, "ev-" + UUID.randomUUID(),
        EventType.CUSTOMER_MESSAGE, "acme/other", "conv-" + UUID.randomUUID(), Channel.WEBCHAT, Instant.now(), null,
        "hello", null, Map.of());
    String key = "acme/keyless-" + UUID.randomUUID();
    TestTopics.publish(Topics.CONVERSATION_EVENTS, key, keyless);
    ConversationEvent after = event(EventType.CUSTOMER_MESSAGE, Channel.SMS, "great, thanks a lot");
    TestTopics.publish(Topics.CONVERSATION_EVENTS, after);

    assertEquals("positive", scoredOf(after).sentiment().label());
    ConsumerRecord<String, byte[]> kept = keptAsRead(key);
    assertEquals(keyless, Topics.CONVERSATION_EVENTS.valueSerde().deserializer().deserialize("t", kept.value()));
    assertEquals("tenant id contains /", TestTopics.header(kept, "dead-letter-reason"));
    given().get("/q/health/live").then().statusCode(200);
  }
}
