package dev.baton.intake;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.intake.channel.ChannelSamples;
import dev.baton.intake.channel.EmailSamples;
import dev.baton.intake.channel.EmailThreads;
import dev.baton.schemas.Channel;
import dev.baton.schemas.ConversationEvent;
import dev.baton.schemas.EventType;
import dev.baton.schemas.topic.Topics;
import dev.baton.testsupport.BatonTestResource;
import dev.baton.testsupport.TestRedis;
import dev.baton.testsupport.TestTenants;
import dev.baton.testsupport.TestTopics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * The email webhooks: Mailgun's route of {@code twbiz} (the shared sample, and signed posts the
 * sample does not show) and SendGrid's Inbound Parse of {@code wabiz} (multipart, path token and
 * basic auth). Each test sends from its own customer address and Message-IDs.
 */
@QuarkusTest
@QuarkusTestResource(BatonTestResource.class)
class EmailResourceTest {
  private static final String MAILGUN = "/v1/channels/mailgun/" + TestTenants.MAILGUN_TENANT;
  private static final String SENDGRID =
      "/v1/channels/sendgrid/" + TestTenants.SENDGRID_TENANT + "/" + TestTenants.SENDGRID_INBOUND_TOKEN;
  private static final String BASIC = "Basic " + Base64.getEncoder().encodeToString(
      (TestTenants.SENDGRID_USER + ":" + TestTenants.SENDGRID_PASSWORD).getBytes(StandardCharsets.UTF_8));
  private static final RedisClient REDIS = RedisClient.create(TestRedis.host(), TestRedis.port());

  @AfterAll
  static void close() {
    REDIS.close();
  }

  private static String run() {
    return UUID.randomUUID().toString().substring(0, 8);
  }

  // ---- Mailgun ------------------------------------------------------------------------------

  @Test
  void theMailgunSampleIsStaleAsSignedAndTakenOnceWhenFresh() {
    byte[] sample = ChannelSamples.bytes("email/mailgun_inbound_route.txt");
    // Signed in February 2026: replaying it now is refused, and 406 tells Mailgun not to retry.
    given().contentType("application/x-www-form-urlencoded").body(new String(sample, StandardCharsets.US_ASCII)).post(MAILGUN)
        .then().statusCode(406).contentType("application/problem+json").body("title", equalTo("Stale webhook"));

    // The sample's fields signed now, as Mailgun would post the same email today.
    forget(TestTenants.MAILGUN_TENANT, "CAF1234@mail.example.com");
    Map<String, String> fields = sampleFields();
    String fresh = EmailSamples.urlencoded(EmailSamples.signed(fields, TestTenants.MAILGUN_SIGNING_KEY));
    given().contentType("application/x-www-form-urlencoded").body(fresh).post(MAILGUN)
        .then().statusCode(200).body("accepted", equalTo(true));
    // Mailgun's retry of a post it thinks failed: the same token is a replay.
    given().contentType("application/x-www-form-urlencoded").body(fresh).post(MAILGUN)
        .then().statusCode(406).body("title", equalTo("Replayed webhook"));
    // The same email in a new post (a new token): a duplicate, answered 200.
    given().contentType("application/x-www-form-urlencoded")
        .body(EmailSamples.urlencoded(EmailSamples.signed(fields, TestTenants.MAILGUN_SIGNING_KEY))).post(MAILGUN)
        .then().statusCode(200).body("accepted", equalTo(false));

    List<ConversationEvent> events = read(TestTenants.MAILGUN_TENANT,
        e -> "CAF1234@mail.example.com".equals(e.attributes().get("email.messageId")));
    assertEquals(1, events.size(), "one event for the email, whatever was retried: " + events);
    ConversationEvent e = events.get(0);
    assertEquals(EventType.CUSTOMER_MESSAGE, e.type());
    assertEquals(Channel.EMAIL, e.channel());
    assertEquals("em:" + EmailThreads.hash("CAF1234@mail.example.com"), e.eventId());
    assertEquals(EmailThreads.newConversation("CAF1234@mail.example.com", "alice@example.com"), e.conversationId());
    assertEquals("alice@example.com", e.customer().id());
    assertEquals("alice@example.com", e.customer().email());
    assertEquals("Alice", e.customer().name());
    assertEquals("Hi, my order never arrived.", e.text());
    assertEquals("Order #A12345 missing", e.attributes().get("email.subject"));
    assertEquals("support@mg.example.com", e.attributes().get("email.to"));
    assertEquals("mailgun", e.attributes().get("email.provider"));
    assertEquals("Hi, my order never arrived.", e.attributes().get("email.original"));
  }

