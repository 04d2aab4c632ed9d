package dev.baton.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.schemas.ConversationEvent;
import dev.baton.schemas.ConversationState;
import dev.baton.schemas.HandoffRecord;
import dev.baton.schemas.OutboundMessage;
import dev.baton.schemas.SchemaVersions;
import dev.baton.schemas.Speaker;
import dev.baton.schemas.Turn;
import dev.baton.schemas.serde.Json;
import dev.baton.schemas.topic.Topics;
import dev.baton.testsupport.CallbackReceiver;
import dev.baton.testsupport.TestTenants;
import dev.baton.testsupport.TestTopics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole pipeline on a real broker: the five packaged services as processes, a customer
 * writing through the signed webhook, the bot's reply arriving at the tenant's callback, the
 * handoff arriving at an agent's SSE stream; and the providers' own channels end to end: a
 * WhatsApp customer answered and handed over through Meta's Cloud API, a Twilio call transferred
 * when the caller asks for a person, a missed call acknowledged on WhatsApp with the tenant's
 * template, an email answered by email in its thread (Meta, Twilio and Mailgun played by {@link
 * Providers} and the callback receiver's doubles).
 */
class PipelineEndToEndTest {
  private static final Duration ARRIVAL = Duration.ofSeconds(60);
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static CallbackReceiver callbacks;
  private static BatonProcesses baton;

  @BeforeAll
  static void startBaton() throws Exception {
    callbacks = new CallbackReceiver();
    baton = new BatonProcesses(callbacks.url(""));
    baton.awaitReady(Duration.ofMinutes(3));
  }

  @AfterAll
  static void stopBaton() {
    if (baton != null) {
      baton.close();
    }
    if (callbacks != null) {
      callbacks.close();
    }
  }

  private static String message(String eventId, String conversation, String text) {
    return Json.write(Map.of(
        "eventId", eventId, "type", "CUSTOMER_MESSAGE", "tenantId", TestTenants.TENANT,
        "conversationId", conversation, "channel", "WEBCHAT", "occurredAt", Instant.now().toString(),
        "customer", Map.of("id", "cust-e2e", "name", "Ana"), "text", text));
  }

  private static HttpResponse<String> post(String body) throws Exception {
    return baton.postEvent(TestTenants.SECRET, body);
  }

  private static List<OutboundMessage> delivered(String conversation) {
    return callbacks.callbacks().stream()
        .map(r -> Json.read(r.body(), OutboundMessage.class))
        .filter(m -> m.conversationId().equals(conversation))
        .toList();
  }

  /** Another conversation's reply: once it has arrived, anything sent before it has too. */
  private static void awaitMarkerReply() throws Exception {
    String marker = "marker-" + UUID.randomUUID();
    assertEquals(202, post(message("ev-" + UUID.randomUUID(), marker, "where are you")).statusCode());
    await("marker reply").atMost(ARRIVAL).until(() -> !delivered(marker).isEmpty());
  }

  private static List<String> openAgentStream() {
    List<String> lines = new CopyOnWriteArrayList<>();
    HttpRequest request = HttpRequest.newBuilder(URI.create(baton.url("agent-gateway", "/v1/agent/stream")))
        .header("Authorization", "Bearer " + TestTenants.AGENT_TOKEN).build();
    HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofLines())
        .thenAccept(r -> r.body().forEach(lines::add));
    return lines;
  }

  /** The handoff record of the conversation, once its {@code handoff} event reached the agent's stream. */
  private static HandoffRecord handoffFor(List<String> lines, String conversation) throws Exception {
    List<String> copy = List.copyOf(lines);
    for (int i = 0; i + 1 < copy.size(); i++) {
      if (copy.get(i).equals("event:handoff") && copy.get(i + 1).contains(conversation)) {
        HttpRequest request = HttpRequest.newBuilder(
                URI.create(baton.url("agent-gateway", "/v1/agent/conversations/" + conversation)))
            .header("Authorization", "Bearer " + TestTenants.AGENT_TOKEN).build();
        JsonNode body = Json.MAPPER.readTree(HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body());
        return Json.MAPPER.treeToValue(body.get("handoff"), HandoffRecord.class);
      }
    }
    return null;
  }

  @Test
  void faqIsAnsweredThenAskingForAPersonHandsOverWithTheWholeConversation() throws Exception {
    String conversation = "e2e-" + UUID.randomUUID();
    List<String> agentStream = openAgentStream();

    // (1) An FAQ: the bot's reply reaches the tenant's callback.
    assertEquals(202, post(message("ev-" + UUID.randomUUID(), conversation, "What are your opening hours?")).statusCode());
    await("bot reply").atMost(ARRIVAL).until(() -> !delivered(conversation).isEmpty());
    OutboundMessage reply = delivered(conversation).get(0);
    assertEquals(Speaker.BOT, reply.sender());
    assertTrue(reply.text().endsWith("We're open 8am to 6pm, Monday to Friday."), reply.text());
    assertTrue(reply.text().startsWith("Hi, I'm the virtual assistant of Acme Dental."), reply.text());

    // (2) Asking for a person: the agent's stream gets the handoff with both earlier turns.
    assertEquals(202, post(message("ev-" + UUID.randomUUID(), conversation, "I want to speak to someone")).statusCode());
    await("handoff on the agent stream").atMost(ARRIVAL).until(() -> handoffFor(agentStream, conversation) != null);
    HandoffRecord handoff = handoffFor(agentStream, conversation);
    List<Turn> t = handoff.transcript();
    assertEquals(List.of(Speaker.CUSTOMER, Speaker.BOT, Speaker.CUSTOMER), t.stream().map(Turn::speaker).toList());
    assertEquals("What are your opening hours?", t.get(0).text());
    assertEquals(reply.text(), t.get(1).text());
    assertEquals("I want to speak to someone", t.get(2).text());
    assertEquals(HandoffRecord.idFor(TestTenants.TENANT, conversation, 1), handoff.handoffId());

    // The customer is told, and after that the bot says nothing more in this conversation.
    await("handoff notice").atMost(ARRIVAL).until(() -> delivered(conversation).size() == 2);
    assertTrue(delivered(conversation).get(1).reason().startsWith("handoff-notice"));
    assertEquals(202, post(message("ev-" + UUID.randomUUID(), conversation, "What are your opening hours?")).statusCode());
    awaitMarkerReply();
    assertEquals(2, delivered(conversation).size(), "no bot reply after the handoff: " + delivered(conversation));
  }

  @Test
  void theSameEventPostedTwiceGivesOneTranscriptEntryAndOneReply() throws Exception {
    String conversation = "e2e-" + UUID.randomUUID();
    String eventId = "ev-" + UUID.randomUUID();
    String body = message(eventId, conversation, "What are your opening hours?");

    HttpResponse<String> first = post(body);
    HttpResponse<String> second = post(body);
    assertEquals(202, first.statusCode());
    assertEquals(202, second.statusCode());
    assertTrue(second.body().contains("\"duplicate\":true"), second.body());
    // A redelivery inside the pipeline (as after a crash upstream) is dropped by the handoff
    // service too.
    ObjectNode wire = (ObjectNode) Json.MAPPER.readTree(body);
    wire.put("schemaVersion", SchemaVersions.CURRENT);
    ConversationEvent again = Json.MAPPER.treeToValue(wire, ConversationEvent.class);
    TestTopics.publish(Topics.CONVERSATION_EVENTS, again);

    await("reply").atMost(ARRIVAL).until(() -> !delivered(conversation).isEmpty());
    awaitMarkerReply();
    assertEquals(1, delivered(conversation).size(), delivered(conversation).toString());
    List<ConversationState> states = TestTopics.read(Topics.CONVERSATION_STATE,
        s -> s.conversationId().equals(conversation), Duration.ofSeconds(3));
    ConversationState latest = states.get(states.size() - 1);
    assertEquals(1, latest.transcript().stream().filter(x -> x.speaker() == Speaker.CUSTOMER).count());
  }

  // ---- provider channels ---------------------------------------------------------------------

  private static List<HandoffRecord> handoffsOf(String tenant, String conversation) {
    return TestTopics.readPublished(Topics.HANDOFFS,
        h -> h.tenantId().equals(tenant) && h.conversationId().equals(conversation));
  }

  private static List<JsonNode> graphSent(String to) {
    return callbacks.graphRequestsTo(to).stream().filter(r -> r.status() == 200).map(r -> {
      try {
        return Json.MAPPER.readTree(r.body());
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }).toList();
  }

  @Test
  void aWhatsAppCustomerIsAnsweredOnWhatsAppAndHandedOverWhenTheyAskForAPerson() throws Exception {
    String digits = "4915112" + (100000 + new java.util.Random().nextInt(899999));
    String phone = "+" + digits;
    String url = baton.url("intake-service", "/v1/channels/whatsapp/" + TestTenants.WHATSAPP_TENANT);

    assertEquals(200, Providers.whatsApp(url, TestTenants.WHATSAPP_APP_SECRET, TestTenants.WHATSAPP_PHONE_NUMBER_ID,
        digits, "wamid.e2e-" + UUID.randomUUID(), "Hallo! what are your opening hours?").statusCode());
    await("the FAQ answer on WhatsApp").atMost(ARRIVAL).until(() -> !graphSent(phone).isEmpty());
    JsonNode answer = graphSent(phone).get(0);
    assertEquals("text", answer.path("type").asText(), answer.toString());
    assertTrue(answer.path("text").path("body").asText().contains("Wa Bikes is open 9am to 5pm"), answer.toString());

    assertEquals(200, Providers.whatsApp(url, TestTenants.WHATSAPP_APP_SECRET, TestTenants.WHATSAPP_PHONE_NUMBER_ID,
        digits, "wamid.e2e-" + UUID.randomUUID(), "this is useless, I want to speak to a real person").statusCode());
    await("the handoff").atMost(ARRIVAL).until(() -> !handoffsOf(TestTenants.WHATSAPP_TENANT, "wa:" + phone).isEmpty());
    HandoffRecord handoff = handoffsOf(TestTenants.WHATSAPP_TENANT, "wa:" + phone).get(0);
    assertEquals("wa:" + phone, handoff.conversationId());
    assertEquals(phone, handoff.customer().phone());
    await("the handoff notice on WhatsApp").atMost(ARRIVAL).until(() -> graphSent(phone).size() >= 2);
  }

  @Test
  void aCallIsAnsweredAndTransferredToTheTenantsQueueWhenTheCallerAsksForAPerson() throws Exception {
    String sid = "CA" + UUID.randomUUID().toString().replace("-", "");
    String base = "/v1/channels/twilio/" + TestTenants.TWILIO_TENANT + "/voice";
    Map<String, String> call = new java.util.LinkedHashMap<>(Map.of("AccountSid", TestTenants.TWILIO_ACCOUNT_SID,
        "CallSid", sid, "From", "+14158675309", "To", TestTenants.TWILIO_NUMBER, "Direction", "inbound"));
    call.put("CallStatus", "ringing");
    HttpResponse<String> greeting = Providers.twilio(baton.url("intake-service", base), TestTenants.TWILIO_AUTH_TOKEN, call);
    assertEquals(200, greeting.statusCode(), greeting.body());
    assertTrue(greeting.body().contains("<Gather") && greeting.body().contains("virtual assistant"), greeting.body());

    call.put("CallStatus", "in-progress");
    Map<String, String> said = new java.util.LinkedHashMap<>(call);
    said.put("SpeechResult", "I want to speak to a person please");
    said.put("Confidence", "0.93");
    HttpResponse<String> next = Providers.twilio(baton.url("intake-service", base + "/gather"), TestTenants.TWILIO_AUTH_TOKEN, said);
    // The decision comes through the whole pipeline; a slow one is a hold and a redirect to wait.
    for (int i = 0; i < 6 && next.body().contains("<Redirect") && !next.body().contains("<Enqueue"); i++) {
      next = Providers.twilio(baton.url("intake-service", base + "/wait"), TestTenants.TWILIO_AUTH_TOKEN, call);
    }
    assertEquals(200, next.statusCode(), next.body());
    assertTrue(next.body().contains("<Enqueue>baton-" + TestTenants.TWILIO_TENANT + "</Enqueue>"), next.body());
    List<HandoffRecord> handoffs = handoffsOf(TestTenants.TWILIO_TENANT, "call:" + sid);
    assertEquals(1, handoffs.size(), "the agents have the call's handoff as it is transferred");
    assertEquals("+14158675309", handoffs.get(0).customer().phone());
  }

  @Test
  void aMissedCallIsAcknowledgedOnWhatsAppWithTheTenantsTemplateAndQueuedForACallBack() throws Exception {
    String caller = "+1650555" + (1000 + new java.util.Random().nextInt(8999));
    String sid = "CA" + UUID.randomUUID().toString().replace("-", "");
    Map<String, String> status = Map.of("AccountSid", TestTenants.TWILIO_ACCOUNT_SID, "CallSid", sid, "From", caller,
        "To", TestTenants.WHATSAPP_TENANT_TWILIO_NUMBER, "Direction", "inbound", "CallStatus", "no-answer",
        "SequenceNumber", "1");
    String url = baton.url("intake-service", "/v1/channels/twilio/" + TestTenants.WHATSAPP_TENANT + "/voice/status");
    assertEquals(200, Providers.twilio(url, TestTenants.TWILIO_AUTH_TOKEN, status).statusCode());
    assertEquals(200, Providers.twilio(url, TestTenants.TWILIO_AUTH_TOKEN, status).statusCode(), "Twilio's retry");

    await("the acknowledgement on WhatsApp").atMost(ARRIVAL).until(() -> !graphSent(caller).isEmpty());
    JsonNode ack = graphSent(caller).get(0);
    assertEquals("template", ack.path("type").asText(), "the caller never wrote: outside the 24-hour window");
    assertEquals("missed_call_ack", ack.path("template").path("name").asText());
    await("the call-back task").atMost(ARRIVAL).until(() -> !handoffsOf(TestTenants.WHATSAPP_TENANT, "call:" + sid).isEmpty());
    awaitMarkerReply();
    assertEquals(1, graphSent(caller).size(), "acknowledged once, though Twilio called twice");

    // The caller answers the acknowledgement on WhatsApp: that conversation names the call it follows.
    String whatsapp = baton.url("intake-service", "/v1/channels/whatsapp/" + TestTenants.WHATSAPP_TENANT);
    assertEquals(200, Providers.whatsApp(whatsapp, TestTenants.WHATSAPP_APP_SECRET, TestTenants.WHATSAPP_PHONE_NUMBER_ID,
        caller.substring(1), "wamid.e2e-" + UUID.randomUUID(), "you called me? I want to speak to a person").statusCode());
    await("the caller's WhatsApp handoff").atMost(ARRIVAL).until(() -> !handoffsOf(TestTenants.WHATSAPP_TENANT, "wa:" + caller).isEmpty());
    HandoffRecord later = handoffsOf(TestTenants.WHATSAPP_TENANT, "wa:" + caller).get(0);
    assertTrue(later.transcript().stream().anyMatch(t -> (Turn.MISSED_CALL_LINK + "call:" + sid).equals(t.reason())),
        later.transcript().toString());
  }

  @Test
  void aMailgunEmailIsAnsweredInItsThreadAndTheAnswerToBatonsReplyStaysInTheConversation() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    String customer = "Pat." + run + "@Example.com";
    String address = customer.toLowerCase();
    String first = "e2e-1-" + run + "@mail.example.com";
    String url = baton.url("intake-service", "/v1/channels/mailgun/" + TestTenants.MAILGUN_TENANT);

    HttpResponse<String> posted = Providers.mailgun(url, TestTenants.MAILGUN_SIGNING_KEY, Map.of(
        "from", "Pat <" + customer + ">", "recipient", TestTenants.MAILGUN_ADDRESS, "subject", "Opening hours",
        "body-plain", "Hi, what are your opening hours?\r\n\r\n-- \r\nPat", "Message-Id", "<" + first + ">"));
    assertEquals(200, posted.statusCode(), posted.body());
    await("the FAQ answer by email").atMost(ARRIVAL).until(() -> !mailgunSent(address).isEmpty());
    CallbackReceiver.Received reply = mailgunSent(address).get(0);
    assertEquals("<" + first + ">", reply.param("h:In-Reply-To"));
    assertEquals("<" + first + ">", reply.param("h:References"));
    assertEquals("Re: Opening hours", reply.param("subject"));
    assertEquals("\"Pat\" <" + address + ">", reply.param("to"));
    assertEquals("\"Tw Plumbing\" <" + TestTenants.MAILGUN_ADDRESS + ">", reply.param("from"));
    assertTrue(reply.param("text").contains("Tw Plumbing answers calls around the clock."), reply.param("text"));
    String ours = reply.param("h:Message-Id");

    // The customer answers Baton's reply, quoting it: the same conversation, their new words only.
    String second = "e2e-2-" + run + "@mail.example.com";
    assertEquals(200, Providers.mailgun(url, TestTenants.MAILGUN_SIGNING_KEY, Map.of(
        "from", customer, "recipient", TestTenants.MAILGUN_ADDRESS, "subject", "Re: Opening hours",
        "body-plain", "Thanks! When are you open?\r\n\r\nOn Tue, Tw Plumbing <" + TestTenants.MAILGUN_ADDRESS
            + "> wrote:\r\n> " + reply.param("text") + "\r\n",
        "Message-Id", "<" + second + ">", "In-Reply-To", ours, "References", "<" + first + "> " + ours)).statusCode());
    await("the second answer by email").atMost(ARRIVAL).until(() -> mailgunSent(address).size() >= 2);
    CallbackReceiver.Received again = mailgunSent(address).get(1);
    assertEquals("<" + second + ">", again.param("h:In-Reply-To"));

    List<ConversationEvent> events = TestTopics.read(Topics.CONVERSATION_EVENTS,
        e -> address.equals(e.customer() == null ? null : e.customer().id()), Duration.ofSeconds(3));
    assertEquals(2, events.size(), events.toString());
    assertEquals(events.get(0).conversationId(), events.get(1).conversationId(), "one conversation for the thread");
    assertEquals("Hi, what are your opening hours?", events.get(0).text(), "the signature is not the customer's turn");
    assertEquals("Thanks! When are you open?", events.get(1).text(), "the quoted reply is not the customer's turn");
    String conversation = events.get(0).conversationId();
    List<ConversationState> states = TestTopics.read(Topics.CONVERSATION_STATE,
        x -> x.conversationId().equals(conversation), Duration.ofSeconds(3));
    assertEquals(2, states.get(states.size() - 1).transcript().stream().filter(x -> x.speaker() == Speaker.CUSTOMER)
        .count(), "both emails are turns of one transcript");
  }

  /**
   * Every metric name the dashboard and the alert rules query (deploy/observability/exported-metrics.txt)
   * is exposed at /q/metrics by at least one of the running services, after a conversation that
   * is answered and then handed over (a failure-only name is exempt while nothing has failed).
   */
  @Test
  void everyMetricTheDashboardAndAlertsQueryIsExposed() throws Exception {
    String conversation = "e2e-" + UUID.randomUUID();
    assertEquals(202, post(message("ev-" + UUID.randomUUID(), conversation, "What are your opening hours?")).statusCode());
    await("bot reply").atMost(ARRIVAL).until(() -> !delivered(conversation).isEmpty());
    assertEquals(202, post(message("ev-" + UUID.randomUUID(), conversation, "I want to speak to someone")).statusCode());
    await("handoff notice").atMost(ARRIVAL).until(() -> delivered(conversation).size() == 2);

    List<ExportedMetrics.Name> listed = ExportedMetrics.listed();
    Path scraped = BatonProcesses.logs().resolve("metrics");
    Files.createDirectories(scraped);
    await("every listed metric exposed").atMost(ARRIVAL).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
      Set<String> exposed = new TreeSet<>();
      for (String service : BatonProcesses.SERVICES) {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(baton.url(service, "/q/metrics"))).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), service + " /q/metrics");
        // Kept beside the logs: what each service really exposes.
        Files.writeString(scraped.resolve(service + ".txt"), r.body());
        r.body().lines().filter(l -> !l.startsWith("#") && !l.isBlank())
            .forEach(l -> exposed.add(l.split("[{ ]", 2)[0]));
      }
      List<String> missing = listed.stream().filter(n -> !n.failureOnly() && !exposed.contains(n.name()))
          .map(ExportedMetrics.Name::name).toList();
      assertTrue(missing.isEmpty(), "listed in exported-metrics.txt but exposed by no service: " + missing
          + " (the scrapes are in " + scraped + ")");
    });
  }

  private static List<CallbackReceiver.Received> mailgunSent(String address) {
    return callbacks.emailRequestsTo(address).stream().filter(r -> r.status() == 200).toList();
  }
}
