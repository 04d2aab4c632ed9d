package dev.baton.gateway;

import com.fasterxml.jackson.databind.JsonNode;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.schemas.AgentAction;
import dev.baton.schemas.Channel;
import dev.baton.schemas.DecisionAudit;
import dev.baton.schemas.HandoffReason;
import dev.baton.schemas.HandoffRecord;
import dev.baton.schemas.SchemaVersions;
import dev.baton.schemas.serde.Json;
import dev.baton.schemas.topic.Topics;
import dev.baton.testsupport.TestTenants;
import dev.baton.testsupport.TestTopics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class AgentGatewayTest {

  @TestHTTPResource("/v1/agent/stream")
  URI stream;

  private static HandoffRecord handoff(String tenant) {
    String conversation = "conv-" + UUID.randomUUID();
    return new HandoffRecord(SchemaVersions.CURRENT, HandoffRecord.idFor(tenant, conversation, 1), 1, tenant, conversation, Channel.WEBCHAT,
        null, HandoffReason.EXPLICIT_REQUEST, 3, "reception", List.of(), List.of(), "Wants: a person.",
        new DecisionAudit("explicit-request", "1", "\"speak to someone\"", "phrases", "ev-1"), false, Instant.now(), 0);
  }

  private final SseClients clients = new SseClients();

  @AfterEach
  void closeStreams() {
    clients.closeAll();
  }

  /** Opens the SSE stream and collects its lines until the test ends. */
  private List<String> open(String token, String lastEventId) {
    return clients.open(stream, "Bearer " + token, lastEventId);
  }

  @Test
  void theDesktopAndTheApiAreNeverCached() {
    for (String path : List.of("/", "/desktop.js", "/desktop.css")) {
      given().get(path).then().statusCode(200).header("Cache-Control", equalTo("no-store"))
          .header("Content-Security-Policy", org.hamcrest.Matchers.containsString("default-src 'self'"));
    }
    given().header("Authorization", "Bearer " + TestTenants.AGENT_TOKEN).get("/v1/agent/me").then().statusCode(200)
        .header("Cache-Control", equalTo("no-store"));
  }

  @Test
  void streamRefusesMissingOrWrongTokens() {
    given().get("/v1/agent/stream").then().statusCode(401).header("WWW-Authenticate", "Bearer realm=\"baton-agents\"");
    given().header("Authorization", "Bearer nope").get("/v1/agent/stream").then().statusCode(401)
        .contentType("application/problem+json");
  }

  @Test
  void agentsReceiveTheirOwnTenantsHandoffsAsTypedEventsWithLogPositions() throws Exception {
    List<String> alice = open(TestTenants.AGENT_TOKEN, null);
    List<String> gina = open(TestTenants.OTHER_AGENT_TOKEN, null);
    HandoffRecord forAcme = handoff("acme");
    HandoffRecord forGlobex = handoff("globex");
    await().atMost(Duration.ofSeconds(10)).until(() -> !SseClients.named(alice, "reset", "").isEmpty()
        && !SseClients.named(gina, "reset", "").isEmpty());

    TestTopics.publish(Topics.HANDOFFS, forAcme);
    TestTopics.publish(Topics.HANDOFFS, forAcme); // a redelivery changes nothing
    TestTopics.publish(Topics.HANDOFFS, forGlobex);
    await().atMost(Duration.ofSeconds(20)).until(() -> !SseClients.named(alice, "handoff", forAcme.conversationId()).isEmpty()
        && !SseClients.named(gina, "handoff", forGlobex.conversationId()).isEmpty());

    SseClients.Event event = SseClients.named(alice, "handoff", forAcme.conversationId()).get(0);
    assertTrue(event.id().matches("\\d+-\\d+"), "the id is a position in the tenant's log: " + event.id());
    JsonNode data = Json.MAPPER.readTree(event.data());
    assertEquals("handoff", data.get("type").asText());
    assertEquals(forAcme.conversationId(), data.get("conversationId").asText());
    assertEquals("queued", data.at("/conversation/status").asText());
    assertEquals("reception", data.at("/conversation/skill").asText());
    assertEquals(3, data.at("/conversation/priority").asInt());
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() ->
        SseClients.named(alice, "handoff", forAcme.conversationId()).size() == 1);
    assertTrue(SseClients.named(alice, "handoff", forGlobex.conversationId()).isEmpty(), "tenants are kept apart");
    assertTrue(SseClients.named(gina, "handoff", forAcme.conversationId()).isEmpty(), "tenants are kept apart");
  }

  @Test
  void reconnectingAgentGetsWhatItMissedAfterLastEventId() {
    HandoffRecord first = handoff("acme");
    HandoffRecord second = handoff("acme");
    List<String> probe = open(TestTenants.AGENT_TOKEN, null);
    await().atMost(Duration.ofSeconds(10)).until(() -> !SseClients.named(probe, "reset", "").isEmpty());
    TestTopics.publish(Topics.HANDOFFS, first);
    TestTopics.publish(Topics.HANDOFFS, second);
    await().atMost(Duration.ofSeconds(20)).until(() -> !SseClients.named(probe, "handoff", second.conversationId()).isEmpty());
    String position = SseClients.named(probe, "handoff", first.conversationId()).get(0).id();

    List<String> resumed = open(TestTenants.AGENT_TOKEN, position);

    await().atMost(Duration.ofSeconds(10)).until(() -> !SseClients.named(resumed, "handoff", second.conversationId()).isEmpty());
    assertTrue(SseClients.named(resumed, "handoff", first.conversationId()).isEmpty(), "nothing before the position");
    assertTrue(SseClients.named(resumed, "reset", "").isEmpty(), "a kept position resumes without a reset");
  }

  @Test
  void actionsArePublishedForTheAuthenticatedAgentsTenant() {
    String conversation = "conv-" + UUID.randomUUID();
    String key = "k-" + UUID.randomUUID();
    given().header("Authorization", "Bearer " + TestTenants.AGENT_TOKEN).header("Idempotency-Key", key)
        .post("/v1/agent/conversations/" + conversation + "/claim")
        .then().statusCode(202).body("actionId", equalTo("alice:" + key));
    given().header("Authorization", "Bearer " + TestTenants.AGENT_TOKEN).contentType("application/json")
        .body("{\"text\":\"Hi, Alice here\"}")
        .post("/v1/agent/conversations/" + conversation + "/reply").then().statusCode(202);
    given().header("Authorization", "Bearer " + TestTenants.AGENT_TOKEN).contentType("application/json")
        .body("{\"text\":\"  \"}")
        .post("/v1/agent/conversations/" + conversation + "/reply").then().statusCode(400)
        .body("detail", equalTo("text: is required"));
    given().post("/v1/agent/conversations/" + conversation + "/resolve").then().statusCode(401);

    List<AgentAction> actions = TestTopics.read(Topics.AGENT_ACTIONS,
        a -> a.conversationId().equals(conversation), Duration.ofSeconds(3));
    assertEquals(2, actions.size());
    assertEquals(AgentAction.Type.CLAIM, actions.get(0).type());
    assertEquals("acme", actions.get(0).tenantId());
    assertEquals("alice", actions.get(0).agentId());
    assertEquals("Hi, Alice here", actions.get(1).text());
  }
}
