package dev.baton.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.gateway.service.EventLog;
import dev.baton.schemas.serde.Json;
import dev.baton.support.webchat.WebChatStream;
import dev.baton.testsupport.TestRedis;
import dev.baton.testsupport.TestTenants;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;

/** {@code POST /v1/agent/conversations/{id}/typing}: the owner's typing notice in a web chat visitor's stream. */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class TypingNoticeTest {
  private static final String ALICE = "Bearer " + TestTenants.AGENT_TOKEN;
  private static final String SAM = "Bearer " + GatewayTestResource.SUPERVISOR_TOKEN;
  private static final String GINA = "Bearer " + TestTenants.OTHER_AGENT_TOKEN;
  private static final RedisClient REDIS = RedisClient.create(TestRedis.host(), TestRedis.port());

  @Inject
  EventLog log;

  @AfterAll
  static void close() {
    REDIS.close();
  }

  /** A conversation alice claimed. */
  private String ownedByAlice(String conversation) {
    var patch = EventLog.patch();
    patch.put("status", "assigned");
    patch.put("owner", "alice");
    patch.put("skill", "general");
    patch.put("channel", "WEBCHAT");
    log.apply(EventLog.Change.of(TestTenants.TENANT, conversation, patch));
    return conversation;
  }

  private static List<WebChatStream.Entry> stream(String conversation) {
    return WebChatStream.after(REDIS, WebChatStream.key(TestTenants.TENANT, conversation), new StreamEntryID(0, 0), 100);
  }

  @Test
  void theOwnersTypingReachesTheVisitorOnceEveryFewSeconds() throws Exception {
    String conv = ownedByAlice("webchat:" + UUID.randomUUID().toString().replace("-", ""));
    String path = "/v1/agent/conversations/" + conv + "/typing";

    given().header("Authorization", ALICE).post(path).then().statusCode(200).body("told", equalTo(true));
    // Typing on: coalesced into the notice the visitor already has.
    given().header("Authorization", ALICE).post(path).then().statusCode(200).body("told", equalTo(false));

    List<WebChatStream.Entry> entries = stream(conv);
    assertEquals(1, entries.size(), entries.toString());
    assertEquals(WebChatStream.TYPING, entries.get(0).type());
    assertEquals("Alice", Json.MAPPER.readTree(entries.get(0).data()).get("agent").asText());
    assertTrue(REDIS.ttl(WebChatStream.key(TestTenants.TENANT, conv)) > 0, "the stream expires");
  }

  @Test
  void anAgentTypingForLongKeepsTheConversationsMessagesInItsHistory() {
    String tenant = "typing-" + UUID.randomUUID();
    String conv = "webchat:" + UUID.randomUUID().toString().replace("-", "");
    Instant at = Instant.parse("2026-11-23T10:00:00Z");
    for (int i = 0; i < 3; i++) {
      WebChatStream.appendOnce(REDIS, tenant, conv, "m-" + i, WebChatStream.MESSAGE,
          WebChatStream.messageData("m-" + i, "customer", null, "message " + i, at, null));
    }
    // Far more notices than the stream keeps entries: each one replaces the one before.
    StreamEntryID last = null;
    for (int i = 0; i < 2 * WebChatStream.MAX_ENTRIES; i++) {
      last = WebChatStream.appendTyping(REDIS, tenant, conv, WebChatStream.typingData("Alice", at));
    }
    List<WebChatStream.Entry> entries =
        WebChatStream.after(REDIS, WebChatStream.key(tenant, conv), new StreamEntryID(0, 0), 1000);
    assertEquals(List.of(WebChatStream.MESSAGE, WebChatStream.MESSAGE, WebChatStream.MESSAGE, WebChatStream.TYPING),
        entries.stream().map(WebChatStream.Entry::type).toList());
    assertEquals(last, entries.get(3).id(), "the latest notice is the one kept");
  }

  @Test
  void onlyTheOwnerOfTheTenantsConversationMaySayTheyAreTyping() {
    String conv = ownedByAlice("webchat:" + UUID.randomUUID().toString().replace("-", ""));
    String path = "/v1/agent/conversations/" + conv + "/typing";
    given().post(path).then().statusCode(401);
    given().header("Authorization", SAM).post(path).then().statusCode(403)
        .body("title", equalTo("Not your conversation"));
    given().header("Authorization", GINA).post(path).then().statusCode(404);
    given().header("Authorization", ALICE).post("/v1/agent/conversations/no%20such/typing").then().statusCode(400);
    assertTrue(stream(conv).isEmpty());

    // Not a widget conversation (another channel, or the tenant's own chat): nothing to tell.
    String other = ownedByAlice("wa:+15550100" + UUID.randomUUID().toString().substring(0, 4));
    given().header("Authorization", ALICE).post("/v1/agent/conversations/" + other + "/typing").then()
        .statusCode(200).body("told", equalTo(false));
    assertTrue(stream(other).isEmpty());
  }
}
