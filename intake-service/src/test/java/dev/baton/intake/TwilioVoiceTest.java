package dev.baton.intake;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.intake.channel.ChannelSamples;
import dev.baton.intake.channel.FormBody;
import dev.baton.intake.channel.TwilioSignature;
import dev.baton.schemas.Channel;
import dev.baton.schemas.ConversationEvent;
import dev.baton.schemas.Customer;
import dev.baton.schemas.EventType;
import dev.baton.schemas.OutboundMessage;
import dev.baton.schemas.SchemaVersions;
import dev.baton.schemas.Speaker;
import dev.baton.schemas.topic.Topics;
import dev.baton.testsupport.BatonTestResource;
import dev.baton.intake.service.MissedCallLinks;
import dev.baton.testsupport.TestTenants;
import dev.baton.testsupport.TestTopics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * A call on tenant {@code twbiz}'s Twilio number through the intake, with the handoff engine's part
 * played by the test (it publishes the outbound messages the engine would): greeting, speech in,
 * the bot's answer spoken in the next gather, silence reported, a handoff transferring the call,
 * missed calls once per CallSid. TwiML is read as XML, not compared as text.
 */
@QuarkusTest
@QuarkusTestResource(BatonTestResource.class)
class TwilioVoiceTest {
  private static final String BASE = "/v1/channels/twilio/" + TestTenants.TWILIO_TENANT + "/voice";

  @Test
  void aCallIsGreetedItsSpeechPublishedAndTheBotsAnswerSpokenInTheNextGather() throws Exception {
    String sid = callSid();
    Document greeting = xml(post(BASE, ringing(sid)));
    Element gather = only(greeting, "Gather");
    assertEquals("speech", gather.getAttribute("input"));
    assertEquals(BASE + "/gather", gather.getAttribute("action"));
    assertEquals("5", gather.getAttribute("timeout"), "the tenant's silence timeout, counted by Twilio after the words");
    assertEquals("true", gather.getAttribute("actionOnEmptyResult"));
    assertTrue(only(greeting, "Say").getTextContent().contains("virtual assistant of Tw Plumbing"),
        "the greeting discloses the assistant");
    ConversationEvent started = event(sid, EventType.CALL_STARTED);
    assertEquals("call:" + sid, started.conversationId());
    assertEquals("+14158675309", started.customer().phone());
    assertEquals("twilio", started.attributes().get("voice.silenceReportedBy"));
    assertEquals(only(greeting, "Say").getTextContent(), started.attributes().get("voice.greeting"),
        "the engine learns what the caller heard");

    // The caller speaks; the request waits for the decision, which the engine would publish.
    CompletableFuture<Response> answer = CompletableFuture.supplyAsync(
        () -> post(BASE + "/gather", gather(sid, "what are your opening hours", "0.91")));
    ConversationEvent speech = event(sid, EventType.SPEECH_SEGMENT);
    assertEquals("what are your opening hours", speech.text());
    assertEquals("0.91", speech.attributes().get("speech.confidence"));
    reply(sid, speech.eventId() + ":reply", "We answer calls around the clock. <Anything> else?", "faq:opening-hours");

    Document next = xml(answer.get(15, TimeUnit.SECONDS));
    Element nextGather = only(next, "Gather");
    assertEquals("We answer calls around the clock. <Anything> else?", only(next, "Say").getTextContent(),
        "spoken as text: the markup in it is escaped");
    assertEquals(BASE + "/gather", nextGather.getAttribute("action"));
  }

  @Test
  void silenceAfterTheBotsWordsIsReportedAndAHandoffTransfersTheCall() throws Exception {
    String sid = callSid();
    post(BASE, ringing(sid));

    CompletableFuture<Response> answer = CompletableFuture.supplyAsync(() -> post(BASE + "/gather", gather(sid, null, null)));
    ConversationEvent silent = event(sid, EventType.CALLER_SILENT);
    assertEquals("5000", silent.attributes().get("silence.ms"));
    reply(sid, silent.eventId() + ":handoff-notice", "I'm passing you to a colleague now.", "handoff-notice:silence");

    Document transfer = xml(answer.get(15, TimeUnit.SECONDS));
    assertEquals("I'm passing you to a colleague now.", only(transfer, "Say").getTextContent());
    assertEquals("baton-" + TestTenants.TWILIO_TENANT, only(transfer, "Enqueue").getTextContent());
    assertEquals(0, transfer.getElementsByTagName("Gather").getLength(), "the bot stops listening");
  }