  @Test
  void aReplyJoinsItsThreadWithQuotesAndSignatureStrippedAndTheOriginalKept() {
    String run = run();
    String first = "first-" + run + "@mail.example.com";
    String customer = "Bob." + run + "@Example.com";
    post(Map.of("from", "Bob <" + customer + ">", "recipient", "Support@MG.example.com", "subject", "Leak",
        "body-plain", "The kitchen tap leaks.", "Message-Id", "<" + first + ">")).then().statusCode(200);
    String reply = "reply-" + run + "@mail.example.com";
    String body = "Thursday works.\r\n\r\n-- \r\nBob\r\n\r\nOn Mon, 2 Mar 2026 at 09:14, Tw Plumbing <support@mg.example.com> wrote:\r\n"
        + "> When can we come?\r\n";
    post(Map.of("from", customer, "recipient", "support@mg.example.com", "subject", "Re: Leak", "body-plain", body,
        "Message-Id", "<" + reply + ">", "In-Reply-To", "<" + first + ">", "References", "<" + first + ">"))
        .then().statusCode(200);

    List<ConversationEvent> events = read(TestTenants.MAILGUN_TENANT,
        e -> e.customer() != null && e.customer().id().equals(customer.toLowerCase()));
    assertEquals(2, events.size(), events.toString());
    assertEquals(events.get(0).conversationId(), events.get(1).conversationId(), "one conversation for the thread");
    ConversationEvent second = events.stream().filter(e -> reply.equals(e.attributes().get("email.messageId")))
        .findFirst().orElseThrow();
    assertEquals("Thursday works.", second.text());
    assertEquals(body.strip(), second.attributes().get("email.original"), "the email as sent, quotes and all");
    assertEquals(first, second.attributes().get("email.inReplyTo"));
  }

  @Test
  void anotherSenderCitingTheThreadCannotTakeTheConversationOrItsReplies() {
    String run = run();
    String first = "v1-" + run + "@mail.example.com";
    String victim = "victim." + run + "@example.com";
    post(Map.of("from", victim, "recipient", TestTenants.MAILGUN_ADDRESS, "subject", "Refund",
        "body-plain", "Where is my refund?", "Message-Id", "<" + first + ">")).then().statusCode(200);
    // Someone who learnt the Message-ID, and a colleague on Cc, answer in the thread.
    for (String other : List.of("attacker." + run + "@evil.example", "colleague." + run + "@example.com")) {
      post(Map.of("from", other, "recipient", TestTenants.MAILGUN_ADDRESS, "subject", "Re: Refund",
          "body-plain", "Send it to me instead.", "Message-Id", "<o-" + other + ">", "In-Reply-To", "<" + first + ">",
          "References", "<" + first + ">")).then().statusCode(200);
    }
    String theirs = read(TestTenants.MAILGUN_TENANT, e -> e.customer() != null && victim.equals(e.customer().id())).get(0).conversationId();
    for (String other : List.of("attacker." + run + "@evil.example", "colleague." + run + "@example.com")) {
      ConversationEvent e = read(TestTenants.MAILGUN_TENANT, x -> x.customer() != null && other.equals(x.customer().id())).get(0);
      assertNotEquals(theirs, e.conversationId(), other);
    }
    EmailThreads.Thread thread = new EmailThreads(REDIS).thread(TestTenants.MAILGUN_TENANT, theirs).orElseThrow();
    assertEquals(victim, thread.customerAddress(), "Baton's replies still go to the customer");
    assertEquals(first, thread.lastMessageId());
  }

