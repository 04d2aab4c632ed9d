package dev.baton.intake;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.intake.channel.ChannelSamples;
import dev.baton.intake.channel.MetaSignature;
import dev.baton.schemas.Channel;
import dev.baton.schemas.ConversationEvent;
import dev.baton.schemas.DeadLetter;
import dev.baton.schemas.EventType;
import dev.baton.schemas.topic.Topics;
import dev.baton.testsupport.BatonTestResource;
import dev.baton.testsupport.TestRedis;
import dev.baton.testsupport.TestTenants;
import dev.baton.testsupport.TestTopics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * The WhatsApp Cloud API webhook of tenant {@code wabiz}: Meta's handshake, the signed wire samples
 * posted as Meta sent them, and what the samples do not show (batches, escaped unicode, every media
 * type, unknown types, a number that is not the tenant's, redelivery).
 */
@QuarkusTest
@QuarkusTestResource(BatonTestResource.class)
class WhatsAppResourceTest {
  private static final String PATH = "/v1/channels/whatsapp/" + TestTenants.WHATSAPP_TENANT;
  private static final RedisClient REDIS = RedisClient.create(TestRedis.host(), TestRedis.port());

  @AfterAll
  static void close() {
    REDIS.close();
  }

  // ---- handshake -------------------------------------------------------------------------

  @Test
  void theHandshakeEchoesTheChallengeOnlyForTheTenantsVerifyToken() {
    given().queryParam("hub.mode", "subscribe").queryParam("hub.challenge", "1158201444")
        .queryParam("hub.verify_token", TestTenants.WHATSAPP_VERIFY_TOKEN)
        .get(PATH).then().statusCode(200).contentType("text/plain").body(equalTo("1158201444"));

    for (String[] q : List.of(
        new String[] {"subscribe", "wrong-token", PATH},
        new String[] {"unsubscribe", TestTenants.WHATSAPP_VERIFY_TOKEN, PATH},
        new String[] {"subscribe", TestTenants.WHATSAPP_VERIFY_TOKEN, "/v1/channels/whatsapp/acme"},
        new String[] {"subscribe", TestTenants.WHATSAPP_VERIFY_TOKEN, "/v1/channels/whatsapp/nobody"})) {
      given().queryParam("hub.mode", q[0]).queryParam("hub.challenge", "1158201444")
          .queryParam("hub.verify_token", q[1]).get(q[2]).then().statusCode(403);
    }
    // The challenge is echoed as it came: anything but a plain token is refused, not reflected.
    given().queryParam("hub.mode", "subscribe").queryParam("hub.challenge", "<script>")
        .queryParam("hub.verify_token", TestTenants.WHATSAPP_VERIFY_TOKEN).get(PATH).then().statusCode(403);
  }

  // ---- the wire samples --------------------------------------------------------------------

  @Test
  void theTextSampleBecomesOneCustomerMessageAndItsRedeliveryNothingMore() {
    byte[] body = ChannelSamples.bytes("whatsapp/inbound_text.json");
    String signature = ChannelSamples.headers("whatsapp/inbound_text.headers").get(MetaSignature.HEADER);
    String wamid = "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=";
    forget(wamid); // the sample's id is fixed: an earlier run's claim would make this a duplicate
    Instant before = Instant.now();

    post(body, signature).then().statusCode(200).body("messages", equalTo(1));
    post(body, signature).then().statusCode(200);

    List<ConversationEvent> events = read(e -> wamid.equals(e.attributes().get("whatsapp.wamid")));
    assertEquals(1, events.size(), "the redelivered POST published nothing");
    ConversationEvent e = events.get(0);
    assertEquals(EventType.CUSTOMER_MESSAGE, e.type());
    assertEquals(Channel.WHATSAPP, e.channel());
    assertEquals(TestTenants.WHATSAPP_TENANT, e.tenantId());
    assertEquals("wa:+16505551234", e.conversationId());
    assertEquals("+16505551234", e.customer().phone());
    assertEquals("+16505551234", e.customer().id());
    assertEquals("Sheena Nelson", e.customer().name());
    assertEquals("Hi, my order hasn't arrived yet", e.text());
    assertTrue(e.eventId().startsWith("wa:"), e.eventId());
    // Sent in February 2025, far outside the accepted window: dated on receipt, original kept.
    assertEquals("2025-02-12T00:43:44Z", e.attributes().get("whatsapp.sentAt"));
    assertTrue(!e.occurredAt().isBefore(before.minusSeconds(1)), e.occurredAt().toString());
  }

  @Test
  void theImageSampleKeepsCaptionMediaIdAndMimeType() {
    byte[] body = ChannelSamples.bytes("whatsapp/inbound_image.json");
    String signature = ChannelSamples.headers("whatsapp/inbound_image.headers").get(MetaSignature.HEADER);
    String wamid = "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxNAA=";
    forget(wamid);

    post(body, signature).then().statusCode(200);

    ConversationEvent e = read(x -> wamid.equals(x.attributes().get("whatsapp.wamid"))).get(0);
    assertEquals("Photo of the damaged box", e.text());
    assertEquals("image", e.attributes().get("media.type"));
    assertEquals("1003383421387256", e.attributes().get("media.id"));
    assertEquals("image/jpeg", e.attributes().get("media.mimeType"));
  }

  @Test
  void theButtonSamplesReadAsTheTappedTitleWithTheChoice() {
    for (String sample : List.of("inbound_interactive_button_reply", "inbound_template_quick_reply_button")) {
      byte[] body = ChannelSamples.bytes("whatsapp/" + sample + ".json");
      String wamid = firstWamid(body);
      forget(wamid);
      post(body, ChannelSamples.headers("whatsapp/" + sample + ".headers").get(MetaSignature.HEADER))
          .then().statusCode(200);
      ConversationEvent e = read(x -> wamid.equals(x.attributes().get("whatsapp.wamid"))).get(0);
      assertNotNull(e.attributes().get("choice.id"), sample);
      assertNotNull(e.text(), sample);
    }
  }

  @Test
  void statusSamplesAreTakenAndPublishNoCustomerMessage() {
    for (String sample : List.of("status_sent", "status_delivered", "status_read", "status_failed")) {
      post(ChannelSamples.bytes("whatsapp/" + sample + ".json"),
          ChannelSamples.headers("whatsapp/" + sample + ".headers").get(MetaSignature.HEADER))
          .then().statusCode(200).body("messages", equalTo(0)).body("statuses", equalTo(1));
    }
  }

  // ---- what the samples do not show -------------------------------------------------------

  @Test
  void everyMessageOfABatchIsPublishedOnceWithUnicodeAsSent() {
    String customer = "4915112" + (100000 + (int) (Math.random() * 899999));
    String run = UUID.randomUUID().toString().substring(0, 8);
    String now = Long.toString(Instant.now().getEpochSecond());
    // Two entries, one with two changes; text with Meta's escapes (lower-case hex, emoji as a
    // surrogate pair), every media type, a location, a contact, a type Baton does not know.
    String body = """
        {"object":"whatsapp_business_account","entry":[
         {"id":"1","changes":[
          {"field":"messages","value":{"messaging_product":"whatsapp",
           "metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},
           "contacts":[{"profile":{"name":"J\\u00fcrgen"},"wa_id":"%1$s"}],
           "messages":[
            {"from":"%1$s","id":"wamid.%2$s-1","timestamp":"%3$s","type":"text","text":{"body":"Gr\\u00fc\\u00dfe \\ud83d\\ude00, wo ist mein Paket?"}},
            {"from":"%1$s","id":"wamid.%2$s-2","timestamp":"%3$s","type":"audio","audio":{"mime_type":"audio/ogg; codecs=opus","id":"555","voice":true}},
            {"from":"%1$s","id":"wamid.%2$s-3","timestamp":"%3$s","type":"video","video":{"mime_type":"video/mp4","id":"556"}}]}},
          {"field":"messages","value":{"messaging_product":"whatsapp",
           "metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},
           "messages":[
            {"from":"%1$s","id":"wamid.%2$s-4","timestamp":"%3$s","type":"document","document":{"filename":"invoice.pdf","mime_type":"application/pdf","id":"557"}},
            {"from":"%1$s","id":"wamid.%2$s-5","timestamp":"%3$s","type":"sticker","sticker":{"mime_type":"image/webp","id":"558","animated":false}}]}}]},
         {"id":"1","changes":[
          {"field":"messages","value":{"messaging_product":"whatsapp",
           "metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},
           "messages":[
            {"from":"%1$s","id":"wamid.%2$s-6","timestamp":"%3$s","type":"location","location":{"latitude":52.52,"longitude":13.405,"name":"Alexanderplatz"}},
            {"from":"%1$s","id":"wamid.%2$s-7","timestamp":"%3$s","type":"contacts","contacts":[{"name":{"formatted_name":"Ana Lima"}}]},
            {"from":"%1$s","id":"wamid.%2$s-8","timestamp":"%3$s","type":"reaction","reaction":{"message_id":"wamid.x","emoji":"\\ud83d\\udc4d"}}],
           "statuses":[{"id":"wamid.out-%2$s","status":"delivered","timestamp":"%3$s","recipient_id":"%1$s"}]}}]}]}"""
        .formatted(customer, run, now);
    byte[] bytes = body.getBytes(StandardCharsets.US_ASCII);

    post(bytes, MetaSignature.sign(TestTenants.WHATSAPP_APP_SECRET, bytes))
        .then().statusCode(200).body("messages", equalTo(8)).body("statuses", equalTo(1));
    post(bytes, MetaSignature.sign(TestTenants.WHATSAPP_APP_SECRET, bytes)).then().statusCode(200);

    List<ConversationEvent> events =
        read(e -> e.attributes().getOrDefault("whatsapp.wamid", "").startsWith("wamid." + run + "-"));
    assertEquals(8, events.size(), "each of the 8 messages once, the redelivery adding nothing: " + events);
    ConversationEvent text = byWamid(events, run + "-1");
    assertEquals("Grüße 😀, wo ist mein Paket?", text.text());
    assertEquals("Jürgen", text.customer().name());
    assertEquals("wa:+" + customer, text.conversationId());
    assertEquals(Instant.ofEpochSecond(Long.parseLong(now)), text.occurredAt(), "a current timestamp is kept");
    assertEquals("(audio)", byWamid(events, run + "-2").text());
    assertEquals("audio/ogg; codecs=opus", byWamid(events, run + "-2").attributes().get("media.mimeType"));
    assertEquals("video", byWamid(events, run + "-3").attributes().get("media.type"));
    assertEquals("document", byWamid(events, run + "-4").attributes().get("media.type"));
    assertEquals("558", byWamid(events, run + "-5").attributes().get("media.id"));
    ConversationEvent location = byWamid(events, run + "-6");
    assertEquals("52.52", location.attributes().get("location.latitude"));
    assertTrue(location.text().contains("Alexanderplatz"), location.text());
    assertTrue(byWamid(events, run + "-7").text().contains("Ana Lima"));
    ConversationEvent unknown = byWamid(events, run + "-8");
    assertEquals("unsupported", unknown.attributes().get("whatsapp.type"));
    assertEquals("(sent a reaction message Baton cannot show)", unknown.text());
    // The customer wrote: their 24-hour window is open.
    assertNotNull(REDIS.get("baton:" + TestTenants.WHATSAPP_TENANT + ":wa:window:" + customer));
  }

  @Test
  void aMessageToAnotherBusinessNumberIsDeadLetteredNotLost() {
    String run = UUID.randomUUID().toString().substring(0, 8);
    String body = """
        {"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{
         "messaging_product":"whatsapp","metadata":{"display_phone_number":"1555","phone_number_id":"999000999"},
         "messages":[{"from":"16505551234","id":"wamid.%s","timestamp":"%d","type":"text","text":{"body":"hello"}}]}}]}]}"""
        .formatted(run, Instant.now().getEpochSecond());
    byte[] bytes = body.getBytes(StandardCharsets.US_ASCII);

    post(bytes, MetaSignature.sign(TestTenants.WHATSAPP_APP_SECRET, bytes)).then().statusCode(200)
        .body("messages", equalTo(0));

    List<DeadLetter> letters = TestTopics.readPublished(Topics.deadLetterOf(Topics.CONVERSATION_EVENTS),
        d -> d.reason() != null && d.reason().contains("wamid." + run));
    assertEquals(1, letters.size());
    assertTrue(letters.get(0).reason().contains("999000999"), letters.get(0).reason());
    assertTrue(letters.get(0).payload().contains("hello"), "the whole signed body is kept");
  }

  @Test
  void aWrongSignatureAnUnknownTenantAndATenantWithoutWhatsAppGetTheSame401() {
    byte[] body = ChannelSamples.bytes("whatsapp/inbound_text.json");
    String good = MetaSignature.sign(TestTenants.WHATSAPP_APP_SECRET, body);
    String wrong = MetaSignature.sign("another-secret", body);

    String a = post(body, wrong).then().statusCode(401).extract().asString();
    String b = given().contentType("application/json").header(MetaSignature.HEADER, good).body(body)
        .post("/v1/channels/whatsapp/nobody").then().statusCode(401).extract().asString();
    String c = given().contentType("application/json").header(MetaSignature.HEADER, good).body(body)
        .post("/v1/channels/whatsapp/acme").then().statusCode(401).extract().asString();
    String d = given().contentType("application/json").body(body).post(PATH).then().statusCode(401).extract().asString();
    assertEquals(a, b);
    assertEquals(a, c);
    assertEquals(a, d);
    // Re-serialised JSON (unescaped unicode, other spacing) is not what Meta signed.
    byte[] reserialised = "{\"object\": \"whatsapp_business_account\"}".getBytes(StandardCharsets.UTF_8);
    post(reserialised, good).then().statusCode(401);
  }

  @Test
  void theHeadIsCheckedBeforeTheBodyIsRead() {
    given().contentType("text/plain").body("x").post(PATH).then().statusCode(415)
        .contentType("application/problem+json");
    byte[] big = new byte[300 * 1024];
    java.util.Arrays.fill(big, (byte) ' ');
    given().contentType("application/json").body(big).post(PATH).then().statusCode(413)
        .contentType("application/problem+json");
  }

  // ---- helpers -------------------------------------------------------------------------------

  private static Response post(byte[] body, String signature) {
    var request = given().contentType("application/json").body(body);
    if (signature != null) {
      request = request.header(MetaSignature.HEADER, signature);
    }
    return request.post(PATH);
  }

  private static List<ConversationEvent> read(java.util.function.Predicate<ConversationEvent> filter) {
    return TestTopics.readPublished(Topics.CONVERSATION_EVENTS,
        e -> TestTenants.WHATSAPP_TENANT.equals(e.tenantId()) && filter.test(e));
  }

  private static ConversationEvent byWamid(List<ConversationEvent> events, String suffix) {
    return events.stream().filter(e -> e.attributes().get("whatsapp.wamid").equals("wamid." + suffix))
        .findFirst().orElseThrow(() -> new AssertionError("no event for wamid." + suffix));
  }

  /** Drops an earlier run's claim of a sample's fixed id (Redis outlives the test JVM). */
  private static void forget(String wamid) {
    for (String key : REDIS.keys("baton:" + TestTenants.WHATSAPP_TENANT + ":event:wa:*")) {
      REDIS.del(key);
    }
  }

  private static String firstWamid(byte[] body) {
    return dev.baton.intake.channel.WhatsAppWebhook.parse(body).orElseThrow().messages().get(0).wamid();
  }
}
