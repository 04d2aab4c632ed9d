package dev.baton.intake.channel;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.intake.PublicUrlProfile;
import dev.baton.schemas.Channel;
import dev.baton.schemas.Customer;
import dev.baton.schemas.DeadLetter;
import dev.baton.schemas.OutboundMessage;
import dev.baton.schemas.SchemaVersions;
import dev.baton.schemas.Speaker;
import dev.baton.schemas.topic.Topic;
import dev.baton.schemas.topic.Topics;
import dev.baton.testsupport.BatonTestResource;
import dev.baton.testsupport.CallbackReceiver;
import dev.baton.testsupport.CallbackReceiver.Received;
import dev.baton.testsupport.CallbackReceiver.TwilioError;
import dev.baton.testsupport.TestTenants;
import dev.baton.testsupport.TestTopics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * SMS and WhatsApp-through-Twilio messages of {@code twbiz} from {@code outbound-messages} through
 * the delivery engine to the Twilio REST double ({@code twbiz}'s {@code apiBaseUrl}), on the real
 * broker and Redis. Requests are checked against Twilio's Messages resource: the path, HTTP Basic
 * auth, and the form parameters as Twilio parses them. Every test has its own customer number and
 * waits until its messages are settled, so no retry of one meets the next one's Twilio errors.
 */
@QuarkusTest
@TestProfile(PublicUrlProfile.class)
@QuarkusTestResource(BatonTestResource.class)
class TwilioMessagingDeliveryTest {
  private static final String MESSAGES_PATH =
      "/twilio/2010-04-01/Accounts/" + TestTenants.TWILIO_ACCOUNT_SID + "/Messages.json";
  private static final String STATUS_CALLBACK =
      PublicUrlProfile.PUBLIC_BASE_URL + "/v1/channels/twilio/" + TestTenants.TWILIO_TENANT + "/message-status";
  private static final Topic<String, DeadLetter> DLQ = Topics.deadLetterOf(Topics.OUTBOUND_MESSAGES);

  @Inject CustomerServiceWindow window;
  @Inject TwilioSentMessages sent;

  private static CallbackReceiver receiver() {
    return BatonTestResource.callbacks();
  }

  /** A fresh UK mobile number in E.164. */
  private static String number() {
    return "+4477" + (10_000_000 + ThreadLocalRandom.current().nextInt(89_999_999));
  }

  private static OutboundMessage message(Channel channel, String conversationId, String phone, String text,
      String reason) {
    return new OutboundMessage(SchemaVersions.CURRENT, "msg-" + UUID.randomUUID(), TestTenants.TWILIO_TENANT,
        conversationId, channel, new Customer("cust-" + UUID.randomUUID(), "Ana", phone, null), Speaker.BOT, null, text,
        reason, "ev-1", Instant.now());
  }

  private static OutboundMessage sms(String phone, String text) {
    return message(Channel.SMS, "sms:" + phone, phone, text, "faq:opening-hours");
  }

  private static OutboundMessage whatsApp(String phone, String text, String reason) {
    return message(Channel.WHATSAPP, "wa:" + phone, phone, text, reason);
  }

  private void customerWroteNow(String phone) {
    Instant now = Instant.now();
    window.customerWrote(TestTenants.TWILIO_TENANT, phone, now, now);
  }

  private static void publish(OutboundMessage m) {
    TestTopics.publish(Topics.OUTBOUND_MESSAGES, m);
  }

  /** Accepted (201) Twilio requests to this address. */
  private static List<Received> accepted(String to) {
    return receiver().twilioRequestsTo(to).stream().filter(r -> r.status() == 201).toList();
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

  /** The credentials of an HTTP Basic {@code Authorization} header, decoded. */
  private static String basicCredentials(Received r) {
    String header = r.header("Authorization");
    assertTrue(header != null && header.startsWith("Basic "), "HTTP Basic auth: " + header);
    return new String(Base64.getDecoder().decode(header.substring("Basic ".length())), StandardCharsets.UTF_8);
  }

  @Test
  void anSmsReplyIsTheDocumentedMessagesRequestAndItsSidIsRecorded() {
    String to = number();
    OutboundMessage m = sms(to, "Your plumber arrives at 10 — reply STOP & we'll never text again?");

    publish(m);

    await().atMost(Duration.ofSeconds(20)).until(() -> accepted(to).size() == 1);
    Received r = accepted(to).get(0);
    assertEquals(MESSAGES_PATH, r.path());
    assertEquals(TestTenants.TWILIO_ACCOUNT_SID + ":" + TestTenants.TWILIO_AUTH_TOKEN, basicCredentials(r));
    assertEquals("application/x-www-form-urlencoded", r.header("Content-Type"));
    assertEquals(Map.of(
        "To", List.of(to),
        "From", List.of(TestTenants.TWILIO_NUMBER),
        "Body", List.of("Your plumber arrives at 10 — reply STOP & we'll never text again?"),
        "StatusCallback", List.of(STATUS_CALLBACK)), r.form());
    String sid = r.sid();
    assertTrue(sid.matches("SM[0-9a-f]{32}"), sid);
    await().atMost(Duration.ofSeconds(10)).until(() -> sent.lookup(TestTenants.TWILIO_TENANT, sid).isPresent());
    assertEquals(new SentMessages.Sent(m.messageId(), m.conversationId(), Channel.SMS, 1, 1),
        sent.lookup(TestTenants.TWILIO_TENANT, sid).orElseThrow());
    assertEquals(List.of(), callbacksFor(m), "twbiz's SMS never go to its callbackUrl");
  }

  @Test
  void inTheWindowAWhatsAppReplyGoesFromTheTwilioSenderAsText() {
    String to = number();
    customerWroteNow(to);
    OutboundMessage m = whatsApp(to, "Olá! Your booking is confirmed 🙂", "faq:opening-hours");

    publish(m);

    await().atMost(Duration.ofSeconds(20)).until(() -> accepted("whatsapp:" + to).size() == 1);
    Received r = accepted("whatsapp:" + to).get(0);
    assertEquals(MESSAGES_PATH, r.path());
    assertEquals(Map.of(
        "To", List.of("whatsapp:" + to),
        "From", List.of("whatsapp:" + TestTenants.TWILIO_WHATSAPP_NUMBER),
        "Body", List.of("Olá! Your booking is confirmed 🙂"),
        "StatusCallback", List.of(STATUS_CALLBACK)), r.form());
    await().atMost(Duration.ofSeconds(10)).until(() -> sent.lookup(TestTenants.TWILIO_TENANT, r.sid()).isPresent());
    assertEquals(Channel.WHATSAPP, sent.lookup(TestTenants.TWILIO_TENANT, r.sid()).orElseThrow().channel());
    assertEquals(List.of(), callbacksFor(m));
  }

  @Test
  void outsideTheWindowTheMissedCallAcknowledgementIsTheTenantsContentTemplate() {
    String to = number();
    OutboundMessage m = whatsApp(to, "Sorry we missed your call, we'll ring you back.", "missed-call-ack");

    publish(m);

    await().atMost(Duration.ofSeconds(20)).until(() -> accepted("whatsapp:" + to).size() == 1);
    Received r = accepted("whatsapp:" + to).get(0);
    assertEquals(Map.of(
        "To", List.of("whatsapp:" + to),
        "From", List.of("whatsapp:" + TestTenants.TWILIO_WHATSAPP_NUMBER),
        "ContentSid", List.of(TestTenants.TWILIO_MISSED_CALL_CONTENT_SID),
        "ContentVariables", List.of("{\"1\":\"Tw Plumbing\"}"),
        "StatusCallback", List.of(STATUS_CALLBACK)), r.form(), "a template replaces Body");
  }

  @Test
  void outsideTheWindowAnOrdinaryWhatsAppReplyIsDeadLetteredAndNeverSent() {
    String to = number();
    OutboundMessage m = whatsApp(to, "We're open around the clock.", "faq:opening-hours");

    publish(m);

    DeadLetter letter = deadLetterOf(m);
    assertTrue(letter.reason().contains("outside the 24-hour customer-service window"), letter.reason());
    assertEquals(List.of(), receiver().twilioRequestsTo("whatsapp:" + to));
    assertEquals(List.of(), callbacksFor(m));
  }

  @Test
  void anUnsubscribedRecipientIsDeadLetteredWithTwiliosCodeAfterOneAttempt() {
    String to = number();
    OutboundMessage m = sms(to, "Hello?");
    receiver().failTwilioNext(1, TwilioError.of(400, 21610,
        "Attempt to send to unsubscribed recipient " + to));

    publish(m);

    DeadLetter letter = deadLetterOf(m);
    assertTrue(letter.reason().contains("twilio error 21610 Recipient unsubscribed (replied STOP)"), letter.reason());
    assertTrue(letter.reason().contains("after 1 attempt(s)"), letter.reason());
    assertTrue(letter.reason().contains("https://www.twilio.com/docs/errors/21610"), letter.reason());
    assertFalse(letter.reason().contains(to), "Twilio's message quotes the number; the reason does not");
    List<Received> requests = receiver().twilioRequestsTo(to);
    assertEquals(List.of(400), requests.stream().map(Received::status).toList());
  }

  @Test
  void aWrongAuthTokenIsTwilios20003AndDeadLettered() {
    String to = number();
    OutboundMessage m = sms(to, "Hello?");
    receiver().twilioAuthToken("rotated-at-twilio");
    try {
      publish(m);

      DeadLetter letter = deadLetterOf(m);
      assertTrue(letter.reason().contains("twilio error 20003"), letter.reason());
      assertEquals(List.of(401), receiver().twilioRequestsTo(to).stream().map(Received::status).toList());
    } finally {
      receiver().twilioAuthToken(TestTenants.TWILIO_AUTH_TOKEN);
    }
  }

  @Test
  void throttlingAndOutagesAreRetriedAndTheMessageSentOnce() {
    String to = number();
    String conversation = "sms:" + to;
    OutboundMessage m = message(Channel.SMS, conversation, to, "first", "faq:x");
    // Delivered after the first in its conversation: once it is there, the first is settled.
    OutboundMessage after = message(Channel.SMS, conversation, to, "after", "faq:x");
    receiver().failTwilioNext(2, TwilioError.of(429, 20429, "Too Many Requests"));

    publish(m);
    publish(after);

    await().atMost(Duration.ofSeconds(20)).until(() -> accepted(to).size() == 2);
    List<String> requests = receiver().twilioRequestsTo(to).stream().map(r -> r.status() + " " + r.param("Body"))
        .toList();
    assertEquals(List.of("429 first", "429 first", "201 first", "201 after"), requests);

    String other = number();
    receiver().failTwilioNext(1, TwilioError.status(503));
    publish(sms(other, "after an outage"));
    await().atMost(Duration.ofSeconds(20)).until(() -> accepted(other).size() == 1);
    assertEquals(List.of(503, 201), receiver().twilioRequestsTo(other).stream().map(Received::status).toList());
  }

  @Test
  void aTextOverTwiliosLimitGoesInPartsInOrder() {
    String to = number();
    String first = "a".repeat(1200) + " ";
    String second = "b".repeat(1400) + " ";
    String third = "c".repeat(100);
    OutboundMessage m = sms(to, first + second + third);

    publish(m);

    await().atMost(Duration.ofSeconds(20)).until(() -> accepted(to).size() == 2);
    List<String> bodies = accepted(to).stream().map(r -> r.param("Body")).toList();
    assertEquals(List.of(first, second + third), bodies, "cut at the last space within 1600 characters");
    assertEquals(m.text(), String.join("", bodies));
    for (int i = 0; i < 2; i++) {
      String sid = accepted(to).get(i).sid();
      int part = i + 1;
      await().atMost(Duration.ofSeconds(10)).until(() -> sent.lookup(TestTenants.TWILIO_TENANT, sid)
          .map(s -> s.part() == part && s.parts() == 2 && s.messageId().equals(m.messageId())).orElse(false));
    }
  }
}