  @Test
  void mailgunsMultipartPostWithAnAttachmentIsRead() {
    String run = run();
    Map<String, String> fields = EmailSamples.signed(Map.of("from", "carol." + run + "@example.com",
        "recipient", TestTenants.MAILGUN_ADDRESS, "subject", "Photo", "body-plain", "Photo of the leak attached.",
        "Message-Id", "<mp-" + run + "@example.com>", "attachment-count", "1"), TestTenants.MAILGUN_SIGNING_KEY);
    byte[] body = EmailSamples.multipart(fields, Map.of());
    given().contentType(EmailSamples.MULTIPART).body(body).post(MAILGUN).then().statusCode(200);
    ConversationEvent e = read(TestTenants.MAILGUN_TENANT,
        x -> ("mp-" + run + "@example.com").equals(x.attributes().get("email.messageId"))).get(0);
    assertEquals("Photo of the leak attached.", e.text());
    assertEquals("1", e.attributes().get("email.attachments"));
  }

  @Test
  void unsignedWronglySignedOrOtherTenantsPostsGetTheSame401() {
    Map<String, String> fields = sampleFields();
    String a = given().contentType("application/x-www-form-urlencoded")
        .body(EmailSamples.urlencoded(EmailSamples.signed(fields, "key-wrong"))).post(MAILGUN)
        .then().statusCode(401).extract().asString();
    String b = given().contentType("application/x-www-form-urlencoded").body(EmailSamples.urlencoded(fields))
        .post(MAILGUN).then().statusCode(401).extract().asString();
    String good = EmailSamples.urlencoded(EmailSamples.signed(fields, TestTenants.MAILGUN_SIGNING_KEY));
    String c = given().contentType("application/x-www-form-urlencoded").body(good)
        .post("/v1/channels/mailgun/nobody").then().statusCode(401).extract().asString();
    String d = given().contentType("application/x-www-form-urlencoded").body(good)
        .post("/v1/channels/mailgun/" + TestTenants.SENDGRID_TENANT).then().statusCode(401).extract().asString();
    assertEquals(a, b);
    assertEquals(a, c);
    assertEquals(a, d);
  }

  @Test
  void aStaleOrFutureTimestampIsRefused() {
    long tenHoursAgo = Instant.now().minus(Duration.ofHours(10)).getEpochSecond();
    long tenHoursAhead = Instant.now().plus(Duration.ofHours(10)).getEpochSecond();
    for (long at : List.of(tenHoursAgo, tenHoursAhead)) {
      String body = EmailSamples.urlencoded(EmailSamples.signed(sampleFields(), TestTenants.MAILGUN_SIGNING_KEY,
          Long.toString(at), EmailSamples.token()));
      given().contentType("application/x-www-form-urlencoded").body(body).post(MAILGUN).then().statusCode(406);
    }
  }

  @Test
  void badInputIsA4xxNamingTheField() {
    String run = run();
    post(Map.of("recipient", TestTenants.MAILGUN_ADDRESS, "body-plain", "x", "Message-Id", "<" + run + "@x>"))
        .then().statusCode(400).contentType("application/problem+json").body("errors[0].field", equalTo("from"));
    post(Map.of("from", "not an address", "recipient", TestTenants.MAILGUN_ADDRESS))
        .then().statusCode(400).body("errors[0].field", equalTo("from"));
    post(Map.of("from", "dan@example.com", "recipient", "someone-else@mg.example.com", "Message-Id", "<" + run + "@y>"))
        .then().statusCode(404).contentType("application/problem+json").body("errors[0].field", equalTo("recipient"));
    // A refused post does not use up its token: Mailgun's retry after the fix is taken.
    Map<String, String> signed = EmailSamples.signed(Map.of("from", "dan@example.com", "recipient", "x@y.example"),
        TestTenants.MAILGUN_SIGNING_KEY);
    String body = EmailSamples.urlencoded(signed);
    given().contentType("application/x-www-form-urlencoded").body(body).post(MAILGUN).then().statusCode(404);
    given().contentType("application/x-www-form-urlencoded").body(body).post(MAILGUN).then().statusCode(404);
    given().contentType("application/json").body("{}").post(MAILGUN).then().statusCode(415)
        .contentType("application/problem+json");
  }

