package dev.baton.intake.channel;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.schemas.Channel;
import dev.baton.schemas.Customer;
import dev.baton.schemas.DeadLetter;
import dev.baton.schemas.OutboundMessage;
import dev.baton.schemas.SchemaVersions;
import dev.baton.schemas.Speaker;
import dev.baton.schemas.serde.Json;
import dev.baton.schemas.topic.Topic;
import dev.baton.schemas.topic.Topics;
import dev.baton.testsupport.BatonTestResource;
import dev.baton.testsupport.CallbackReceiver;
import dev.baton.testsupport.CallbackReceiver.GraphError;
import dev.baton.testsupport.CallbackReceiver.Received;
import dev.baton.testsupport.TestTenants;
import dev.baton.testsupport.TestTopics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * WhatsApp messages from {@code outbound-messages} through the delivery engine to the Graph API
 * double ({@code wabiz}'s {@code apiBaseUrl}), on the real broker and Redis. Every test has its own
 * customer number, so its window and its requests are its own; each waits until its messages are
 * settled (delivered or dead-lettered) before it ends, so no retry of one meets the next one's
 * Graph errors.
 */
@QuarkusTest
@QuarkusTestResource(BatonTestResource.class)
class WhatsAppDeliveryTest {
  private static final String GRAPH_PATH = "/graph/v21.0/" + TestTenants.WHATSAPP_PHONE_NUMBER_ID + "/messages";
  private static final Topic<String, DeadLetter> DLQ = Topics.deadLetterOf(Topics.OUTBOUND_MESSAGES);

  @Inject CustomerServiceWindow window;
  @Inject WhatsAppSentMessages sent;

  private static CallbackReceiver receiver() {
    return BatonTestResource.callbacks();
  }

  /** A fresh UK mobile number in E.164. */
  private static String number() {
    return "+4477" + (10_000_000 + ThreadLocalRandom.current().nextInt(89_999_999));
  }

  private static OutboundMessage message(String tenant, Channel channel, String conversationId, String phone,
      String text, String reason) {
    return new OutboundMessage(SchemaVersions.CURRENT, "msg-" + UUID.randomUUID(), tenant, conversationId, channel,
        new Customer("cust-" + UUID.randomUUID(), "Ana", phone, null), Speaker.BOT, null, text, reason, "ev-1",
        Instant.now());
  }

  private static OutboundMessage whatsApp(String phone, String text, String reason) {
    return message(TestTenants.WHATSAPP_TENANT, Channel.WHATSAPP, "conv-" + UUID.randomUUID(), phone, text, reason);
  }

  private void customerWroteNow(String phone) {
    Instant now = Instant.now();
    window.customerWrote(TestTenants.WHATSAPP_TENANT, phone.substring(1), now, now);
  }

  private static void publish(OutboundMessage m) {
    TestTopics.publish(Topics.OUTBOUND_MESSAGES, m);
  }

  /** Accepted (200) Graph requests to this number. */
  private static List<Received> accepted(String to) {
    return receiver().graphRequestsTo(to).stream().filter(r -> r.status() == 200).toList();
  }

  private static List<Received> callbacksFor(OutboundMessage m) {
    return receiver().received().stream().filter(r -> m.messageId().equals(r.header("Idempotency-Key"))).toList();
  }

  private static DeadLetter deadLetterOf(OutboundMessage m) {
    return await().atMost(Duration.ofSeconds(30)).until(() -> {
      List<DeadLetter> letters = TestTopics.readPublished(DLQ, d -> d.key().equals(m.conversationKey())
          && d.payload().contains(m.messageId()));
      return letters.isEmpty() ? null : letters.get(0);
    }, d -> d != null);
  }

  private static JsonNode json(String json) {
    try {
      return Json.MAPPER.readTree(json);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void inTheWindowAReplyArrivesAsTheDocumentedTextRequestAndItsWamidIsRecorded() {
    String to = number();
    customerWroteNow(to);
    OutboundMessage m = whatsApp(to, "Your bike is ready — see you at 5 \"o'clock\".", "faq:opening-hours");

    publish(m);

    await().atMost(Duration.ofSeconds(20)).until(() -> accepted(to).size() == 1);
    Received r = accepted(to).get(0);
    assertEquals(json("""
        {"messaging_product":"whatsapp","recipient_type":"individual","to":"%s","type":"text",
         "text":{"preview_url":false,"body":"Your bike is ready — see you at 5 \\"o'clock\\"."}}""".formatted(to)),
        r.json());
    assertEquals(GRAPH_PATH, r.path());
    assertEquals("Bearer " + TestTenants.WHATSAPP_ACCESS_TOKEN, r.header("Authorization"));
    assertEquals("application/json", r.header("Content-Type"));
    await().atMost(Duration.ofSeconds(10)).until(() -> sent.lookup(TestTenants.WHATSAPP_TENANT, r.wamid()).isPresent());
    assertEquals(new WhatsAppSentMessages.Sent(m.messageId(), m.conversationId(), Channel.WHATSAPP, 1, 1),
        sent.lookup(TestTenants.WHATSAPP_TENANT, r.wamid()).orElseThrow());
    assertEquals(List.of(), callbacksFor(m), "wabiz's WhatsApp messages never go to its callbackUrl");
  }

  @Test
  void outsideTheWindowAnOrdinaryReplyIsDeadLetteredAndNeverSent() {
    String to = number();
    OutboundMessage m = whatsApp(to, "We're open 9 to 5.", "faq:opening-hours");

    publish(m);

    DeadLetter letter = deadLetterOf(m);
    assertTrue(letter.reason().contains("outside the 24-hour customer-service window"), letter.reason());
    assertEquals(List.of(), receiver().graphRequestsTo(to));
    assertEquals(List.of(), callbacksFor(m));
  }

  @Test
  void outsideTheWindowTheMissedCallAcknowledgementIsTheTenantsTemplate() {
    String to = number();
    OutboundMessage m = whatsApp(to, "Sorry we missed your call, we'll ring you back.", "missed-call-ack");

    publish(m);

    await().atMost(Duration.ofSeconds(20)).until(() -> accepted(to).size() == 1);
    Received r = accepted(to).get(0);
    assertEquals(json("""
        {"messaging_product":"whatsapp","to":"%s","type":"template",
         "template":{"name":"missed_call_ack","language":{"code":"en_US"},
                     "components":[{"type":"body","parameters":[{"type":"text","text":"Wa Bikes"}]}]}}"""
        .formatted(to)), r.json());
    assertEquals(GRAPH_PATH, r.path());
    assertEquals("Bearer " + TestTenants.WHATSAPP_ACCESS_TOKEN, r.header("Authorization"));
  }

  @Test
  void inTheWindowTheMissedCallAcknowledgementIsPlainText() {
    String to = number();
    customerWroteNow(to);
    OutboundMessage m = whatsApp(to, "Sorry we missed your call.", "missed-call-ack");

    publish(m);

    await().atMost(Duration.ofSeconds(20)).until(() -> accepted(to).size() == 1);
    assertEquals("Sorry we missed your call.", accepted(to).get(0).json().path("text").path("body").asText());
  }

  @Test
  void anUndeliverableRecipientIsDeadLetteredWithMetasCodeAfterOneAttempt() {
    String to = number();
    customerWroteNow(to);
    OutboundMessage m = whatsApp(to, "Hello?", "handoff-notice");
    receiver().failGraphNext(1, new GraphError(400, 131026, 2494010, "(#131026) Message Undeliverable."));

    publish(m);

    DeadLetter letter = deadLetterOf(m);
    assertTrue(letter.reason().contains("whatsapp error 131026: Message Undeliverable."), letter.reason());
    assertTrue(letter.reason().contains("after 1 attempt(s)"), letter.reason());
    List<Received> requests = receiver().graphRequestsTo(to);
    assertEquals(1, requests.size());
    assertEquals(400, requests.get(0).status());
  }

  @Test
  void anOutageIsRetriedAndTheMessageDeliveredOnce() {
    String to = number();
    customerWroteNow(to);
    String conversation = "conv-" + UUID.randomUUID();
    OutboundMessage m = message(TestTenants.WHATSAPP_TENANT, Channel.WHATSAPP, conversation, to, "first", "faq:x");
    // Delivered after the first in its conversation: once it is there, the first is settled.
    OutboundMessage after = message(TestTenants.WHATSAPP_TENANT, Channel.WHATSAPP, conversation, to, "after", "faq:x");
    receiver().failGraphNext(1, GraphError.status(500));

    publish(m);
    publish(after);

    await().atMost(Duration.ofSeconds(20)).until(() -> accepted(to).size() == 2);
    List<String> statuses = receiver().graphRequestsTo(to).stream()
        .map(r -> r.status() + " " + r.json().path("text").path("body").asText()).toList();
    assertEquals(List.of("500 first", "200 first", "200 after"), statuses);
  }

  @Test
  void throttlingIsRetried() {
    String to = number();
    customerWroteNow(to);
    OutboundMessage m = whatsApp(to, "slow down", "faq:x");
    receiver().failGraphNext(2, GraphError.of(429, 130429, "(#130429) Rate limit hit"));

    publish(m);

    await().atMost(Duration.ofSeconds(20)).until(() -> accepted(to).size() == 1);
    List<Integer> statuses = receiver().graphRequestsTo(to).stream().map(Received::status).toList();
    assertEquals(List.of(429, 429, 200), statuses);
  }

  @Test
  void aTenantWithoutWhatsAppGetsItsWhatsAppMessagesOnItsCallbackAndWabizItsWebChat() {
    OutboundMessage acme = message(TestTenants.TENANT, Channel.WHATSAPP, "conv-" + UUID.randomUUID(), number(),
        "acme has no WhatsApp number of its own", "faq:opening-hours");
    String to = number();
    customerWroteNow(to);
    OutboundMessage webchat = message(TestTenants.WHATSAPP_TENANT, Channel.WEBCHAT, "conv-" + UUID.randomUUID(), to,
        "web chat reply", "faq:opening-hours");

    publish(acme);
    publish(webchat);

    await().atMost(Duration.ofSeconds(20)).until(() -> callbacksFor(acme).size() == 1 && callbacksFor(webchat).size() == 1);
    assertEquals("/callback/acme", callbacksFor(acme).get(0).path());
    assertEquals(acme, Json.read(callbacksFor(acme).get(0).body(), OutboundMessage.class));
    assertEquals("/callback/wabiz", callbacksFor(webchat).get(0).path());
    assertEquals(List.of(), receiver().graphRequestsTo(acme.recipient().phone()));
    assertEquals(List.of(), receiver().graphRequestsTo(to));
  }
}
