package dev.baton.intake.channel;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.schemas.Channel;
import dev.baton.schemas.ConversationEvent;
import dev.baton.schemas.Customer;
import dev.baton.schemas.DeadLetter;
import dev.baton.schemas.DeliveryStatus;
import dev.baton.schemas.OutboundMessage;
import dev.baton.schemas.SchemaVersions;
import dev.baton.schemas.Speaker;
import dev.baton.schemas.topic.Topic;
import dev.baton.schemas.topic.Topics;
import dev.baton.testsupport.BatonTestResource;
import dev.baton.testsupport.CallbackReceiver;
import dev.baton.testsupport.CallbackReceiver.Received;
import dev.baton.testsupport.TestTenants;
import dev.baton.testsupport.TestTopics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Email replies from {@code outbound-messages} through the delivery engine to the Mailgun double
 * ({@code twbiz}) and the SendGrid double ({@code wabiz}), threaded into the conversation the
 * customer's email opened, on the real broker and Redis. Each test has its own customer address.
 */
@QuarkusTest
@QuarkusTestResource(BatonTestResource.class)
class EmailDeliveryTest {
  private static final Topic<String, DeadLetter> DLQ = Topics.deadLetterOf(Topics.OUTBOUND_MESSAGES);

  private static CallbackReceiver receiver() {
    return BatonTestResource.callbacks();
  }

  private static String address() {
    return "eve." + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
  }

  private static OutboundMessage message(String tenant, String conversationId, String address, String text) {
    return new OutboundMessage(SchemaVersions.CURRENT, "msg-" + UUID.randomUUID(), tenant, conversationId,
        Channel.EMAIL, new Customer(address, "Eve", null, address), Speaker.BOT, null, text, "faq:opening-hours", "ev-1",
        Instant.now());
  }

  /** Posts a customer's email to twbiz's Mailgun route and returns its event. */
  private static ConversationEvent customerEmails(String address, String messageId, String inReplyTo, String text) {
    Map<String, String> fields = new java.util.LinkedHashMap<>(Map.of("from", "Eve <" + address + ">",
        "recipient", TestTenants.MAILGUN_ADDRESS, "subject", "Opening hours", "body-plain", text,
        "Message-Id", "<" + messageId + ">"));
    if (inReplyTo != null) {
      fields.put("In-Reply-To", "<" + inReplyTo + ">");
      fields.put("References", "<" + inReplyTo + ">");
    }
    given().contentType("application/x-www-form-urlencoded")
        .body(EmailSamples.urlencoded(EmailSamples.signed(fields, TestTenants.MAILGUN_SIGNING_KEY)))
        .post("/v1/channels/mailgun/" + TestTenants.MAILGUN_TENANT).then().statusCode(200);
    return TestTopics.readPublished(Topics.CONVERSATION_EVENTS,
        e -> messageId.equals(e.attributes().get("email.messageId"))).get(0);
  }

  private static List<Received> accepted(String address, int status) {
    return receiver().emailRequestsTo(address).stream().filter(r -> r.status() == status).toList();
  }

  private static DeadLetter deadLetterOf(OutboundMessage m) {
    return await().atMost(Duration.ofSeconds(30)).until(() -> {
      List<DeadLetter> letters = TestTopics.readPublished(DLQ, d -> d.payload().contains(m.messageId()));
      return letters.isEmpty() ? null : letters.get(0);
    }, d -> d != null);
  }

  /** The message's statuses, once there is one (the deliverer publishes them after the exchange). */
  private static List<DeliveryStatus> statuses(OutboundMessage m) {
    return await().atMost(Duration.ofSeconds(10)).until(
        () -> TestTopics.readPublished(Topics.DELIVERY_STATUSES, s -> m.messageId().equals(s.messageId())),
        l -> !l.isEmpty());
  }