  @Test
  void aSendGridPostWithoutTheTenantsCredentialsIsRefusedBeforeItsBodyIsRead() throws Exception {
    // A megabyte declared and never sent: the 401 comes from the head alone (else the read would time out).
    try (java.net.Socket s = Webhooks.rawRequest("POST /v1/channels/sendgrid/" + TestTenants.SENDGRID_TENANT
        + "/wrong-token-0123456789abcdef HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + BASIC + "\r\n"
        + "Content-Type: " + EmailSamples.MULTIPART + "\r\nContent-Length: " + (1024 * 1024) + "\r\n\r\n")) {
      String answer = Webhooks.readAll(s.getInputStream());
      assertTrue(answer.startsWith("HTTP/1.1 401"), answer);
      assertTrue(answer.contains("application/problem+json"), answer);
      assertTrue(answer.toLowerCase(java.util.Locale.ROOT).contains("www-authenticate: basic"), answer);
    }
  }

  @Test
  void anEmailAboveTheLimitIsRefusedBeforeItIsRead() throws Exception {
    // Declared 1 byte over intake.channels.email-max-body-bytes: answered from the head alone.
    try (java.net.Socket s = Webhooks.rawRequest("POST " + MAILGUN + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + (10 * 1024 * 1024 + 1) + "\r\n\r\n")) {
      String answer = Webhooks.readAll(s.getInputStream());
      assertTrue(answer.startsWith("HTTP/1.1 413"), answer);
      assertTrue(answer.contains("application/problem+json"), answer);
    }
    // Just under it (an email with its attachments), the body is read: unsigned, so 401.
    byte[] big = new byte[300 * 1024];
    java.util.Arrays.fill(big, (byte) 'a');
    given().contentType("application/x-www-form-urlencoded").body(new String(big, StandardCharsets.US_ASCII))
        .post(MAILGUN).then().statusCode(401);
  }

  // ---- SendGrid -----------------------------------------------------------------------------

  @Test
  void sendGridsParsePostIsReadInItsCharsetsAndItsRetryIsADuplicate() {
    String run = run();
    String customer = "Francoise." + run + "@Example.FR";
    String id = "CAB+" + run + "@mail.gmail.com";
    byte[] body = EmailSamples.multipart(orderedMap(
        "headers", "Message-ID: <" + id + ">\r\nSubject: =?UTF-8?Q?Remboursement?=\r\n",
        "from", "=?UTF-8?Q?Fran=C3=A7oise_Dupont?= <" + customer + ">",
        "to", TestTenants.SENDGRID_ADDRESS,
        "subject", "Remboursement",
        "text", "Où est mon remboursement ?\r\n\r\nLe lun. 2 mars 2026, Wa Bikes a écrit :\r\n> Bonjour\r\n",
        "envelope", "{\"to\":[\"" + TestTenants.SENDGRID_ADDRESS.toUpperCase() + "\"],\"from\":\"" + customer + "\"}",
        "charsets", "{\"text\":\"iso-8859-1\",\"from\":\"UTF-8\"}"),
        Map.of("text", StandardCharsets.ISO_8859_1));

    given().contentType(EmailSamples.MULTIPART).header("Authorization", BASIC).body(body).post(SENDGRID)
        .then().statusCode(200).body("accepted", equalTo(true));
    // SendGrid retries for three days when it saw no 2xx: the same post again adds nothing.
    given().contentType(EmailSamples.MULTIPART).header("Authorization", BASIC).body(body).post(SENDGRID)
        .then().statusCode(200).body("accepted", equalTo(false));

    List<ConversationEvent> events = read(TestTenants.SENDGRID_TENANT, e -> id.equals(e.attributes().get("email.messageId")));
    assertEquals(1, events.size(), events.toString());
    ConversationEvent e = events.get(0);
    assertEquals(customer.toLowerCase(), e.customer().id());
    assertEquals("Françoise Dupont", e.customer().name());
    assertEquals("Où est mon remboursement ?", e.text());
    assertEquals("sendgrid", e.attributes().get("email.provider"));
    assertEquals(TestTenants.SENDGRID_ADDRESS, e.attributes().get("email.to"));
  }

