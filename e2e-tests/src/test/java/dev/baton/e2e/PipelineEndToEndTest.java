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
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole pipeline on a real broker: the five packaged services as processes, a customer
 * writing through the signed webhook, the bot's reply arriving at the tenant's callback, the
 * handoff arriving at an agent's SSE stream.
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
    return callbacks.received().stream()
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
}
