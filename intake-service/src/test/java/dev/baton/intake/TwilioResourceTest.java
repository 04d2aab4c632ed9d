package dev.baton.intake;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.intake.channel.ChannelSamples;
import dev.baton.intake.channel.FormBody;
import dev.baton.intake.channel.TwilioSignature;
import dev.baton.schemas.Channel;
import dev.baton.schemas.ConversationEvent;
import dev.baton.schemas.DeadLetter;
import dev.baton.schemas.topic.Topics;
import dev.baton.testsupport.BatonTestResource;
import dev.baton.testsupport.TestRedis;
import dev.baton.testsupport.TestTenants;
import dev.baton.testsupport.TestTopics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * Twilio's messaging webhook for tenant {@code twbiz}: the SMS and WhatsApp samples (their bytes as
 * Twilio sent them, signed for Baton's public URL), MMS media, the account and number checks,
 * redelivery, and one 401 for every authentication failure.
 */
@QuarkusTest
@QuarkusTestResource(BatonTestResource.class)
class TwilioResourceTest {
  private static final String PATH = "/v1/channels/twilio/" + TestTenants.TWILIO_TENANT + "/messages";
  /** What Twilio called, as the proxy in front of the intake forwards it. */
  private static final String PUBLIC_URL = "https://baton.example.com" + PATH;
  private static final RedisClient REDIS = RedisClient.create(TestRedis.host(), TestRedis.port());

  @AfterAll
  static void close() {
    REDIS.close();
  }

  @Test
  void theSmsSampleBecomesOneCustomerMessageAndTwiliosRetryNothingMore() {
    byte[] body = ChannelSamples.bytes("twilio/sms_inbound.txt");
    forget("SM1f0e8ae6ade43cb3c0ce4525424e404f");

    post(body, sign(body)).then().statusCode(200).contentType("text/xml")
        .body(equalTo("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>"));
    post(body, sign(body)).then().statusCode(200);

    List<ConversationEvent> events = read("SM1f0e8ae6ade43cb3c0ce4525424e404f", Channel.SMS);
    assertEquals(1, events.size(), "Twilio's retry published nothing");
    ConversationEvent e = events.get(0);
    assertEquals("tw:SM1f0e8ae6ade43cb3c0ce4525424e404f", e.eventId());
    assertEquals("sms:+14017122661", e.conversationId());
    assertEquals("+14017122661", e.customer().phone());
    assertEquals("Hi, I need help with my bill", e.text());
  }

  @Test
  void theWhatsAppSampleJoinsTheCustomersWhatsAppConversationAndOpensTheWindow() {
    byte[] body = ChannelSamples.bytes("twilio/whatsapp_inbound.txt");
    forget("SM1f0e8ae6ade43cb3c0ce4525424e404f");
    REDIS.del("baton:" + TestTenants.TWILIO_TENANT + ":wa:window:16505551234");

    post(body, sign(body)).then().statusCode(200);

    ConversationEvent e = read("SM1f0e8ae6ade43cb3c0ce4525424e404f", Channel.WHATSAPP).get(0);
    assertEquals("wa:+16505551234", e.conversationId(), "the same conversation as through Meta's API");
    assertEquals("Olá, preciso de ajuda 🙂", e.text());
    assertEquals("Sheena Nelson", e.customer().name());
    assertNotNull(REDIS.get("baton:" + TestTenants.TWILIO_TENANT + ":wa:window:16505551234"));
  }

  @Test
  void mmsMediaAreKeptAndAMessageWithoutTextSaysWhatArrived() {
    String sid = sid();
    Map<String, String> form = smsForm(sid, "");
    form.put("NumMedia", "2");
    form.put("MediaUrl0", "https://api.twilio.com/2010-04-01/Accounts/AC/Messages/" + sid + "/Media/ME1");
    form.put("MediaContentType0", "image/jpeg");
    form.put("MediaUrl1", "https://api.twilio.com/2010-04-01/Accounts/AC/Messages/" + sid + "/Media/ME2");
    form.put("MediaContentType1", "video/mp4");
    byte[] body = encode(form);

    post(body, sign(body)).then().statusCode(200);

    ConversationEvent e = read(sid, Channel.SMS).get(0);
    assertEquals("(image/jpeg, video/mp4)", e.text());
    assertTrue(e.attributes().get("media.0.url").endsWith("/Media/ME1"));
    assertEquals("video/mp4", e.attributes().get("media.1.type"));
  }

