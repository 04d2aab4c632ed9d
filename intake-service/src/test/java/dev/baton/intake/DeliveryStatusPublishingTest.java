package dev.baton.intake;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.intake.channel.ChannelSamples;
import dev.baton.intake.channel.CustomerServiceWindow;
import dev.baton.intake.channel.FormBody;
import dev.baton.intake.channel.MetaSignature;
import dev.baton.intake.channel.TwilioSignature;
import dev.baton.schemas.Channel;
import dev.baton.schemas.Customer;
import dev.baton.schemas.DeliveryStatus;
import dev.baton.schemas.DeliveryStatus.Status;
import dev.baton.schemas.OutboundMessage;
import dev.baton.schemas.SchemaVersions;
import dev.baton.schemas.Speaker;
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
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@code delivery-statuses} as agents will read it, on the real broker and Redis: the delivery
 * engine's {@code SENT} and {@code FAILED} for every channel, then the providers' status webhooks
 * (the shared wire samples, and what they do not show: batches, out-of-order and repeated
 * statuses, unknown ids). A sample names a fixed wamid or SID, so the provider doubles are told to
 * answer the send with it; each test sends its own message (the status is kept per message).
 */
@QuarkusTest
@TestProfile(PublicUrlProfile.class)
@QuarkusTestResource(BatonTestResource.class)
class DeliveryStatusPublishingTest {
  private static final String WHATSAPP_PATH = "/v1/channels/whatsapp/" + TestTenants.WHATSAPP_TENANT;
  private static final String TWILIO_STATUS_PATH = "/v1/channels/twilio/" + TestTenants.TWILIO_TENANT + "/message-status";
  /** The wamid of the sent, delivered and read samples, and of the failed one. */
  private static final String SAMPLE_WAMID = "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI1RjQyNUE3NEYxMzAzMzQ5MkEA";
  private static final String FAILED_SAMPLE_WAMID = "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJBQjEyQ0QzNEVGNTZBQjc4OQA=";
  /** The MessageSid of the Twilio status samples. */
  private static final String SAMPLE_SID = "SM1f0e8ae6ade43cb3c0ce4525424e404f";

  @Inject CustomerServiceWindow window;

  private static CallbackReceiver receiver() {
    return BatonTestResource.callbacks();
  }

  private static String number() {
    return "+4477" + (10_000_000 + ThreadLocalRandom.current().nextInt(89_999_999));
  }

  private static OutboundMessage message(String tenant, Channel channel, String phone, String text) {
    return new OutboundMessage(SchemaVersions.CURRENT, "msg-" + UUID.randomUUID(), tenant, "conv-" + UUID.randomUUID(),
        channel, new Customer("cust-" + UUID.randomUUID(), "Ana", phone, null), Speaker.BOT, null, text,
        "faq:opening-hours", "ev-1", Instant.now());
  }

  /** A WhatsApp message of wabiz, inside the customer's window, sent as {@code wamid}. */
  private OutboundMessage sendWhatsApp(String wamid) {
    String to = number();
    Instant now = Instant.now();
    window.customerWrote(TestTenants.WHATSAPP_TENANT, to, now, now);
    OutboundMessage m = message(TestTenants.WHATSAPP_TENANT, Channel.WHATSAPP, to, "Your bike is ready.");
    receiver().nextWamid(wamid);
    TestTopics.publish(Topics.OUTBOUND_MESSAGES, m);
    awaitStatus(m, Status.SENT);
    return m;
  }

  /** An SMS of twbiz, sent as {@code sid}. */
  private static OutboundMessage sendSms(String sid) {
    OutboundMessage m = message(TestTenants.TWILIO_TENANT, Channel.SMS, number(), "Your plumber is on the way.");
    receiver().nextSid(sid);
    TestTopics.publish(Topics.OUTBOUND_MESSAGES, m);
    awaitStatus(m, Status.SENT);
    return m;
  }

  /** What is published by now: the sent status was awaited, and the webhooks publish before they answer. */
  private static List<DeliveryStatus> statuses(OutboundMessage m) {
    return TestTopics.readPublished(Topics.DELIVERY_STATUSES, d -> d.messageId().equals(m.messageId()));
  }

  private static List<Status> statusNames(OutboundMessage m) {
    return statuses(m).stream().map(DeliveryStatus::status).toList();
  }

