package dev.baton.intake;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.schemas.Channel;
import dev.baton.schemas.Customer;
import dev.baton.schemas.DeadLetter;
import dev.baton.schemas.OutboundMessage;
import dev.baton.schemas.SchemaVersions;
import dev.baton.schemas.Speaker;
import dev.baton.schemas.serde.Json;
import dev.baton.schemas.topic.Topic;
import dev.baton.schemas.topic.Topics;
import dev.baton.support.kafka.KafkaPublisher;
import dev.baton.tenant.WebhookSignature;
import dev.baton.testsupport.BatonTestResource;
import dev.baton.testsupport.CallbackReceiver;
import dev.baton.testsupport.CallbackReceiver.Received;
import dev.baton.testsupport.TestTenants;
import dev.baton.testsupport.TestTopics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(BatonTestResource.class)
class OutboundDeliveryTest {
  @Inject
  KafkaProducer<byte[], byte[]> producer;

  private static OutboundMessage reply(String text) {
    return new OutboundMessage(SchemaVersions.CURRENT, "msg-" + UUID.randomUUID(), "acme",
        "conv-" + UUID.randomUUID(), Channel.WEBCHAT, new Customer("c1", "Ana", null, null),
        Speaker.BOT, null, text, "faq:opening-hours", "ev-1", Instant.now());
  }

  private static void publish(OutboundMessage m) {
    TestTopics.publish(Topics.OUTBOUND_MESSAGES, m);
  }

  private static List<Received> receivedFor(OutboundMessage m) {
    return BatonTestResource.callbacks().received().stream()
        .filter(r -> m.messageId().equals(r.header("Idempotency-Key")))
        .toList();
  }

  @Test
  void messageReachesTheTenantCallbackSignedWithItsSecret() {
    OutboundMessage m = reply("We're open 8am to 6pm.");

    publish(m);

    await().atMost(Duration.ofSeconds(20)).until(() -> receivedFor(m).size() == 1);
    Received r = receivedFor(m).get(0);
    assertEquals("/callback/acme", r.path());
    assertEquals(m, Json.read(r.body(), OutboundMessage.class));
    assertEquals(WebhookSignature.Verdict.VALID,
        WebhookSignature.verify(TestTenants.SECRET, r.header(WebhookSignature.TIMESTAMP_HEADER),
            r.header(WebhookSignature.SIGNATURE_HEADER), r.body().getBytes(StandardCharsets.UTF_8),
            Instant.now(), Duration.ofMinutes(5)));
  }

  @Test
  void temporaryFailuresAreRetriedAndARedeliveryIsNotSentTwice() {
    CallbackReceiver callbacks = BatonTestResource.callbacks();
    OutboundMessage m = reply("retry me");
    callbacks.failNext(2, 503);

    publish(m);
    await().atMost(Duration.ofSeconds(20)).until(() -> receivedFor(m).size() == 1);

    // The same message again (a replay upstream) is recognised by its id and not re-sent.
    OutboundMessage marker = reply("marker");
    publish(m);
    publish(marker);
    await().atMost(Duration.ofSeconds(20)).until(() -> receivedFor(marker).size() == 1);
    assertEquals(1, receivedFor(m).size());
  }

  @Test
  void undeliverableAndUnreadableMessagesGoToTheDeadLetterTopicWithAReasonAndDeliveryGoesOn() {
    OutboundMessage rejected = reply("the receiver refuses this");
    BatonTestResource.callbacks().failNext(1, 400);
    publish(rejected);
    OutboundMessage after = reply("after the poison");
    // The poison under the next message's key: on its partition, read just before it.
    String poisonKey = after.conversationKey();
    TestTopics.publishRaw(Topics.OUTBOUND_MESSAGES, poisonKey, "{not json".getBytes(StandardCharsets.UTF_8));
    publish(after);

    await().atMost(Duration.ofSeconds(20)).until(() -> receivedFor(after).size() == 1);
    Topic<String, DeadLetter> dlq = Topics.deadLetterOf(Topics.OUTBOUND_MESSAGES);
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      List<DeadLetter> letters =
          TestTopics.read(dlq, d -> d.key().equals(rejected.conversationKey()) || d.key().equals(poisonKey),
              Duration.ofSeconds(2));
      assertEquals(2, letters.size(), letters.toString());
      assertTrue(letters.stream().anyMatch(d -> d.reason().contains("HTTP 400")), letters.toString());
      assertTrue(letters.stream().anyMatch(d -> d.reason().contains("not a valid OutboundMessage")
          && d.payload().equals("{not json")), letters.toString());
    });
  }

  @Test
  void aMessageWhoseDeadLetterCannotBeWrittenIsKeptAsReadAndDeliveryGoesOn() {
    OutboundMessage after = reply("after the refused dead letter");
    String poisonKey = after.conversationKey();
    // The dead-letter write fails for the poison (as when the broker refuses it); everything else
    // is published as usual.
    QuarkusMock.installMockForType(new KafkaPublisher(producer) {
      @Override
      public <K, V> void publish(Topic<K, V> topic, K key, V value, Duration timeout) throws PublishException {
        if (topic.name().equals(Topics.deadLetterOf(Topics.OUTBOUND_MESSAGES).name()) && poisonKey.equals(key)) {
          throw new PublishException(topic.name(), new IllegalStateException("refused"));
        }
        super.publish(topic, key, value, timeout);
      }
    }, KafkaPublisher.class);
    byte[] poison = "{not json either".getBytes(StandardCharsets.UTF_8);
    TestTopics.publishRaw(Topics.OUTBOUND_MESSAGES, poisonKey, poison);
    publish(after);

    await().atMost(Duration.ofSeconds(20)).until(() -> receivedFor(after).size() == 1);
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      List<ConsumerRecord<String, byte[]>> kept = TestTopics.readRaw(Topics.deadLetterOf(Topics.OUTBOUND_MESSAGES),
          r -> poisonKey.equals(r.key()), Duration.ofSeconds(1));
      assertEquals(1, kept.size());
      assertArrayEquals(poison, kept.get(0).value());
      String reason = TestTopics.header(kept.get(0), "dead-letter-reason");
      assertTrue(reason != null && reason.startsWith("could not publish to outbound-messages-dlq"), reason);
    });
  }
}
