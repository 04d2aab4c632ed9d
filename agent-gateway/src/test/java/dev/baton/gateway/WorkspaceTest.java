package dev.baton.gateway;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.schemas.Channel;
import dev.baton.schemas.ConversationTurn;
import dev.baton.schemas.Customer;
import dev.baton.schemas.DecisionAudit;
import dev.baton.schemas.HandoffReason;
import dev.baton.schemas.HandoffRecord;
import dev.baton.schemas.IntentFeedback;
import dev.baton.schemas.SchemaVersions;
import dev.baton.schemas.Speaker;
import dev.baton.schemas.Turn;
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
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The agents' workspace on a real broker and Redis: typed events from handoff to resolution and
 * who sees which, the conversation lists, a replay of every missed event across a dropped
 * connection, resets, presence, the supervisor view and intent corrections. The handoff
 * service's answers come from {@link ActionAnswerer} (conversations prefixed {@code answered-}).
 */
@QuarkusTest
@QuarkusTestResource(value = GatewayTestResource.class, restrictToAnnotatedClass = true)
class WorkspaceTest {
  private static final String ALICE = "Bearer " + TestTenants.AGENT_TOKEN;
  private static final String SAM = "Bearer " + GatewayTestResource.SUPERVISOR_TOKEN;
  private static final String BEA = "Bearer " + GatewayTestResource.BILLING_AGENT_TOKEN;
  private static final String DAN = "Bearer " + GatewayTestResource.RECEPTION_AGENT_TOKEN;
  private static final String GINA = "Bearer " + TestTenants.OTHER_AGENT_TOKEN;
  private static ActionAnswerer answerer;

  @TestHTTPResource("/v1/agent/stream")
  URI stream;

  private final SseClients clients = new SseClients();

  @BeforeAll
  static void answer() {
    answerer = new ActionAnswerer();
  }

  @AfterAll
  static void stopAnswering() throws InterruptedException {
    answerer.close();
  }

  @AfterEach
  void closeStreams() {
    clients.closeAll();
  }

  private List<String> open(String authorization, String lastEventId) {
    List<String> lines = clients.open(stream, authorization, lastEventId);
    if (lastEventId == null) {
      await().atMost(Duration.ofSeconds(10)).until(() -> !SseClients.named(lines, "reset", "").isEmpty());
    }
    return lines;
  }

  private static String conversation() {
    return ActionAnswerer.PREFIX + "w-" + UUID.randomUUID();
  }

  private static HandoffRecord handoff(String conversation, String skill, int priority, Instant createdAt, String text) {
    return handoff("acme", conversation, skill, priority, createdAt, text);
  }

  private static HandoffRecord handoff(String tenant, String conversation, String skill, int priority, Instant createdAt,
      String text) {
    List<Turn> transcript = List.of(new Turn("ev-0", Speaker.CUSTOMER, text, createdAt, "billing_dispute", 0.9,
        "NEGATIVE", -0.8, null, null));
    return new HandoffRecord(SchemaVersions.CURRENT, HandoffRecord.idFor(tenant, conversation, 1), 1, tenant,
        conversation, Channel.WHATSAPP, new Customer("cust-" + conversation, "Maria Lopez", "+447700900123", null),
        HandoffReason.NEGATIVE_SENTIMENT, priority, skill, transcript, List.of(), "Wants: billing dispute",
        new DecisionAudit("negative-sentiment", "1", "-0.80", "-0.60", "ev-0"), false, createdAt, 0);
  }

  private static ConversationTurn turn(String conversation, long seq, Speaker speaker, String text) {
    return new ConversationTurn(SchemaVersions.CURRENT, "acme", conversation, 1, seq,
        new Turn("ev-" + seq, speaker, text, Instant.now(), speaker == Speaker.CUSTOMER ? "order_status" : null,
            speaker == Speaker.CUSTOMER ? 0.55 : null, null, null, null, null));
  }