  @Test
  void sendGridNeedsBothTheTenantsPathTokenAndBasicAuth() {
    byte[] body = EmailSamples.multipart(Map.of("from", "x@example.com", "to", TestTenants.SENDGRID_ADDRESS,
        "text", "hi"), Map.of());
    given().contentType(EmailSamples.MULTIPART).body(body).post(SENDGRID)
        .then().statusCode(401).header("WWW-Authenticate", "Basic realm=\"baton\"");
    given().contentType(EmailSamples.MULTIPART).header("Authorization", BASIC).body(body)
        .post("/v1/channels/sendgrid/" + TestTenants.SENDGRID_TENANT + "/wrong-token-0123456789abcdef").then().statusCode(401);
    given().contentType(EmailSamples.MULTIPART).header("Authorization", BASIC).body(body)
        .post("/v1/channels/sendgrid/" + TestTenants.SENDGRID_TENANT).then().statusCode(401);
    given().contentType(EmailSamples.MULTIPART).header("Authorization", BASIC).body(body)
        .post("/v1/channels/sendgrid/" + TestTenants.MAILGUN_TENANT + "/" + TestTenants.SENDGRID_INBOUND_TOKEN)
        .then().statusCode(401);
    given().contentType("application/x-www-form-urlencoded").header("Authorization", BASIC).body("a=b")
        .post(SENDGRID).then().statusCode(415);
  }

  @Test
  void sendGridsRawModeAndUnknownRecipientsAreRefusedNamingTheField() {
    byte[] raw = EmailSamples.multipart(Map.of("email", "From: x@example.com\r\n\r\nhi", "to",
        TestTenants.SENDGRID_ADDRESS), Map.of());
    given().contentType(EmailSamples.MULTIPART).header("Authorization", BASIC).body(raw).post(SENDGRID)
        .then().statusCode(400).body("errors[0].field", equalTo("email"));
    byte[] elsewhere = EmailSamples.multipart(Map.of("from", "x@example.com", "to", "other@parse.example.com",
        "text", "hi"), Map.of());
    given().contentType(EmailSamples.MULTIPART).header("Authorization", BASIC).body(elsewhere).post(SENDGRID)
        .then().statusCode(404).body("errors[0].field", equalTo("envelope.to"));
    given().contentType(EmailSamples.MULTIPART).header("Authorization", BASIC).body("garbage".getBytes())
        .post(SENDGRID).then().statusCode(400).body("errors[0].field", equalTo("body"));
  }

  // ---- helpers -------------------------------------------------------------------------------

  /** The sample's email fields, without its (old) signature. */
  private static Map<String, String> sampleFields() {
    Map<String, String> fields = new LinkedHashMap<>();
    dev.baton.intake.channel.FormBody.parse(ChannelSamples.bytes("email/mailgun_inbound_route.txt"))
        .forEach((k, v) -> fields.put(k, v.get(0)));
    fields.remove("timestamp");
    fields.remove("token");
    fields.remove("signature");
    return fields;
  }

  private static io.restassured.response.Response post(Map<String, String> fields) {
    return given().contentType("application/x-www-form-urlencoded")
        .body(EmailSamples.urlencoded(EmailSamples.signed(fields, TestTenants.MAILGUN_SIGNING_KEY))).post(MAILGUN);
  }

  private static Map<String, String> orderedMap(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  /** The events published by now: the intake stores an email's events before it answers 200. */
  private static List<ConversationEvent> read(String tenant, Predicate<ConversationEvent> filter) {
    return TestTopics.readPublished(Topics.CONVERSATION_EVENTS, e -> tenant.equals(e.tenantId()) && filter.test(e));
  }

  /** Drops an earlier run's record of a sample's fixed Message-ID (Redis outlives the test JVM). */
  private static void forget(String tenant, String messageId) {
    REDIS.del("baton:" + tenant + ":email:msg:" + EmailThreads.hash(messageId));
    REDIS.del("baton:" + tenant + ":event:em:" + EmailThreads.hash(messageId));
    assertNull(REDIS.get("baton:" + tenant + ":email:msg:" + EmailThreads.hash(messageId)));
  }
}