  @Test
  void aDecisionLaterThanTheWaitIsSpokenAfterAHoldAndRedirect() throws Exception {
    String sid = callSid();
    post(BASE, ringing(sid));
    // Nothing is published for this call: the gather is answered with a hold after its wait.
    Document hold = xml(post(BASE + "/gather", gather(sid, "hello", "0.8")));
    assertEquals(BASE + "/wait", only(hold, "Redirect").getTextContent());
    assertEquals("1", only(hold, "Pause").getAttribute("length"));

    ConversationEvent speech = event(sid, EventType.SPEECH_SEGMENT);
    reply(sid, speech.eventId() + ":reply", "Hello! How can I help?", "faq:greeting");
    Document spoken = xml(post(BASE + "/wait", gather(sid, null, null)));
    assertEquals("Hello! How can I help?", only(spoken, "Say").getTextContent(), "kept for the next request");
  }

  @Test
  void aMissedCallIsPublishedOncePerCallSid() {
    String sid = callSid();
    byte[] status = form("AccountSid=" + TestTenants.TWILIO_ACCOUNT_SID + "&CallSid=" + sid
        + "&From=%2B14158675309&To=%2B15558675310&Direction=inbound&CallStatus=no-answer&SequenceNumber=1");
    post(BASE + "/status", status).then().statusCode(200);
    post(BASE + "/status", status).then().statusCode(200);

    List<ConversationEvent> missed = TestTopics.readPublished(Topics.CONVERSATION_EVENTS,
        e -> e.conversationId().equals("call:" + sid) && e.type() == EventType.CALL_MISSED);
    assertEquals(1, missed.size());
    assertEquals("no-answer", missed.get(0).attributes().get("missed.reason"));
    assertEquals("+14158675309", missed.get(0).customer().phone(), "the acknowledgement goes to this number");
  }

  @Test
  void theCallersNextMessageLinksToTheMissedCallOnceEvenWhenRetried() {
    String sid = callSid();
    String caller = "+1415" + (1_000_000 + java.util.concurrent.ThreadLocalRandom.current().nextInt(8_999_999));
    String from = java.net.URLEncoder.encode(caller, StandardCharsets.UTF_8);
    post(BASE + "/status", form("AccountSid=" + TestTenants.TWILIO_ACCOUNT_SID + "&CallSid=" + sid + "&From=" + from
        + "&To=%2B15558675310&Direction=inbound&CallStatus=busy&SequenceNumber=1")).then().statusCode(200);
    assertEquals(1, TestTopics.readPublished(Topics.CONVERSATION_EVENTS,
        e -> e.conversationId().equals("call:" + sid) && e.type() == EventType.CALL_MISSED).size());
    String messages = "/v1/channels/twilio/" + TestTenants.TWILIO_TENANT + "/messages";
    String first = "SM" + UUID.randomUUID().toString().replace("-", "");
    byte[] sms = form("AccountSid=" + TestTenants.TWILIO_ACCOUNT_SID + "&MessageSid=" + first + "&From=" + from
        + "&To=%2B15558675310&Body=you+called+me&NumMedia=0");

    post(messages, sms).then().statusCode(200);
    post(messages, sms).then().statusCode(200); // Twilio retries
    post(messages, form("AccountSid=" + TestTenants.TWILIO_ACCOUNT_SID + "&MessageSid=SM" + UUID.randomUUID().toString()
        .replace("-", "") + "&From=" + from + "&To=%2B15558675310&Body=hello+again&NumMedia=0")).then().statusCode(200);

    List<ConversationEvent> said = TestTopics.readPublished(Topics.CONVERSATION_EVENTS,
        e -> e.conversationId().equals("sms:" + caller) && e.type() == EventType.CUSTOMER_MESSAGE);
    assertEquals(2, said.size(), said.toString());
    ConversationEvent linked = said.stream().filter(e -> e.eventId().equals("tw:" + first)).findFirst().orElseThrow();
    assertEquals("call:" + sid, linked.attributes().get(MissedCallLinks.CONVERSATION));
    assertFalse(linked.attributes().get(MissedCallLinks.AT).isBlank());
    ConversationEvent next = said.stream().filter(e -> !e.eventId().equals("tw:" + first)).findFirst().orElseThrow();
    assertFalse(next.attributes().containsKey(MissedCallLinks.CONVERSATION), "a missed call links one conversation");
  }