  private static DeliveryStatus awaitStatus(OutboundMessage m, Status status) {
    return await().atMost(Duration.ofSeconds(30)).until(
        () -> TestTopics.readPublished(Topics.DELIVERY_STATUSES,
            d -> d.messageId().equals(m.messageId()) && d.status() == status)
            .stream().findFirst().orElse(null),
        d -> d != null);
  }

  private static Response postWhatsApp(byte[] body, String signature) {
    return given().contentType("application/json").header(MetaSignature.HEADER, signature).body(body)
        .post(WHATSAPP_PATH);
  }

  private static void postWhatsAppSample(String sample) {
    postWhatsApp(ChannelSamples.bytes("whatsapp/" + sample + ".json"),
        ChannelSamples.headers("whatsapp/" + sample + ".headers").get(MetaSignature.HEADER)).then().statusCode(200);
  }

  private static void postWhatsAppSigned(String json) {
    byte[] bytes = json.getBytes(StandardCharsets.US_ASCII);
    postWhatsApp(bytes, MetaSignature.sign(TestTenants.WHATSAPP_APP_SECRET, bytes)).then().statusCode(200);
  }

  /** Twilio's callback, signed for the public URL Twilio was given. */
  private static Response postTwilioStatus(byte[] body) {
    String signature = TwilioSignature.sign(TestTenants.TWILIO_AUTH_TOKEN,
        PublicUrlProfile.PUBLIC_BASE_URL + TWILIO_STATUS_PATH, FormBody.parse(body));
    return given().contentType("application/x-www-form-urlencoded").header(TwilioSignature.HEADER, signature)
        .body(new String(body, StandardCharsets.US_ASCII)).post(TWILIO_STATUS_PATH);
  }

  private static void postTwilioSample(String sample) {
    postTwilioStatus(ChannelSamples.bytes("twilio/" + sample + ".txt")).then().statusCode(200);
  }

  /** One status in Meta's webhook shape. */
  private static String whatsAppStatus(String wamid, String status, String errors) {
    return """
        {"id":"%s","status":"%s","timestamp":"%d","recipient_id":"16505551234"%s}"""
        .formatted(wamid, status, Instant.now().getEpochSecond(), errors == null ? "" : ",\"errors\":" + errors);
  }

  private static String whatsAppWebhook(String... statuses) {
    return """
        {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages",
         "value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881",
         "phone_number_id":"106540352242922"},"statuses":[%s]}}]}]}""".formatted(String.join(",", statuses));
  }

  // ---- the delivery engine, every channel ------------------------------------------------

  @Test
  void aMessageTheTenantsCallbackAcceptedIsSent() {
    OutboundMessage m = message(TestTenants.TENANT, Channel.WEBCHAT, null, "We're open 8am to 6pm.");

    TestTopics.publish(Topics.OUTBOUND_MESSAGES, m);

    DeliveryStatus sent = awaitStatus(m, Status.SENT);
    assertEquals(TestTenants.TENANT, sent.tenantId());
    assertEquals(m.conversationId(), sent.conversationId());
    assertEquals(m.conversationKey(), sent.conversationKey(), "keyed like the conversation's other records");
    assertEquals(Channel.WEBCHAT, sent.channel());
    assertEquals("webhook", sent.provider());
    assertNull(sent.providerMessageId(), "the callback names no id of its own");
    assertEquals(List.of(), sent.errors());
  }

  @Test
  void aDeadLetteredMessageFailsWithTheReasonAndNoPersonalData() {
    OutboundMessage refused = message(TestTenants.TENANT, Channel.WEBCHAT, null, "the receiver refuses this");
    receiver().failNext(1, 400);
    TestTopics.publish(Topics.OUTBOUND_MESSAGES, refused);

    DeliveryStatus failed = awaitStatus(refused, Status.FAILED);
    assertEquals("webhook", failed.provider());
    assertEquals(1, failed.errors().size());
    assertTrue(failed.errors().get(0).contains("callback answered HTTP 400"), failed.errors().toString());
    assertEquals(List.of(Status.FAILED), statusNames(refused), "never sent, so never SENT");

    String to = number();
    OutboundMessage invalid = message(TestTenants.TWILIO_TENANT, Channel.SMS, to, "Hello?");
    receiver().failTwilioNext(1, TwilioError.of(400, 21211, "The 'To' number " + to + " is not a valid phone number."));
    TestTopics.publish(Topics.OUTBOUND_MESSAGES, invalid);

    DeliveryStatus twilio = awaitStatus(invalid, Status.FAILED);
    assertEquals("twilio", twilio.provider());
    assertEquals(Channel.SMS, twilio.channel());
    assertTrue(twilio.errors().get(0).contains("twilio error 21211 Invalid 'To' phone number"), twilio.errors().toString());
    assertFalse(twilio.errors().get(0).contains(to.substring(3)), twilio.errors().toString());
  }