  @Test
  void aReplyToAMailgunEmailThreadsUnderItAndTheAnswerToItStaysInTheConversation() {
    String address = address();
    String customerId = "q1-" + UUID.randomUUID() + "@mail.example.com";
    ConversationEvent question = customerEmails(address, customerId, null, "When are you open?");
    OutboundMessage reply = message(TestTenants.MAILGUN_TENANT, question.conversationId(), address,
        "We answer calls around the clock.");

    TestTopics.publish(Topics.OUTBOUND_MESSAGES, reply);

    await().atMost(Duration.ofSeconds(20)).until(() -> accepted(address, 200).size() == 1);
    Received r = accepted(address, 200).get(0);
    assertEquals("/mailgun/v3/" + TestTenants.MAILGUN_DOMAIN + "/messages", r.path());
    assertEquals("<" + customerId + ">", r.param("h:In-Reply-To"));
    assertEquals("<" + customerId + ">", r.param("h:References"));
    assertEquals("Re: Opening hours", r.param("subject"));
    assertEquals("\"Eve\" <" + address + ">", r.param("to"));
    assertEquals("We answer calls around the clock.", r.param("text"));
    String ours = EmailReader.firstId(r.param("h:Message-Id"));
    List<DeliveryStatus> sent = statuses(reply);
    assertEquals(DeliveryStatus.Status.SENT, sent.get(0).status());
    assertEquals("mailgun", sent.get(0).provider());

    ConversationEvent answer = customerEmails(address, "q2-" + UUID.randomUUID() + "@mail.example.com", ours,
        "Thanks!\n\nOn Tue, Tw Plumbing wrote:\n> We answer calls around the clock.");
    assertEquals(question.conversationId(), answer.conversationId(), "the answer to Baton's reply is the same conversation");
    assertEquals("Thanks!", answer.text());
    assertEquals(List.of(), receiver().callbacks().stream().filter(c -> c.body().contains(reply.messageId())).toList(),
        "twbiz's email never goes to its callbackUrl");
  }

  @Test
  void aSendGridReplyIsTheDocumentedMailSendAndARedeliveryIsNotSentAgain() {
    String address = address();
    OutboundMessage reply = message(TestTenants.SENDGRID_TENANT, "email:" + UUID.randomUUID(), address, "Bikes ready.");

    TestTopics.publish(Topics.OUTBOUND_MESSAGES, reply);
    await().atMost(Duration.ofSeconds(20)).until(() -> accepted(address, 202).size() == 1);
    TestTopics.publish(Topics.OUTBOUND_MESSAGES, reply); // a redelivery of the same message
    await().atMost(Duration.ofSeconds(10)).until(() -> statuses(reply).size() >= 1);

    Received r = accepted(address, 202).get(0);
    assertEquals("/sendgrid/v3/mail/send", r.path());
    assertEquals("Bearer " + TestTenants.SENDGRID_API_KEY, r.header("Authorization"));
    assertEquals(address, r.json().path("personalizations").path(0).path("to").path(0).path("email").asText());
    assertEquals(TestTenants.SENDGRID_FROM, r.json().path("from").path("email").asText());
    assertEquals("Re: Wa Bikes", r.json().path("subject").asText());
    assertEquals(1, receiver().emailRequestsTo(address).size(), "the customer is sent the reply once");
    assertEquals("sendgrid", statuses(reply).get(0).provider());
  }

  @Test
  void anInvalidAddressIsDeadLetteredWithTheStatusAfterOneAttemptAndAnOutageIsRetried() {
    String address = address();
    OutboundMessage refused = message(TestTenants.MAILGUN_TENANT, "email:" + UUID.randomUUID(), address, "x");
    receiver().failEmailNext(1, 400);
    TestTopics.publish(Topics.OUTBOUND_MESSAGES, refused);
    DeadLetter letter = deadLetterOf(refused);
    assertTrue(letter.reason().contains("mailgun error HTTP 400"), letter.reason());
    assertEquals(1, receiver().emailRequestsTo(address).size(), "never retried");
    await().atMost(Duration.ofSeconds(10)).until(() -> !statuses(refused).isEmpty());
    assertEquals(DeliveryStatus.Status.FAILED, statuses(refused).get(0).status());

    String other = address();
    OutboundMessage retried = message(TestTenants.MAILGUN_TENANT, "email:" + UUID.randomUUID(), other, "y");
    receiver().failEmailNext(1, 503);
    TestTopics.publish(Topics.OUTBOUND_MESSAGES, retried);
    await().atMost(Duration.ofSeconds(20)).until(() -> accepted(other, 200).size() == 1);
    assertEquals(List.of(503, 200), receiver().emailRequestsTo(other).stream().map(Received::status).toList());
  }
}
