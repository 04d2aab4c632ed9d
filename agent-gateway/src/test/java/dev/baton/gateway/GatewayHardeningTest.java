package dev.baton.gateway;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.schemas.AgentAction;
import dev.baton.schemas.Channel;
import dev.baton.schemas.ConversationKey;
import dev.baton.schemas.ConversationTurn;
import dev.baton.schemas.DeadLetter;
import dev.baton.schemas.DecisionAudit;
import dev.baton.schemas.HandoffReason;
import dev.baton.schemas.HandoffRecord;
import dev.baton.schemas.SchemaVersions;
import dev.baton.schemas.Speaker;
import dev.baton.schemas.Turn;
import dev.baton.schemas.serde.Json;
import dev.baton.schemas.topic.Topic;
import dev.baton.schemas.topic.Topics;
import dev.baton.support.kafka.KafkaPublisher;
import dev.baton.support.messaging.DeadLetterer;
import dev.baton.testsupport.TestRedis;
import dev.baton.testsupport.TestTenants;
import dev.baton.testsupport.TestTopics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class GatewayHardeningTest {
  private static final String ALICE = "Bearer " + TestTenants.AGENT_TOKEN;
  private static final String GINA = "Bearer " + TestTenants.OTHER_AGENT_TOKEN;
  private static final String SAM = "Bearer " + GatewayTestResource.SUPERVISOR_TOKEN;

  @TestHTTPResource("/v1/agent/stream")
  URI stream;

  @Inject
  KafkaPublisher publisher;

  private final SseClients clients = new SseClients();

  @AfterEach
  void closeStreams() {
    clients.closeAll();
  }

  private static String conversation() {
    return "conv-" + UUID.randomUUID();
  }

  private static ConversationTurn turn(String tenant, String conversation, long seq, String text) {
    return new ConversationTurn(SchemaVersions.CURRENT, tenant, conversation, 1, seq,
        Turn.of("ev-" + seq, seq % 2 == 0 ? Speaker.CUSTOMER : Speaker.BOT, text, Instant.parse("2026-11-23T09:15:00Z")));
  }

  private static HandoffRecord handoff(String tenant, String conversation) {
    return new HandoffRecord(SchemaVersions.CURRENT, HandoffRecord.idFor(tenant, conversation, 1), 1, tenant, conversation,
        Channel.WEBCHAT, null, HandoffReason.EXPLICIT_REQUEST, 3, "reception", List.of(), List.of(), "Wants: a person.",
        new DecisionAudit("explicit-request", "1", "\"speak to someone\"", "phrases", "ev-1"), false, Instant.now(), 3);
  }

  private static ValidatableResponse transcript(String auth, String conversation, String query) {
    return given().header("Authorization", auth).get("/v1/agent/conversations/" + conversation + "/transcript" + query).then();
  }

  // ---- item 2: the whole conversation, paged, per tenant ------------------------------------

  @Test
  void theWholeTranscriptIsPagedBySeqForTheAgentsOwnTenantOnly() {
    String conv = conversation();
    for (int seq = 0; seq < 5; seq++) {
      TestTopics.publish(Topics.CONVERSATION_TURNS, turn("acme", conv, seq, "acme turn " + seq));
    }
    // A redelivery of seq 2 (even with other bytes) is not a sixth turn.
    TestTopics.publish(Topics.CONVERSATION_TURNS, turn("acme", conv, 2, "acme turn 2, again"));
    TestTopics.publish(Topics.CONVERSATION_TURNS, turn("globex", conv, 0, "globex only"));

    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        transcript(ALICE, conv, "?limit=2").statusCode(200).body("total", equalTo(5)));
    transcript(ALICE, conv, "?limit=2").statusCode(200).contentType("application/json")
        .body("turns.seq", equalTo(List.of(0, 1)))
        .body("turns[0].turn.text", equalTo("acme turn 0"))
        .body("turns[0].tenantId", equalTo("acme"))
        .body("next", equalTo(2));
    transcript(ALICE, conv, "?from=2&limit=2").statusCode(200)
        .body("turns.seq", equalTo(List.of(2, 3))).body("turns[0].turn.text", equalTo("acme turn 2")).body("next", equalTo(4));
    transcript(ALICE, conv, "?from=4").statusCode(200).body("turns.seq", equalTo(List.of(4))).body("next", nullValue());
    String all = transcript(ALICE, conv, "").statusCode(200).extract().asString();
    assertTrue(all.contains("\"next\":null"), all);
    assertFalse(all.contains("globex only"), "another tenant's conversation with the same id stays apart");

    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        transcript(GINA, conv, "").statusCode(200).body("total", equalTo(1)).body("turns[0].turn.text", equalTo("globex only")));
  }

  @Test
  void anUnknownConversationIs404AndBadParametersAre400NamingThem() {
    transcript(ALICE, conversation(), "").statusCode(404).contentType("application/problem+json")
        .body("errors[0].field", equalTo("conversationId"));
    transcript(ALICE, "conv-1", "?from=-1").statusCode(400).body("errors[0].field", equalTo("from"));
    transcript(ALICE, "conv-1", "?from=abc").statusCode(400).body("errors[0].field", equalTo("from"));
    transcript(ALICE, "conv-1", "?limit=0").statusCode(400).body("errors[0].field", equalTo("limit"));
    transcript(ALICE, "conv-1", "?limit=501").statusCode(400).body("errors[0].field", equalTo("limit"));
    transcript(ALICE, "bad%20id", "").statusCode(400).body("errors[0].field", equalTo("conversationId"));
    transcript("Bearer nope", "conv-1", "?limit=zzz").statusCode(401).contentType("application/problem+json");
  }

  // ---- item 11: one failure policy, forward-compatible enums -------------------------------

  @Test
  void anUnreadableHandoffGoesToTheDeadLetterTopicAndTheNextIsStillShown() {
    String conv = conversation();
    String key = ConversationKey.of("acme", conv);
    try (TopicTail<DeadLetter> dlq = new TopicTail<>(Topics.deadLetterOf(Topics.HANDOFFS));
        RedisClient redis = RedisClient.create(TestRedis.host(), TestRedis.port())) {
      TestTopics.publishRaw(Topics.HANDOFFS, key, "{not a handoff".getBytes(StandardCharsets.UTF_8));
      HandoffRecord next = handoff("acme", conv);
      TestTopics.publish(Topics.HANDOFFS, next);

      DeadLetter letter = dlq.until(d -> key.equals(d.key()), Duration.ofSeconds(20));
      assertEquals(Topics.HANDOFFS.name(), letter.sourceTopic());
      assertEquals("agent-gateway", letter.failedBy());
      assertTrue(letter.reason().contains("HandoffRecord"), letter.reason());
      assertEquals("{not a handoff", letter.payload());
      await().atMost(Duration.ofSeconds(20)).until(() -> redis.exists("baton:acme:handoff:" + next.handoffId()));
    }
  }

  @Test
  void anUnreadableTurnGoesToTheDeadLetterTopicAndTheNextIsStillKept() {
    String conv = conversation();
    String key = ConversationKey.of("acme", conv);
    try (TopicTail<DeadLetter> dlq = new TopicTail<>(Topics.deadLetterOf(Topics.CONVERSATION_TURNS))) {
      TestTopics.publishRaw(Topics.CONVERSATION_TURNS, key,
          "{\"schemaVersion\":1,\"tenantId\":\"acme\",\"conversationId\":\"x\",\"seq\":\"first\"}".getBytes(StandardCharsets.UTF_8));
      TestTopics.publish(Topics.CONVERSATION_TURNS, turn("acme", conv, 0, "after the poison"));

      DeadLetter letter = dlq.until(d -> key.equals(d.key()), Duration.ofSeconds(20));
      assertEquals(Topics.CONVERSATION_TURNS.name(), letter.sourceTopic());
      assertTrue(letter.reason().contains("ConversationTurn"), letter.reason());
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
          transcript(ALICE, conv, "").statusCode(200).body("turns[0].turn.text", equalTo("after the poison")));
    }
  }

  /**
   * From now until the end of the test, the dead-letter write fails for records keyed {@code key}
   * (as when the broker refuses it), so the exception escapes the feed; others are written.
   */
  static void refuseDeadLettersOf(KafkaPublisher publisher, String key) {
    QuarkusMock.installMockForType(new DeadLetterer(publisher, "agent-gateway") {
      @Override
      public void send(Topic<String, ?> source, ConsumerRecord<String, byte[]> record, String reason) {
        if (key.equals(record.key())) {
          throw new IllegalStateException("cannot dead-letter " + record.topic() + ": refused");
        }
        super.send(source, record, reason);
      }
    }, DeadLetterer.class);
  }

  /** The record on {@code <topic>-dlq} as it was read (the channel's own net), with the reason in its header. */
  static void keptAsRead(Topic<String, ?> topic, String key, byte[] value) {
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      List<ConsumerRecord<String, byte[]>> kept =
          TestTopics.readRaw(Topics.deadLetterOf(topic), r -> key.equals(r.key()), Duration.ofMillis(800));
      assertEquals(1, kept.size());
      org.junit.jupiter.api.Assertions.assertArrayEquals(value, kept.get(0).value());
      assertEquals("cannot dead-letter " + topic.name() + ": refused", TestTopics.header(kept.get(0), "dead-letter-reason"));
    });
  }

  @Test
  void aHandoffWhoseDeadLetterCannotBeWrittenIsKeptAsReadAndTheNextIsStillShown() {
    String conv = conversation();
    String key = ConversationKey.of("acme", conv);
    refuseDeadLettersOf(publisher, key);
    byte[] poison = "{not a handoff either".getBytes(StandardCharsets.UTF_8);
    try (RedisClient redis = RedisClient.create(TestRedis.host(), TestRedis.port())) {
      TestTopics.publishRaw(Topics.HANDOFFS, key, poison);
      HandoffRecord next = handoff("acme", conv);
      TestTopics.publish(Topics.HANDOFFS, next);

      await().atMost(Duration.ofSeconds(30)).until(() -> redis.exists("baton:acme:handoff:" + next.handoffId()));
    }
    keptAsRead(Topics.HANDOFFS, key, poison);
    given().get("/q/health/live").then().statusCode(200);
  }

  @Test
  void aTurnWhoseDeadLetterCannotBeWrittenIsKeptAsReadAndTheNextIsStillKept() {
    String conv = conversation();
    String key = ConversationKey.of("acme", conv);
    refuseDeadLettersOf(publisher, key);
    // Readable, but not a turn that can be stored (a seq Redis scores cannot hold exactly).
    byte[] poison = Json.write(turn("acme", conv, 0, "x")).replace("\"seq\":0", "\"seq\":9007199254740993")
        .getBytes(StandardCharsets.UTF_8);
    TestTopics.publishRaw(Topics.CONVERSATION_TURNS, key, poison);
    TestTopics.publish(Topics.CONVERSATION_TURNS, turn("acme", conv, 0, "after the refused dead letter"));

    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        transcript(ALICE, conv, "").statusCode(200).body("turns[0].turn.text", equalTo("after the refused dead letter")));
    keptAsRead(Topics.CONVERSATION_TURNS, key, poison);
    given().get("/q/health/live").then().statusCode(200);
  }

  @Test
  void aHandoffWithAReasonAndChannelFromANewerProducerIsStillShownAsWritten() {
    String conv = conversation();
    HandoffRecord h = handoff("acme", conv);
    String json = Json.write(h).replace("\"EXPLICIT_REQUEST\"", "\"SOMETHING_NEW\"").replace("\"WEBCHAT\"", "\"HOLOGRAM\"");
    List<String> lines = open(ALICE);

    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(300)).until(() -> {
      TestTopics.publishRaw(Topics.HANDOFFS, h.conversationKey(), json.getBytes(StandardCharsets.UTF_8));
      return !SseClients.named(lines, "handoff", conv).isEmpty();
    });
    String data = SseClients.named(lines, "handoff", conv).get(0).data();
    assertTrue(data.contains("\"reason\":\"SOMETHING_NEW\""), data);
    assertTrue(data.contains("\"channel\":\"HOLOGRAM\""), data);
  }

  // ---- item 12: bounded streams -------------------------------------------------------------

  @Test
  void anAgentHasAtMostTheConfiguredNumberOfStreams() throws Exception {
    String carl = "Bearer " + GatewayTestResource.CAPPED_AGENT_TOKEN;
    List<HttpResponse<Stream<String>>> open = new ArrayList<>();
    for (int i = 0; i < GatewayTestResource.MAX_STREAMS; i++) {
      HttpResponse<Stream<String>> r = HttpClient.newHttpClient()
          .send(HttpRequest.newBuilder(stream).header("Authorization", carl).build(), HttpResponse.BodyHandlers.ofLines());
      assertEquals(200, r.statusCode());
      open.add(r);
    }

    given().header("Authorization", carl).get("/v1/agent/stream").then().statusCode(429)
        .contentType("application/problem+json").body("title", equalTo("Too many streams"));
    HttpResponse<Stream<String>> other = HttpClient.newHttpClient()
        .send(HttpRequest.newBuilder(stream).header("Authorization", SAM).build(), HttpResponse.BodyHandlers.ofLines());
    assertEquals(200, other.statusCode(), "the cap is per agent");
    other.body().close();

    open.remove(0).body().close();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      HttpResponse<Stream<String>> r = HttpClient.newHttpClient()
          .send(HttpRequest.newBuilder(stream).header("Authorization", carl).build(), HttpResponse.BodyHandlers.ofLines());
      if (r.statusCode() == 200) {
        open.add(r);
      }
      assertEquals(200, r.statusCode(), "a closed stream frees its slot");
    });
    open.forEach(r -> r.body().close());
  }

  @Test
  void theDesktopIsStillServedAndUnknownRoutesGetAProblemBody() {
    given().get("/").then().statusCode(200).contentType(org.hamcrest.Matchers.containsString("text/html"));
    given().get("/desktop.js").then().statusCode(200);
    given().header("Authorization", ALICE).get("/v1/agent/conversations/conv-1/claim").then().statusCode(405)
        .contentType("application/problem+json");
  }

  // ---- item 13: agent action bodies -------------------------------------------------------

  @Test
  void replyBodiesMustBeJsonWithAStringTextAndTheTokenIsCheckedFirst() {
    String conv = conversation();
    String path = "/v1/agent/conversations/" + conv + "/reply";
    try (TopicTail<AgentAction> actions = new TopicTail<>(Topics.AGENT_ACTIONS)) {
      given().header("Authorization", ALICE).contentType("application/json").body("{\"text\":123}").post(path)
          .then().statusCode(400).contentType("application/problem+json").body("errors[0].field", equalTo("text"))
          .body("detail", equalTo("text: must be a string"));
      given().header("Authorization", ALICE).contentType("text/plain").body("Hi there").post(path)
          .then().statusCode(415).contentType("application/problem+json").body("errors[0].field", equalTo("Content-Type"));
      given().contentType("application/json").body("{\"text\":123}").post(path)
          .then().statusCode(401).contentType("application/problem+json");
      given().header("Authorization", "Bearer nope").contentType("text/plain").body("x").post(path).then().statusCode(401);
      given().header("Authorization", ALICE).contentType("application/json").body("{\"text\":\"hi\",\"to\":\"all\"}").post(path)
          .then().statusCode(400).body("errors[0].field", equalTo("to"));
      given().header("Authorization", ALICE).contentType("application/json").body("{\"text\":\"a\",\"text\":\"b\"}").post(path)
          .then().statusCode(400).body("errors[0].field", equalTo("body"));

      String marker = conversation();
      given().header("Authorization", ALICE).contentType("application/json").body("{\"text\":\"ok\"}")
          .post("/v1/agent/conversations/" + marker + "/reply").then().statusCode(202);
      actions.until(a -> a.conversationId().equals(marker), Duration.ofSeconds(10));
      assertFalse(actions.drain().stream().anyMatch(a -> a.conversationId().equals(conv)), "nothing refused was published");
    }
  }

  @Test
  void aReusedIdempotencyKeyIsRefusedForAnotherActionButARetryIsAccepted() {
    String conv = conversation();
    String key = "click-" + UUID.randomUUID();
    String reply = "/v1/agent/conversations/" + conv + "/reply";
    given().header("Authorization", ALICE).header("Idempotency-Key", key).contentType("application/json")
        .body("{\"text\":\"Hello\"}").post(reply).then().statusCode(202).body("actionId", equalTo("alice:" + key));
    given().header("Authorization", ALICE).header("Idempotency-Key", key).contentType("application/json")
        .body("{\"text\":\"Hello\"}").post(reply).then().statusCode(202).body("actionId", equalTo("alice:" + key));

    given().header("Authorization", ALICE).header("Idempotency-Key", key).contentType("application/json")
        .body("{\"text\":\"Goodbye\"}").post(reply).then().statusCode(409).contentType("application/problem+json")
        .body("errors[0].field", equalTo("Idempotency-Key"));
    given().header("Authorization", ALICE).header("Idempotency-Key", key)
        .post("/v1/agent/conversations/" + conv + "/resolve").then().statusCode(409);
    given().header("Authorization", ALICE).header("Idempotency-Key", key).contentType("application/json")
        .body("{\"text\":\"Hello\"}").post("/v1/agent/conversations/" + conversation() + "/reply").then().statusCode(409);
    // Keys are per agent: another agent's same key is theirs.
    given().header("Authorization", SAM).header("Idempotency-Key", key)
        .post("/v1/agent/conversations/" + conv + "/resolve").then().statusCode(202);
  }

  // ---- item 14: audit log -----------------------------------------------------------------

  @Test
  void actionsAndTranscriptReadsAreAuditedAndOnlySupervisorsReadTheLog() {
    String conv = conversation();
    TestTopics.publish(Topics.CONVERSATION_TURNS, turn("acme", conv, 0, "my card number is secret"));
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> transcript(ALICE, conv, "").statusCode(200));
    given().header("Authorization", ALICE).post("/v1/agent/conversations/" + conv + "/claim").then().statusCode(202);
    given().header("Authorization", ALICE).contentType("application/json").body("{\"text\":\"private words\"}")
        .post("/v1/agent/conversations/" + conv + "/reply").then().statusCode(202);
    given().header("Authorization", ALICE).contentType("application/json").body("{\"text\":7}")
        .post("/v1/agent/conversations/" + conv + "/reply").then().statusCode(400);

    given().header("Authorization", ALICE).get("/v1/agent/audit").then().statusCode(403)
        .contentType("application/problem+json");
    given().header("Authorization", "Bearer nope").get("/v1/agent/audit").then().statusCode(401);
    given().header("Authorization", SAM).get("/v1/agent/audit?limit=0").then().statusCode(400)
        .body("errors[0].field", equalTo("limit"));

    String body = given().header("Authorization", SAM).get("/v1/agent/audit?conversationId=" + conv).then().statusCode(200)
        // Newest first; the wait for the turn above may have read the transcript more than once.
        .body("entries.action[0..3]", equalTo(List.of("REPLY", "REPLY", "CLAIM", "TRANSCRIPT_READ")))
        .body("entries.outcome[0..3]", equalTo(List.of("refused 400", "pending", "pending", "read 1 turns from 0")))
        .body("entries.action.findAll { it != 'TRANSCRIPT_READ' }", equalTo(List.of("REPLY", "REPLY", "CLAIM")))
        .body("entries[0].agentId", equalTo("alice"))
        .body("entries[0].conversationId", equalTo(conv))
        .extract().asString();
    assertFalse(body.contains("private words") || body.contains("secret") || body.contains(TestTenants.AGENT_TOKEN), body);
    // Another tenant's supervisor-less agent sees nothing, and the log is per tenant.
    given().header("Authorization", GINA).get("/v1/agent/audit?conversationId=" + conv).then().statusCode(403);
    given().header("Authorization", SAM).get("/v1/agent/audit?limit=1").then().statusCode(200)
        .body("entries[0].action", equalTo("AUDIT_READ"));
  }

  private List<String> open(String auth) {
    return clients.open(stream, auth, null);
  }


}