  // ---- WhatsApp's status webhooks ------------------------------------------------------------

  @Test
  void theWhatsAppSamplesInOrderTakeTheMessageToReadAndARepeatChangesNothing() {
    OutboundMessage m = sendWhatsApp(SAMPLE_WAMID);
    DeliveryStatus sent = statuses(m).get(0);
    assertEquals("whatsapp", sent.provider());
    assertEquals(SAMPLE_WAMID, sent.providerMessageId());
    assertEquals(Channel.WHATSAPP, sent.channel());

    postWhatsAppSample("status_sent");
    postWhatsAppSample("status_delivered");
    postWhatsAppSample("status_read");
    postWhatsAppSample("status_delivered"); // Meta's retry of an earlier webhook

    List<DeliveryStatus> all = statuses(m);
    assertEquals(List.of(Status.SENT, Status.DELIVERED, Status.READ), all.stream().map(DeliveryStatus::status).toList());
    DeliveryStatus read = all.get(2);
    assertEquals(Instant.ofEpochSecond(1739321400), read.at(), "when Meta says the customer read it");
    assertEquals(SAMPLE_WAMID, read.providerMessageId());
    assertEquals(m.conversationId(), read.conversationId());
    assertEquals(TestTenants.WHATSAPP_TENANT, read.tenantId());
  }

  @Test
  void readBeforeDeliveredStaysRead() {
    OutboundMessage m = sendWhatsApp(SAMPLE_WAMID);

    postWhatsAppSample("status_read");
    postWhatsAppSample("status_delivered");
    postWhatsAppSample("status_sent");

    assertEquals(List.of(Status.SENT, Status.READ), statusNames(m));
  }

  @Test
  void theFailedSampleFailsTheMessageWithMetasCodeAndTitleAndALateDeliveredChangesNothing() {
    OutboundMessage m = sendWhatsApp(FAILED_SAMPLE_WAMID);

    postWhatsAppSample("status_failed");
    postWhatsAppSigned(whatsAppWebhook(whatsAppStatus(FAILED_SAMPLE_WAMID, "delivered", null)));

    List<DeliveryStatus> all = statuses(m);
    assertEquals(List.of(Status.SENT, Status.FAILED), all.stream().map(DeliveryStatus::status).toList());
    assertEquals(List.of("131047 Re-engagement message"), all.get(1).errors());
  }

  @Test
  void everyStatusOfABatchIsAppliedAndOnesOfUnknownWamidsAreIgnored() {
    String undeliverable = "wamid.HBgL" + UUID.randomUUID();
    String read = "wamid.HBgL" + UUID.randomUUID();
    String unknown = "wamid.HBgL" + UUID.randomUUID();
    OutboundMessage a = sendWhatsApp(undeliverable);
    OutboundMessage b = sendWhatsApp(read);

    postWhatsAppSigned(whatsAppWebhook(
        whatsAppStatus(undeliverable, "failed",
            "[{\"code\":131026,\"title\":\"Message undeliverable\",\"message\":\"Message undeliverable\","
                + "\"error_data\":{\"details\":\"+16505551234 is not on WhatsApp\"}}]"),
        whatsAppStatus(read, "delivered", null),
        whatsAppStatus(unknown, "delivered", null),
        whatsAppStatus(read, "read", null)));

    List<DeliveryStatus> failed = statuses(a);
    assertEquals(List.of(Status.SENT, Status.FAILED), failed.stream().map(DeliveryStatus::status).toList());
    assertEquals(List.of("131026 Message undeliverable"), failed.get(1).errors(), "the details are not kept");
    assertEquals(List.of(Status.SENT, Status.DELIVERED, Status.READ), statusNames(b));
    assertEquals(List.of(), TestTopics.readPublished(Topics.DELIVERY_STATUSES, d -> unknown.equals(d.providerMessageId())), "a wamid Baton did not send is not a message of Baton's");
  }

