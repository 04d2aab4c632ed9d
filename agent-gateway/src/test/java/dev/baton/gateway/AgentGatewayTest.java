package dev.baton.gateway;

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
  void streamRefusesMissingOrWrongTokens() {
    given().get("/v1/agent/stream").then().statusCode(401).header("WWW-Authenticate", "Bearer realm=\"baton-agents\"");
    given().header("Authorization", "Bearer nope").get("/v1/agent/stream").then().statusCode(401)
        .contentType("application/problem+json");
  }

  @Test
  void agentsReceiveTheirOwnTenantsHandoffsWithAnSseId() {
    List<String> alice = open(TestTenants.AGENT_TOKEN, null);
    List<String> gina = open(TestTenants.OTHER_AGENT_TOKEN, null);
    HandoffRecord forAcme = handoff("acme");
    HandoffRecord forGlobex = handoff("globex");

    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
      // Published repeatedly until the subscription is up; redeliveries are sent once.
      TestTopics.publish(Topics.HANDOFFS, forAcme);
      TestTopics.publish(Topics.HANDOFFS, forGlobex);
      return alice.contains("id:" + forAcme.handoffId()) && gina.contains("id:" + forGlobex.handoffId());
    });

    assertTrue(alice.contains("event:handoff"), alice.toString());
    String data = alice.get(alice.indexOf("id:" + forAcme.handoffId()) + 2);
    assertTrue(data.startsWith("data:"), alice.toString());
    assertEquals(forAcme, Json.read(data.substring(5), HandoffRecord.class));
    assertEquals(1, alice.stream().filter(l -> l.equals("id:" + forAcme.handoffId())).count(), "sent once");
    assertFalse(alice.stream().anyMatch(l -> l.contains(forGlobex.handoffId())), "tenants are kept apart");
    assertFalse(gina.stream().anyMatch(l -> l.contains(forAcme.handoffId())), "tenants are kept apart");
  }

  @Test
  void reconnectingAgentGetsWhatItMissedAfterLastEventId() {
    HandoffRecord first = handoff("acme");
    HandoffRecord second = handoff("acme");
    TestTopics.publish(Topics.HANDOFFS, first);
    TestTopics.publish(Topics.HANDOFFS, second);
    List<String> probe = open(TestTenants.AGENT_TOKEN, null);
    await().atMost(Duration.ofSeconds(20)).until(() -> probe.contains("id:" + second.handoffId()));

    List<String> resumed = open(TestTenants.AGENT_TOKEN, first.handoffId());

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertTrue(resumed.contains("id:" + second.handoffId()), first.handoffId() + " / " + second.handoffId() + " " + resumed));
    assertFalse(resumed.contains("id:" + first.handoffId()));
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