  @Test
  void aConversationIsFollowedLiveFromHandoffToResolutionByWhoMaySeeIt() throws Exception {
    List<String> dan = open(DAN, null);
    List<String> bea = open(BEA, null);
    List<String> sam = open(SAM, null);
    List<String> gina = open(GINA, null);
    String conv = conversation();
    TestTopics.publish(Topics.HANDOFFS, handoff(conv, "reception", 2, Instant.now(), "I was charged twice"));
    TestTopics.publish(Topics.CONVERSATION_TURNS, turn(conv, 0, Speaker.CUSTOMER, "I was charged twice"));

    await().atMost(Duration.ofSeconds(15)).until(() -> !SseClients.named(dan, "handoff", conv).isEmpty()
        && !SseClients.named(sam, "handoff", conv).isEmpty());

    given().header("Authorization", DAN).post("/v1/agent/conversations/" + conv + "/claim").then().statusCode(200)
        .body("outcome", equalTo("APPLIED")).body("ownerAgentId", equalTo("dan"));
    await().atMost(Duration.ofSeconds(10)).until(() -> !SseClients.named(sam, "claimed", conv).isEmpty());
    JsonNode claimed = Json.MAPPER.readTree(SseClients.named(sam, "claimed", conv).get(0).data());
    assertEquals("dan", claimed.get("by").asText());
    assertEquals("assigned", claimed.at("/conversation/status").asText());

    TestTopics.publish(Topics.CONVERSATION_TURNS, turn(conv, 1, Speaker.CUSTOMER, "are you still there?"));
    await().atMost(Duration.ofSeconds(10)).until(() -> !SseClients.named(dan, "message", "are you still there?").isEmpty());
    JsonNode message = Json.MAPPER.readTree(SseClients.named(dan, "message", "are you still there?").get(0).data());
    assertEquals(1, message.at("/turn/seq").asInt());
    assertEquals("CUSTOMER", message.at("/turn/turn/speaker").asText());
    assertEquals("dan", message.at("/conversation/owner").asText());

    given().header("Authorization", DAN).contentType("application/json").body("{\"code\":\"callback-needed\"}")
        .post("/v1/agent/conversations/" + conv + "/resolve").then().statusCode(200);
    await().atMost(Duration.ofSeconds(10)).until(() -> !SseClients.named(sam, "resolved", conv).isEmpty());
    JsonNode resolved = Json.MAPPER.readTree(SseClients.named(sam, "resolved", conv).get(0).data());
    assertEquals("callback-needed", resolved.get("code").asText());
    assertEquals("resolved", resolved.at("/conversation/status").asText());

    await().atMost(Duration.ofSeconds(5)).until(() -> !SseClients.named(dan, "resolved", conv).isEmpty());
    // bea works billing only: none of this reception conversation reached her; gina is another tenant.
    assertTrue(SseClients.events(bea).stream().noneMatch(e -> e.data().contains(conv)), "other queue");
    assertTrue(SseClients.events(gina).stream().noneMatch(e -> e.data().contains(conv)), "other tenant");
    // Presence is the supervisor's: sam sees dan step away, dan sees no presence at all.
    given().header("Authorization", DAN).contentType("application/json").body("{\"status\":\"away\"}")
        .put("/v1/agent/presence").then().statusCode(200);
    await().atMost(Duration.ofSeconds(5)).until(() -> SseClients.named(sam, "presence", "\"dan\"").stream()
        .anyMatch(e -> e.data().contains("\"away\"")));
    given().header("Authorization", DAN).contentType("application/json").body("{\"status\":\"online\"}")
        .put("/v1/agent/presence").then().statusCode(200);
    assertTrue(SseClients.events(dan).stream().noneMatch(e -> e.name().equals("presence")));
  }

