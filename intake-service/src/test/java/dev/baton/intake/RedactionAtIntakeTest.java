package dev.baton.intake;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.baton.schemas.ConversationEvent;
import dev.baton.schemas.DeadLetter;
import dev.baton.schemas.DeadLetters;
import dev.baton.schemas.topic.Topics;
import dev.baton.tenant.WebhookSignature;
import dev.baton.testsupport.BatonTestResource;
import dev.baton.testsupport.EmbeddedKafka;
import dev.baton.testsupport.TestTenants;
import dev.baton.testsupport.TestTopics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/**
 * The intake masks message text with the tenant's privacy policy before publishing: what reaches
 * {@code conversation-events} (and so every later copy) never holds a card number.
 */
@QuarkusTest
@QuarkusTestResource(BatonTestResource.class)
class RedactionAtIntakeTest {

  private static final String TEXT =
      "Charge 4242 4242 4242 4242 or 5555-5555-5555-4444 or 378282246310005 for order ORD-123456;"
          + " mail ana@example.com, call +44 7700 900123";

  private static void post(String tenant, String secret, String eventId, String text) {
    String body =
        """
        {"eventId":"%s","type":"CUSTOMER_MESSAGE","tenantId":"%s","conversationId":"conv-%s",
         "channel":"WHATSAPP","occurredAt":"%s",
         "customer":{"id":"c1","name":"Ana","phone":"+447700900123","email":"ana@example.com"},
         "text":"%s"}"""
            .formatted(eventId, tenant, UUID.randomUUID(), Instant.now(), text);
    long ts = Instant.now().getEpochSecond();
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    given()
        .contentType("application/json")
        .header(WebhookSignature.TIMESTAMP_HEADER, Long.toString(ts))
        .header(WebhookSignature.SIGNATURE_HEADER, WebhookSignature.sign(secret, ts, bytes))
        .body(bytes)
        .post("/v1/events")
        .then()
        .statusCode(202);
  }

  private static ConversationEvent published(String eventId) {
    List<ConversationEvent> events =
        TestTopics.readPublished(Topics.CONVERSATION_EVENTS, e -> e.eventId().equals(eventId));
    assertEquals(1, events.size());
    return events.get(0);
  }

  @Test
  void cardNumbersReachTheTopicMaskedAndTheRestIsKeptByDefault() {
    String eventId = "ev-" + UUID.randomUUID();
    post(TestTenants.TENANT, TestTenants.SECRET, eventId, TEXT);

    ConversationEvent event = published(eventId);
    assertEquals(
        "Charge [card ending 4242] or [card ending 4444] or [card ending 0005] for order ORD-123456;"
            + " mail ana@example.com, call +44 7700 900123",
        event.text());
    // The reply goes to the customer's contact fields: they are kept.
    assertEquals("+447700900123", event.customer().phone());
    assertEquals("ana@example.com", event.customer().email());
  }

  @Test
  void aStrictTenantAlsoGetsEmailsAndPhonesMasked() {
    String eventId = "ev-" + UUID.randomUUID();
    post(TestTenants.OTHER_TENANT, TestTenants.OTHER_SECRET, eventId, TEXT);

    ConversationEvent event = published(eventId);
    assertEquals(
        "Charge [card ending 4242] or [card ending 4444] or [card ending 0005] for order ORD-123456;"
            + " mail [email], call [phone]",
        event.text());
    assertEquals("+447700900123", event.customer().phone());
  }

  @Test
  void theRecordBytesAndSoAnyDeadLetterOfThemHoldNoCardNumber() {
    String eventId = "ev-" + UUID.randomUUID();
    post(TestTenants.TENANT, TestTenants.SECRET, eventId, "my card is 4242424242424242, exp 12/29");

    ConsumerRecord<String, byte[]> record = raw(eventId);
    String bytes = new String(record.value(), StandardCharsets.UTF_8);
    assertFalse(bytes.replaceAll("[ -]", "").contains("4242424242424242"), bytes);
    // A consumer that gives up on this record dead-letters these very bytes as the payload.
    DeadLetter letter = DeadLetters.of(record.topic(), record.partition(), record.offset(), record.key(),
        record.value(), "cannot score 4242 4242 4242 4242", "sentiment-service");
    assertFalse(letter.payload().contains("4242424242424242"), letter.payload());
    assertFalse(letter.reason().contains("4242 4242 4242 4242"), letter.reason());
  }

  private static ConsumerRecord<String, byte[]> raw(String eventId) {
    List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
    try (var consumer =
        new KafkaConsumer<>(
            Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedKafka.get().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "raw-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
            new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(Topics.CONVERSATION_EVENTS.name()));
      long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
      while (System.nanoTime() < deadline && out.isEmpty()) {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> {
          if (r.value() != null && new String(r.value(), StandardCharsets.UTF_8).contains(eventId)) {
            out.add(r);
          }
        });
      }
    }
    assertEquals(1, out.size());
    return out.get(0);
  }
}