  // ---- Twilio's status callbacks ---------------------------------------------------------------

  @Test
  void theTwilioSamplesTakeAnSmsToDeliveredAndALateSentChangesNothing() {
    OutboundMessage m = sendSms(SAMPLE_SID);
    Received request = receiver().twilioRequestsTo(m.recipient().phone()).get(0);
    assertEquals(PublicUrlProfile.PUBLIC_BASE_URL + TWILIO_STATUS_PATH, request.param("StatusCallback"),
        "Twilio is told to call the endpoint the samples are posted to");
    DeliveryStatus sent = statuses(m).get(0);
    assertEquals("twilio", sent.provider());
    assertEquals(SAMPLE_SID, sent.providerMessageId());
    assertEquals(Channel.SMS, sent.channel());

    postTwilioSample("message_status_sent");
    postTwilioSample("message_status_delivered");
    postTwilioSample("message_status_sent");

    List<DeliveryStatus> all = statuses(m);
    assertEquals(List.of(Status.SENT, Status.DELIVERED), all.stream().map(DeliveryStatus::status).toList());
    assertEquals(SAMPLE_SID, all.get(1).providerMessageId());
    assertEquals(m.conversationId(), all.get(1).conversationId());
  }

  @Test
  void anUndeliveredSmsFailsWithTwiliosCodeAndALaterFailureChangesNothing() {
    OutboundMessage m = sendSms(SAMPLE_SID);

    postTwilioSample("message_status_undelivered");
    postTwilioSample("message_status_failed");

    List<DeliveryStatus> all = statuses(m);
    assertEquals(List.of(Status.SENT, Status.FAILED), all.stream().map(DeliveryStatus::status).toList());
    assertEquals(List.of("30003 Unreachable destination handset"), all.get(1).errors());
  }

  @Test
  void aWhatsAppMessageThroughTwilioIsReadAndUnknownOrUnsignedCallbacksChangeNothing() {
    String to = number();
    Instant now = Instant.now();
    window.customerWrote(TestTenants.TWILIO_TENANT, to, now, now);
    String sid = "SM" + UUID.randomUUID().toString().replace("-", "");
    OutboundMessage m = message(TestTenants.TWILIO_TENANT, Channel.WHATSAPP, to, "See you at 10.");
    receiver().nextSid(sid);
    TestTopics.publish(Topics.OUTBOUND_MESSAGES, m);
    awaitStatus(m, Status.SENT);

    byte[] read = form(sid, "read", to);
    given().contentType("application/x-www-form-urlencoded").header(TwilioSignature.HEADER, "bm90IGl0")
        .body(new String(read, StandardCharsets.US_ASCII)).post(TWILIO_STATUS_PATH).then().statusCode(401);
    postTwilioStatus(form("SM" + UUID.randomUUID().toString().replace("-", ""), "delivered", to)).then().statusCode(200);
    postTwilioStatus(form(sid, "accepted", to)).then().statusCode(200);
    postTwilioStatus(read).then().statusCode(200);

    List<DeliveryStatus> all = statuses(m);
    assertEquals(List.of(Status.SENT, Status.READ), all.stream().map(DeliveryStatus::status).toList());
    assertEquals(Channel.WHATSAPP, all.get(1).channel());
  }

  /** A status callback of a WhatsApp message through Twilio, in Twilio's form. */
  private static byte[] form(String sid, String status, String to) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("SmsSid", sid);
    form.put("SmsStatus", status);
    form.put("MessageStatus", status);
    form.put("ChannelToAddress", to);
    form.put("To", "whatsapp:" + to);
    form.put("ChannelPrefix", "whatsapp");
    form.put("MessageSid", sid);
    form.put("AccountSid", TestTenants.TWILIO_ACCOUNT_SID);
    form.put("From", "whatsapp:" + TestTenants.TWILIO_WHATSAPP_NUMBER);
    form.put("ApiVersion", "2010-04-01");
    return form.entrySet().stream()
        .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&")).getBytes(StandardCharsets.US_ASCII);
  }
}