  @Test
  void aMessageToANumberThatIsNotTheTenantsIsDeadLetteredNotLost() {
    String sid = sid();
    Map<String, String> form = smsForm(sid, "hello from elsewhere");
    form.put("To", "+15550001111");
    byte[] body = encode(form);

    post(body, sign(body)).then().statusCode(200);

    List<DeadLetter> letters = TestTopics.readPublished(Topics.deadLetterOf(Topics.CONVERSATION_EVENTS),
        d -> d.reason() != null && d.reason().contains(sid));
    assertEquals(1, letters.size());
    assertTrue(letters.get(0).payload().contains("hello+from+elsewhere"));
    assertEquals(0, read(sid, Channel.SMS).size());
  }

  @Test
  void everyAuthenticationFailureGetsTheSame401() {
    String sid = sid();
    byte[] body = encode(smsForm(sid, "hi"));
    Map<String, String> otherAccount = smsForm(sid, "hi");
    otherAccount.put("AccountSid", "AC0123456789abcdef0123456789abcdef");
    byte[] other = encode(otherAccount);

    String wrongToken = post(body, TwilioSignature.sign("54321", PUBLIC_URL, FormBody.parse(body)))
        .then().statusCode(401).extract().asString();
    String missing = post(body, null).then().statusCode(401).extract().asString();
    String wrongUrl = post(body, TwilioSignature.sign(TestTenants.TWILIO_AUTH_TOKEN,
        "http://10.0.0.7:8080" + PATH, FormBody.parse(body))).then().statusCode(401).extract().asString();
    String account = post(other, sign(other)).then().statusCode(401).extract().asString();
    String unknown = post("/v1/channels/twilio/nobody/messages", body, sign(body))
        .then().statusCode(401).extract().asString();
    for (String answer : List.of(missing, wrongUrl, account, unknown)) {
      assertEquals(wrongToken, answer);
    }
    assertEquals(0, read(sid, Channel.SMS).size());
  }

  @Test
  void jsonIsNotWhatTwilioPosts() {
    given().contentType("application/json").body("{}").post(PATH).then().statusCode(415)
        .contentType("application/problem+json");
  }

  // ---- helpers -------------------------------------------------------------------------------

  private static Map<String, String> smsForm(String sid, String text) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("ToCountry", "US");
    form.put("ToCity", "");
    form.put("SmsMessageSid", sid);
    form.put("NumMedia", "0");
    form.put("SmsStatus", "received");
    form.put("Body", text);
    form.put("To", TestTenants.TWILIO_NUMBER);
    form.put("MessageSid", sid);
    form.put("AccountSid", TestTenants.TWILIO_ACCOUNT_SID);
    form.put("From", "+14017122661");
    form.put("ApiVersion", "2010-04-01");
    return form;
  }

  private static byte[] encode(Map<String, String> form) {
    return form.entrySet().stream()
        .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&")).getBytes(StandardCharsets.US_ASCII);
  }

  private static String sid() {
    return "SM" + UUID.randomUUID().toString().replace("-", "");
  }

  private static String sign(byte[] body) {
    return TwilioSignature.sign(TestTenants.TWILIO_AUTH_TOKEN, PUBLIC_URL, FormBody.parse(body));
  }

  private static Response post(byte[] body, String signature) {
    return post(PATH, body, signature);
  }

  /** Posted as bytes (RestAssured would re-encode a form body). */
  private static Response post(String path, byte[] body, String signature) {
    var request = given().contentType("application/x-www-form-urlencoded")
        .header("X-Forwarded-Proto", "https").header("X-Forwarded-Host", "baton.example.com")
        .body(new String(body, StandardCharsets.US_ASCII));
    if (signature != null) {
      request = request.header(TwilioSignature.HEADER, signature);
    }
    return request.post(path);
  }

  private static List<ConversationEvent> read(String sid, Channel channel) {
    return TestTopics.readPublished(Topics.CONVERSATION_EVENTS,
        e -> TestTenants.TWILIO_TENANT.equals(e.tenantId()) && e.channel() == channel
            && sid.equals(e.attributes().get("twilio.messageSid")));
  }

  /** Drops an earlier run's claim of a sample's fixed id (Redis outlives the test JVM). */
  private static void forget(String sid) {
    REDIS.del("baton:" + TestTenants.TWILIO_TENANT + ":event:tw:" + sid);
  }
}