  @Test
  void theRingingSampleIsAnsweredOnlyWhenSignedForItsPublicUrl() {
    byte[] body = ChannelSamples.bytes("twilio/voice_inbound_ringing.txt");
    given().contentType("application/x-www-form-urlencoded").header("X-Forwarded-Proto", "https")
        .header("X-Forwarded-Host", "baton.example.com")
        .header(TwilioSignature.HEADER, TwilioSignature.sign("54321", "https://baton.example.com" + BASE, FormBody.parse(body)))
        .body(new String(body, StandardCharsets.US_ASCII)).post(BASE).then().statusCode(401);
    String xml = post(BASE, body).then().statusCode(200).extract().asString();
    assertFalse(xml.isEmpty());
  }

  // ---- helpers -------------------------------------------------------------------------------

  private static String callSid() {
    return "CA" + UUID.randomUUID().toString().replace("-", "");
  }

  private static byte[] ringing(String sid) {
    return form("AccountSid=" + TestTenants.TWILIO_ACCOUNT_SID + "&ApiVersion=2010-04-01&CallSid=" + sid
        + "&Called=%2B15558675310&Caller=%2B14158675309&Direction=inbound&From=%2B14158675309&To=%2B15558675310"
        + "&CallStatus=ringing");
  }

  private static byte[] gather(String sid, String speech, String confidence) {
    String s = "AccountSid=" + TestTenants.TWILIO_ACCOUNT_SID + "&CallSid=" + sid
        + "&From=%2B14158675309&To=%2B15558675310&CallStatus=in-progress";
    if (speech != null) {
      s += "&SpeechResult=" + java.net.URLEncoder.encode(speech, StandardCharsets.UTF_8) + "&Confidence=" + confidence;
    }
    return form(s);
  }

  private static byte[] form(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static Response post(String path, byte[] body) {
    String url = "https://baton.example.com" + path;
    return given().contentType("application/x-www-form-urlencoded")
        .header("X-Forwarded-Proto", "https").header("X-Forwarded-Host", "baton.example.com")
        .header(TwilioSignature.HEADER, TwilioSignature.sign(TestTenants.TWILIO_AUTH_TOKEN, url, FormBody.parse(body)))
        .body(new String(body, StandardCharsets.US_ASCII)).post(path);
  }

  private static ConversationEvent event(String sid, EventType type) {
    List<ConversationEvent> events = TestTopics.read(Topics.CONVERSATION_EVENTS,
        e -> e.conversationId().equals("call:" + sid) && e.type() == type, Duration.ofSeconds(5));
    assertEquals(1, events.size(), type + " of " + sid);
    return events.get(0);
  }

  /** What the handoff engine would publish for the call. */
  private static void reply(String sid, String messageId, String text, String reason) {
    TestTopics.publish(Topics.OUTBOUND_MESSAGES, new OutboundMessage(SchemaVersions.CURRENT, messageId,
        TestTenants.TWILIO_TENANT, "call:" + sid, Channel.VOICE, new Customer("+14158675309", null, "+14158675309", null),
        Speaker.BOT, null, text, reason, messageId.substring(0, messageId.lastIndexOf(':')), Instant.now()));
  }

  private static Document xml(Response response) throws Exception {
    response.then().statusCode(200).contentType("text/xml");
    return DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(new ByteArrayInputStream(response.asByteArray()));
  }

  private static Element only(Document d, String tag) {
    assertEquals(1, d.getElementsByTagName(tag).getLength(), tag + " in " + d.getDocumentElement().getTextContent());
    return (Element) d.getElementsByTagName(tag).item(0);
  }
}