  @Test
  void theCustomersPreviousConversationsIncludeThoseTheBotHandledAloneNewestFirst() {
    String phone = "+4477009" + (10000 + new java.util.Random().nextInt(89999));
    Customer customer = new Customer(phone, "Maria Lopez", phone, null);
    String botOnly = "wa:" + phone + "-" + UUID.randomUUID();
    String otherTenants = "wa:" + phone + "-" + UUID.randomUUID();
    Instant yesterday = Instant.now().minus(Duration.ofDays(1));
    TestTopics.publish(Topics.CONVERSATION_TURNS, new ConversationTurn(SchemaVersions.CURRENT, "acme", botOnly, 1, 0,
        new Turn("ev-a", Speaker.CUSTOMER, "when are you open?", yesterday, "opening_hours", 0.9, null, null, null, null),
        customer));
    TestTopics.publish(Topics.CONVERSATION_TURNS, new ConversationTurn(SchemaVersions.CURRENT, "acme", botOnly, 1, 1,
        new Turn("ev-a:reply", Speaker.BOT, "We're open 9 to 5.", yesterday.plusSeconds(1), null, null, null, null, null,
            "faq:hours")));
    TestTopics.publish(Topics.CONVERSATION_TURNS, new ConversationTurn(SchemaVersions.CURRENT, "globex", otherTenants, 1,
        0, new Turn("ev-b", Speaker.CUSTOMER, "hello", yesterday, null, null, null, null, null, null), customer));
    String conv = conversation();
    HandoffRecord h = handoff(conv, "reception", 2, Instant.now(), "I was charged twice");
    TestTopics.publish(Topics.HANDOFFS, new HandoffRecord(h.schemaVersion(), h.handoffId(), h.episode(), h.tenantId(),
        h.conversationId(), h.channel(), customer, h.reason(), h.priority(), h.skill(), h.transcript(), h.collectedData(),
        h.summary(), h.audit(), h.followUp(), h.createdAt(), h.omittedTurns()));

    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> given().header("Authorization", SAM)
        .get("/v1/agent/conversations/" + conv).then().statusCode(200)
        .body("previous.conversationId", equalTo(List.of(botOnly)))
        .body("previous[0].status", equalTo("bot"))
        .body("previous[0].turns", equalTo(2))
        .body("previous[0].lastMessage.text", equalTo("We're open 9 to 5.")));
  }

  @Test
  void messagesOfAConversationAnotherAgentOwnsReachOnlyItsOwnerAndSupervisors() {
    String conv = conversation();
    TestTopics.publish(Topics.HANDOFFS, handoff(conv, "reception", 3, Instant.now(), "help"));
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().header("Authorization", ALICE)
        .get("/v1/agent/conversations/" + conv).then().statusCode(200));
    given().header("Authorization", ALICE).post("/v1/agent/conversations/" + conv + "/claim").then().statusCode(200);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().header("Authorization", ALICE)
        .get("/v1/agent/conversations/" + conv).then().body("conversation.owner", equalTo("alice")));
    List<String> dan = open(DAN, null);
    List<String> sam = open(SAM, null);
    TestTopics.publish(Topics.CONVERSATION_TURNS, turn(conv, 1, Speaker.CUSTOMER, "private to alice"));
    await().atMost(Duration.ofSeconds(10)).until(() -> !SseClients.named(sam, "message", "private to alice").isEmpty());
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
        .until(() -> SseClients.named(dan, "message", "private to alice").isEmpty());
    // dan cannot act on it: 403 naming the owner, never a silent acceptance.
    given().header("Authorization", DAN).contentType("application/json").body("{\"text\":\"hi\"}")
        .post("/v1/agent/conversations/" + conv + "/reply").then().statusCode(403)
        .contentType("application/problem+json").body("ownerAgentId", equalTo("alice"));
    given().header("Authorization", DAN).post("/v1/agent/conversations/" + conv + "/claim").then().statusCode(409)
        .body("ownerAgentId", equalTo("alice"));
  }

  @Test
  void aDroppedConnectionResumesWithEveryMissedEventOnceAndInOrder() throws Exception {
    String conv = conversation();
    TestTopics.publish(Topics.HANDOFFS, handoff(conv, "reception", 3, Instant.now(), "start"));
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().header("Authorization", SAM)
        .get("/v1/agent/conversations/" + conv).then().statusCode(200));
    int total = 600;
    List<String> first = open(SAM, null);
    for (int seq = 1; seq <= total; seq++) {
      TestTopics.publish(Topics.CONVERSATION_TURNS, turn(conv, seq, Speaker.CUSTOMER, "burst " + seq + " of " + conv));
    }
    // Drop the connection mid-burst.
    await().atMost(Duration.ofSeconds(30)).until(() -> SseClients.named(first, "message", conv).size() >= 50);
    clients.closeAll();
    List<SseClients.Event> before = SseClients.named(first, "message", conv);
    String position = before.get(before.size() - 1).id();

    List<String> second = open(SAM, position);
    await().atMost(Duration.ofSeconds(60)).until(() ->
        before.size() + SseClients.named(second, "message", conv).size() >= total);
    List<Long> seqs = new ArrayList<>();
    for (SseClients.Event e : before) {
      seqs.add(Json.MAPPER.readTree(e.data()).at("/turn/seq").asLong());
    }
    for (SseClients.Event e : SseClients.named(second, "message", conv)) {
      seqs.add(Json.MAPPER.readTree(e.data()).at("/turn/seq").asLong());
    }
    List<Long> expected = new ArrayList<>();
    for (long s = 1; s <= total; s++) {
      expected.add(s);
    }
    assertEquals(expected, seqs, "every event exactly once, in order (" + before.size() + " before the drop)");
    assertTrue(SseClients.named(second, "reset", "").isEmpty(), "a kept position needs no reset");
  }

  @Test
  void aPositionTheLogDoesNotHoldGetsAResetWithASnapshotOfTheQueue() throws Exception {
    String conv = conversation();
    TestTopics.publish(Topics.HANDOFFS, handoff(conv, "reception", 1, Instant.now(), "waiting"));
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().header("Authorization", DAN)
        .get("/v1/agent/conversations/" + conv).then().statusCode(200));
    for (String position : List.of("99999999999999-0", "demo-dental/demo-1:1")) {
      List<String> lines = clients.open(stream, DAN, position);
      await().atMost(Duration.ofSeconds(10)).until(() -> !SseClients.named(lines, "reset", "").isEmpty());
      JsonNode reset = Json.MAPPER.readTree(SseClients.named(lines, "reset", "").get(0).data());
      assertEquals("unknown position", reset.get("reason").asText());
      List<String> ids = new ArrayList<>();
      reset.get("conversations").forEach(v -> ids.add(v.get("conversationId").asText()));
      assertTrue(ids.contains(conv), "the snapshot holds the waiting conversation: " + ids);
      assertTrue(SseClients.named(lines, "reset", "").get(0).id().matches("\\d+-\\d+"));
      clients.closeAll();
    }
  }

  @Test
  void theQueueIsOrderedByPriorityThenWaitingTimeAndFilteredBySkill() {
    Instant now = Instant.now();
    String urgentLate = conversation();
    String urgentEarly = conversation();
    String routine = conversation();
    String billing = conversation();
    TestTopics.publish(Topics.HANDOFFS, handoff(routine, "reception", 4, now.minusSeconds(600), "r"));
    TestTopics.publish(Topics.HANDOFFS, handoff(urgentLate, "reception", 1, now.minusSeconds(10), "ul"));
    TestTopics.publish(Topics.HANDOFFS, handoff(urgentEarly, "reception", 1, now.minusSeconds(300), "ue"));
    TestTopics.publish(Topics.HANDOFFS, handoff(billing, "billing", 1, now.minusSeconds(900), "b"));
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
      List<String> queue = given().header("Authorization", DAN).get("/v1/agent/conversations?view=unassigned")
          .then().statusCode(200).extract().jsonPath().getList("conversations.conversationId");
      List<String> mine = queue.stream().filter(List.of(urgentLate, urgentEarly, routine)::contains).toList();
      assertEquals(List.of(urgentEarly, urgentLate, routine), mine);
      assertTrue(!queue.contains(billing), "dan does not work billing");
    });
    given().header("Authorization", BEA).get("/v1/agent/conversations?view=unassigned").then().statusCode(200)
        .body("conversations.conversationId", hasItem(billing))
        .body("conversations.conversationId", not(hasItem(routine)));
    given().header("Authorization", DAN).get("/v1/agent/conversations?view=everything").then().statusCode(400)
        .body("errors[0].field", equalTo("view"));
    given().header("Authorization", DAN).get("/v1/agent/conversations/" + billing).then().statusCode(403);
    given().header("Authorization", GINA).get("/v1/agent/conversations/" + billing).then().statusCode(404);
    given().header("Authorization", DAN).get("/v1/agent/conversations?view=unassigned&q=Maria").then().statusCode(200)
        .body("conversations.conversationId", hasItem(urgentEarly));
  }

  @Test
  void actionBodiesAreCheckedAgainstTheTenantsAgentsSkillsAndCodes() {
    String conv = conversation();
    String path = "/v1/agent/conversations/" + conv;
    given().header("Authorization", DAN).contentType("application/json").body("{\"code\":\"fixed-it\"}")
        .post(path + "/resolve").then().statusCode(400).body("errors[0].field", equalTo("code"));
    given().header("Authorization", DAN).contentType("application/json").body("{\"toAgent\":\"zed\"}")
        .post(path + "/transfer").then().statusCode(400).body("errors[0].field", equalTo("toAgent"));
    given().header("Authorization", DAN).contentType("application/json").body("{\"toSkill\":\"astrology\"}")
        .post(path + "/transfer").then().statusCode(400).body("errors[0].field", equalTo("toSkill"));
    given().header("Authorization", DAN).contentType("application/json").body("{\"toSkill\":\"billing\",\"toAgent\":\"bea\"}")
        .post(path + "/transfer").then().statusCode(400);
    given().header("Authorization", DAN).contentType("application/json").body("{}")
        .post(path + "/note").then().statusCode(400).body("errors[0].field", equalTo("text"));
    given().header("Authorization", GINA).contentType("application/json").body("{\"toAgent\":\"dan\"}")
        .post(path + "/transfer").then().statusCode(400).body("errors[0].field", equalTo("toAgent"));
  }

  @Test
  void aTransferToAnotherAgentMovesTheConversationAndTellsBoth() throws Exception {
    String conv = conversation();
    TestTopics.publish(Topics.HANDOFFS, handoff(conv, "billing", 2, Instant.now(), "refund please"));
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().header("Authorization", BEA)
        .get("/v1/agent/conversations/" + conv).then().statusCode(200));
    List<String> dan = open(DAN, null);
    given().header("Authorization", BEA).post("/v1/agent/conversations/" + conv + "/claim").then().statusCode(200);
    given().header("Authorization", BEA).contentType("application/json").body("{\"toAgent\":\"dan\"}")
        .post("/v1/agent/conversations/" + conv + "/transfer").then().statusCode(200);
    await().atMost(Duration.ofSeconds(10)).until(() -> !SseClients.named(dan, "reassigned", conv).isEmpty());
    JsonNode event = Json.MAPPER.readTree(SseClients.named(dan, "reassigned", conv).get(0).data());
    assertEquals("dan", event.get("to").asText());
    assertEquals("bea", event.get("previousOwner").asText());
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> given().header("Authorization", DAN)
        .get("/v1/agent/conversations?view=mine").then().body("conversations.conversationId", hasItem(conv)));
  }

  @Test
  void presenceAndTheSupervisorViewShowWhoIsOnlineWithWhatLoad() {
    given().header("Authorization", BEA).contentType("application/json").body("{\"status\":\"away\"}")
        .put("/v1/agent/presence").then().statusCode(200).body("status", equalTo("away"));
    given().header("Authorization", BEA).contentType("application/json").body("{\"status\":\"sleeping\"}")
        .put("/v1/agent/presence").then().statusCode(400).body("errors[0].field", equalTo("status"));
    given().header("Authorization", BEA).get("/v1/agent/me").then().statusCode(200)
        .body("presence", equalTo("away")).body("skills", equalTo(List.of("billing"))).body("capacity", equalTo(2))
        .body("resolutionCodes", equalTo(List.of("solved", "callback-needed", "not-solved")))
        .body("cannedReplies[0].title", equalTo("Greeting"));
    given().header("Authorization", BEA).get("/v1/agent/supervisor").then().statusCode(403);
    given().header("Authorization", SAM).get("/v1/agent/supervisor").then().statusCode(200)
        .body("agents.find { it.agentId == 'bea' }.presence", equalTo("away"))
        .body("agents.find { it.agentId == 'bea' }.capacity", equalTo(2));
    given().header("Authorization", BEA).contentType("application/json").body("{\"status\":\"online\"}")
        .put("/v1/agent/presence").then().statusCode(200);
  }

  @Test
  void anIntentCorrectionOfACustomerTurnIsPublishedForRetraining() {
    String conv = conversation();
    TestTopics.publish(Topics.HANDOFFS, handoff(conv, "reception", 3, Instant.now(), "x"));
    TestTopics.publish(Topics.CONVERSATION_TURNS, turn(conv, 0, Speaker.CUSTOMER, "the vase arrived smashed"));
    TestTopics.publish(Topics.CONVERSATION_TURNS, turn(conv, 1, Speaker.BOT, "Sorry about that"));
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().header("Authorization", DAN)
        .get("/v1/agent/conversations/" + conv + "/transcript").then().statusCode(200).body("total", equalTo(2)));
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().header("Authorization", DAN)
        .get("/v1/agent/conversations/" + conv).then().statusCode(200));
    try (TopicTail<IntentFeedback> feedback = new TopicTail<>(Topics.INTENT_FEEDBACK)) {
      given().header("Authorization", DAN).contentType("application/json")
          .body("{\"seq\":0,\"intent\":\"damaged_item\"}").post("/v1/agent/conversations/" + conv + "/intent")
          .then().statusCode(202).body("predictedIntent", equalTo("order_status"));
      IntentFeedback f = feedback.until(x -> x.conversationId().equals(conv), Duration.ofSeconds(10));
      assertEquals("damaged_item", f.correctedIntent());
      assertEquals("the vase arrived smashed", f.text());
      assertEquals("dan", f.agentId());
    }
    given().header("Authorization", DAN).contentType("application/json").body("{\"seq\":1,\"intent\":\"x\"}")
        .post("/v1/agent/conversations/" + conv + "/intent").then().statusCode(400).body("errors[0].field", equalTo("seq"));
    given().header("Authorization", DAN).contentType("application/json").body("{\"seq\":0,\"intent\":\"Bad Label\"}")
        .post("/v1/agent/conversations/" + conv + "/intent").then().statusCode(400)
        .body("errors[0].field", equalTo("intent"));
    given().header("Authorization", GINA).contentType("application/json").body("{\"seq\":0,\"intent\":\"x\"}")
        .post("/v1/agent/conversations/" + conv + "/intent").then().statusCode(404);
  }

  private static final String OLGA = "Bearer " + GatewayTestResource.OLGA_TOKEN;
  private static final String OMAR = "Bearer " + GatewayTestResource.OMAR_TOKEN;

  @Test
  void inOfferModeOneAgentIsOfferedTheConversationAndAnOfferNotTakenMovesOn() throws Exception {
    List<String> olga = open(OLGA, null);
    List<String> omar = open(OMAR, null);
    String conv = conversation();
    TestTopics.publish(Topics.HANDOFFS, handoff("initech", conv, "general", 2, Instant.now(), "help me"));

    await().atMost(Duration.ofSeconds(15)).until(() -> !SseClients.named(olga, "offered", conv).isEmpty()
        || !SseClients.named(omar, "offered", conv).isEmpty());
    boolean olgaFirst = !SseClients.named(olga, "offered", conv).isEmpty();
    List<String> first = olgaFirst ? olga : omar;
    List<String> second = olgaFirst ? omar : olga;
    String secondAgent = olgaFirst ? "omar" : "olga";
    JsonNode offer = Json.MAPPER.readTree(SseClients.named(first, "offered", conv).get(0).data());
    assertEquals("offered", offer.at("/conversation/status").asText());
    assertTrue(SseClients.named(second, "offered", conv).isEmpty(), "an offer goes to one agent at a time");

    // Not taken within the tenant's 3 s: it moves on to the other agent.
    await().atMost(Duration.ofSeconds(15)).until(() -> !SseClients.named(second, "offered", conv).isEmpty());
    assertTrue(SseClients.named(first, "reassigned", conv).stream().anyMatch(d -> d.data().contains("not accepted")),
        first.toString());
    String token = olgaFirst ? OMAR : OLGA;
    given().header("Authorization", token).post("/v1/agent/conversations/" + conv + "/claim").then().statusCode(200)
        .body("ownerAgentId", equalTo(secondAgent));
    await().atMost(Duration.ofSeconds(10)).until(() -> !SseClients.named(first, "claimed", conv).isEmpty());
  }

  @Test
  void aConversationWhoseAgentDoesNotReplyGoesBackToTheQueue() throws Exception {
    List<String> olga = open(OLGA, null);
    open(OMAR, null);
    String conv = conversation();
    try (TopicTail<dev.baton.schemas.AgentAction> actions = new TopicTail<>(Topics.AGENT_ACTIONS)) {
      TestTopics.publish(Topics.HANDOFFS, handoff("initech", conv, "general", 2, Instant.now(), "hello?"));
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().header("Authorization", OMAR)
          .get("/v1/agent/conversations/" + conv).then().statusCode(200));
      given().header("Authorization", OMAR).post("/v1/agent/conversations/" + conv + "/claim").then().statusCode(200);
      // omar says nothing for the tenant's 4 s.
      dev.baton.schemas.AgentAction release = actions.until(a -> a.conversationId().equals(conv)
          && a.type() == dev.baton.schemas.AgentAction.Type.RELEASE, Duration.ofSeconds(20));
      assertEquals(dev.baton.schemas.AgentAction.SYSTEM_AGENT, release.agentId());
      assertEquals("omar did not reply within 4 s", release.text());
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> !SseClients.named(olga, "reassigned", conv).isEmpty());
    JsonNode event = Json.MAPPER.readTree(SseClients.named(olga, "reassigned", conv).get(0).data());
    assertEquals("omar", event.get("previousOwner").asText());
    assertEquals("returned to the queue", event.get("why").asText());
  }

  @Test
  void waitingCustomersPlacesInTheQueueGoToTheEngine() {
    Instant now = Instant.now();
    String earlier = conversation();
    String later = conversation();
    try (TopicTail<dev.baton.schemas.AgentAction> actions = new TopicTail<>(Topics.AGENT_ACTIONS)) {
      TestTopics.publish(Topics.HANDOFFS, handoff(earlier, "reception", 1, now.minusSeconds(120), "first"));
      TestTopics.publish(Topics.HANDOFFS, handoff(later, "reception", 1, now.minusSeconds(60), "second"));
      dev.baton.schemas.AgentAction first = actions.until(a -> a.conversationId().equals(earlier)
          && a.type() == dev.baton.schemas.AgentAction.Type.QUEUE_STATUS, Duration.ofSeconds(20));
      dev.baton.schemas.AgentAction second = actions.until(a -> a.conversationId().equals(later)
          && a.type() == dev.baton.schemas.AgentAction.Type.QUEUE_STATUS, Duration.ofSeconds(20));
      assertEquals(dev.baton.schemas.AgentAction.SYSTEM_AGENT, first.agentId());
      assertTrue(first.queueStatus().position() < second.queueStatus().position(),
          first.queueStatus() + " / " + second.queueStatus());
    }
  }

  @Test
  void anotherTenantsAgentGuessingIdsSeesAndChangesNothing() throws Exception {
    String conv = "guess-" + UUID.randomUUID();
    TestTopics.publish(Topics.HANDOFFS, handoff(conv, "reception", 2, Instant.now(), "my account number is 123"));
    TestTopics.publish(Topics.CONVERSATION_TURNS, turn(conv, 0, Speaker.CUSTOMER, "my account number is 123"));
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().header("Authorization", DAN)
        .get("/v1/agent/conversations/" + conv + "/transcript").then().statusCode(200));
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().header("Authorization", DAN)
        .get("/v1/agent/conversations/" + conv).then().statusCode(200));
    List<String> dan = open(DAN, null);
    List<String> gina = open(GINA, null);
    String path = "/v1/agent/conversations/" + conv;
    given().header("Authorization", GINA).get(path).then().statusCode(404).body(not(org.hamcrest.Matchers
        .containsString("123")));
    given().header("Authorization", GINA).get(path + "/transcript").then().statusCode(404);
    given().header("Authorization", GINA).contentType("application/json").body("{\"seq\":0,\"intent\":\"x\"}")
        .post(path + "/intent").then().statusCode(404);
    given().header("Authorization", GINA).get("/v1/agent/conversations?view=all&q=" + conv).then().statusCode(200)
        .body("conversations", org.hamcrest.Matchers.empty());
    try (TopicTail<dev.baton.schemas.AgentAction> actions = new TopicTail<>(Topics.AGENT_ACTIONS)) {
      for (String action : List.of("claim", "resolve", "hand-back")) {
        given().header("Authorization", GINA).post(path + "/" + action).then().statusCode(202);
      }
      actions.until(x -> x.conversationId().equals(conv) && x.agentId().equals("gina")
          && x.type() == dev.baton.schemas.AgentAction.Type.HAND_BACK, Duration.ofSeconds(10));
      // (acme's own queue statuses for its waiting conversation are on the topic too.)
      List<dev.baton.schemas.AgentAction> ginas = actions.drain().stream().filter(x -> x.agentId().equals("gina")).toList();
      assertTrue(ginas.stream().allMatch(x -> x.tenantId().equals("globex")),
          "an action is always for the agent's own tenant's conversation: " + ginas);
    }
    // acme's conversation is as it was, and neither side heard of the other.
    given().header("Authorization", DAN).get(path).then().statusCode(200).body("conversation.status", equalTo("queued"));
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() ->
        SseClients.events(dan).stream().noneMatch(e -> !e.name().equals("reset") && e.data().contains(conv)));
    assertTrue(SseClients.events(gina).stream().noneMatch(e -> e.data().contains(conv)));
  }
}
