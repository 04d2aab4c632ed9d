package dev.baton.gateway;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.baton.schemas.AgentAction;
import dev.baton.schemas.AgentActionResult;
import dev.baton.schemas.Channel;
import dev.baton.schemas.ConversationKey;
import dev.baton.schemas.DeadLetter;
import dev.baton.schemas.DecisionAudit;
import dev.baton.schemas.HandoffReason;
import dev.baton.schemas.HandoffRecord;
import dev.baton.schemas.Owner;
import dev.baton.schemas.SchemaVersions;
import dev.baton.schemas.topic.Topics;
import dev.baton.support.kafka.KafkaPublisher;
import dev.baton.testsupport.TestTenants;
import dev.baton.testsupport.TestTopics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An agent action is answered with what the handoff service did with it. The handoff service is
 * played by {@link ActionAnswerer}, which answers on {@code agent-action-results} in the real
 * wire format.
 */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class ActionResultsTest {
  private static final String ALICE = "Bearer " + TestTenants.AGENT_TOKEN;
  private static final String SAM = "Bearer " + GatewayTestResource.SUPERVISOR_TOKEN;
  private static ActionAnswerer answerer;

  @Inject
  KafkaPublisher publisher;

  @BeforeAll
  static void startTheHandoffServiceDouble() {
    answerer = new ActionAnswerer();
  }

  @AfterAll
  static void stop() throws InterruptedException {
    answerer.close();
  }

  private static String conversation() {
    return ActionAnswerer.PREFIX + UUID.randomUUID();
  }

  private static String claim(String conversation) {
    return "/v1/agent/conversations/" + conversation + "/claim";
  }

  /** The results consumer reads from the latest offset: wait until it has its partitions. */
  private static void awaitResultsFlowing() {
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
        given().header("Authorization", ALICE).post(claim(conversation())).then().statusCode(200));
  }

  @Test
  void anAppliedClaimIs200WithTheOwner() {
    awaitResultsFlowing();
    String conv = conversation();
    String key = "k-" + UUID.randomUUID();
    given().header("Authorization", ALICE).header("Idempotency-Key", key).post(claim(conv))
        .then().statusCode(200).contentType("application/json")
        .body("actionId", equalTo("alice:" + key))
        .body("type", equalTo("CLAIM"))
        .body("conversationId", equalTo(conv))
        .body("outcome", equalTo("APPLIED"))
        .body("owner", equalTo("AGENT"))
        .body("ownerAgentId", equalTo("alice"));
    // A retried click: the same action again is a duplicate, still a success.
    given().header("Authorization", ALICE).header("Idempotency-Key", key).post(claim(conv))
        .then().statusCode(200).body("outcome", equalTo("DUPLICATE")).body("ownerAgentId", equalTo("alice"));
  }

  @Test
  void aClaimLostToAnotherAgentIs409NamingTheOwner() {
    awaitResultsFlowing();
    String conv = conversation();
    given().header("Authorization", ALICE).post(claim(conv)).then().statusCode(200);

    given().header("Authorization", SAM).post(claim(conv))
        .then().statusCode(409).contentType("application/problem+json")
        .body("title", equalTo("Owned by another agent"))
        .body("detail", containsString("alice owns this conversation"))
        .body("ownerAgentId", equalTo("alice"))
        .body("owner", equalTo("AGENT"));
    given().header("Authorization", SAM).contentType("application/json").body("{\"text\":\"mine now\"}")
        .post("/v1/agent/conversations/" + conv + "/reply")
        .then().statusCode(403).body("title", equalTo("Not your conversation")).body("ownerAgentId", equalTo("alice"));
  }

  @Test
  void anActionInTheWrongStateIs409() {
    awaitResultsFlowing();
    given().header("Authorization", ALICE).contentType("application/json").body("{\"text\":\"too early\"}")
        .post("/v1/agent/conversations/" + conversation() + "/reply")
        .then().statusCode(409).contentType("application/problem+json")
        .body("detail", equalTo("cannot reply: the conversation is QUEUED"))
        .body("ownerAgentId", nullValue());
  }

  @Test
  void anUnknownConversationIs404() {
    awaitResultsFlowing();
    String conv = ActionAnswerer.MISSING + UUID.randomUUID();
    given().header("Authorization", ALICE).post(claim(conv))
        .then().statusCode(404).contentType("application/problem+json")
        .body("detail", containsString("no conversation " + conv));
  }

  @Test
  void noResultWithinTheTimeoutIs202Pending() {
    String conv = "unanswered-" + UUID.randomUUID();
    long started = System.nanoTime();
    given().header("Authorization", ALICE).post(claim(conv))
        .then().statusCode(202).body("outcome", equalTo("PENDING")).body("conversationId", equalTo(conv));
    long waitedMs = Duration.ofNanos(System.nanoTime() - started).toMillis();
    org.hamcrest.MatcherAssert.assertThat(waitedMs,
        greaterThanOrEqualTo(GatewayTestResource.ACTION_RESULT_TIMEOUT.toMillis()));
  }

  /** A conversation waiting in acme's queue, as the handoff service would hand it over. */
  private static String waitingConversation() {
    String conv = "conv-" + UUID.randomUUID();
    TestTopics.publish(Topics.HANDOFFS, new HandoffRecord(SchemaVersions.CURRENT, HandoffRecord.idFor("acme", conv, 1), 1,
        "acme", conv, Channel.WEBCHAT, null, HandoffReason.EXPLICIT_REQUEST, 3, "reception", List.of(), List.of(),
        "Wants: a person.", new DecisionAudit("explicit-request", "1", "\"a person\"", "phrases", "ev-1"), false,
        Instant.now(), 0));
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> view(conv).statusCode(200));
    return conv;
  }

  private static io.restassured.response.ValidatableResponse view(String conv) {
    return given().header("Authorization", ALICE).get("/v1/agent/conversations/" + conv).then();
  }

  /** alice's claim of {@code conv}, applied by the handoff service. */
  private static AgentActionResult claimedByAlice(String conv) {
    return new AgentActionResult(SchemaVersions.CURRENT, "alice:" + UUID.randomUUID(), "acme", conv, "alice",
        AgentAction.Type.CLAIM, AgentActionResult.Outcome.APPLIED, null, Owner.AGENT, "alice", Instant.now());
  }

  @Test
  void anUnreadableResultIsDeadLetteredAndTheNextResultIsStillApplied() {
    String conv = waitingConversation();
    String key = ConversationKey.of("acme", conv);
    TestTopics.publishRaw(Topics.AGENT_ACTION_RESULTS, key, "{not json".getBytes(StandardCharsets.UTF_8));
    TestTopics.publish(Topics.AGENT_ACTION_RESULTS, claimedByAlice(conv));

    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        view(conv).body("conversation.status", equalTo("assigned")).body("conversation.owner", equalTo("alice")));
    List<DeadLetter> letters = TestTopics.read(Topics.deadLetterOf(Topics.AGENT_ACTION_RESULTS),
        l -> key.equals(l.key()), Duration.ofSeconds(5));
    assertEquals(1, letters.size(), letters.toString());
    assertEquals("agent-gateway", letters.get(0).failedBy());
    assertEquals("{not json", letters.get(0).payload());
  }

  @Test
  void aResultWhoseDeadLetterCannotBeWrittenIsKeptAsReadAndTheNextResultIsStillApplied() {
    String conv = waitingConversation();
    String key = ConversationKey.of("acme", conv);
    GatewayHardeningTest.refuseDeadLettersOf(publisher, key);
    byte[] poison = "{not a result either".getBytes(StandardCharsets.UTF_8);
    TestTopics.publishRaw(Topics.AGENT_ACTION_RESULTS, key, poison);
    TestTopics.publish(Topics.AGENT_ACTION_RESULTS, claimedByAlice(conv));

    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        view(conv).body("conversation.status", equalTo("assigned")).body("conversation.owner", equalTo("alice")));
    // Kept once, by the shared group (the per-instance results channel ignores what it cannot read).
    GatewayHardeningTest.keptAsRead(Topics.AGENT_ACTION_RESULTS, key, poison);
    given().get("/q/health/live").then().statusCode(200);
  }
}
