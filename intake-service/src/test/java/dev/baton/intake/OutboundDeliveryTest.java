package dev.baton.intake;

import static org.awaitility.Awaitility.await;
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
import dev.baton.tenant.WebhookSignature;
import dev.baton.testsupport.BatonTestResource;
import dev.baton.testsupport.CallbackReceiver;
import dev.baton.testsupport.CallbackReceiver.Received;
import dev.baton.testsupport.TestTenants;
import dev.baton.testsupport.TestTopics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(BatonTestResource.class)
class OutboundDeliveryTest {

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
  void undeliverableAndUnreadableMessagesGoToTheDeadLetterTopicWithAReason() {
    OutboundMessage rejected = reply("the receiver refuses this");
    BatonTestResource.callbacks().failNext(1, 400);
    publish(rejected);
    String poisonKey = "poison-" + UUID.randomUUID();
    TestTopics.publishRaw(Topics.OUTBOUND_MESSAGES, poisonKey, "{not json".getBytes(StandardCharsets.UTF_8));

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
}
