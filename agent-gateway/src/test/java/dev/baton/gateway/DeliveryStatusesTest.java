package dev.baton.gateway;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.schemas.Channel;
import dev.baton.schemas.ConversationKey;
import dev.baton.schemas.ConversationTurn;
import dev.baton.schemas.Customer;
import dev.baton.schemas.DeadLetter;
import dev.baton.schemas.DecisionAudit;
import dev.baton.schemas.DeliveryStatus;
import dev.baton.schemas.DeliveryStatus.Status;
import dev.baton.schemas.HandoffReason;
import dev.baton.schemas.HandoffRecord;
import dev.baton.schemas.SchemaVersions;
import dev.baton.schemas.Speaker;
import dev.baton.schemas.Turn;
import dev.baton.schemas.serde.Json;
import dev.baton.schemas.topic.Topics;
import dev.baton.support.kafka.KafkaPublisher;
import dev.baton.testsupport.TestRedis;
import dev.baton.testsupport.TestTenants;
import dev.baton.testsupport.TestTopics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * Delivery statuses on a real broker and Redis: published on {@code delivery-statuses} as the
 * intake does, they move a message's status forward only, reach the transcript and the stream of
 * whoever sees the conversation's messages (never another tenant's agents), wait for a turn that
 * comes after them, and an unreadable one is dead-lettered without holding up the next.
 */
@QuarkusTest
@QuarkusTestResource(value = GatewayTestResource.class, restrictToAnnotatedClass = true)
class DeliveryStatusesTest {
  private static final String ALICE = "Bearer " + TestTenants.AGENT_TOKEN;
  private static final String DAN = "Bearer " + GatewayTestResource.RECEPTION_AGENT_TOKEN;
  private static final String GINA = "Bearer " + TestTenants.OTHER_AGENT_TOKEN;
  private static ActionAnswerer answerer;

  @Inject
  KafkaPublisher publisher;

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

  @Test
  void aLateDeliveredNeverOverridesReadAndOnlyTheOwnerOfTheTenantHearsOfIt() throws Exception {
    String conv = claimedByDan();
    List<String> dan = open(DAN, null);
    List<String> alice = open(ALICE, null);
    List<String> gina = open(GINA, null);
    String reply = "dan:k-" + UUID.randomUUID() + ":reply";
    TestTopics.publish(Topics.CONVERSATION_TURNS, turn(conv, 1, reply, Speaker.AGENT, "Let me check"));
    await().atMost(Duration.ofSeconds(10)).until(() -> !SseClients.named(dan, "message", reply).isEmpty());

    TestTopics.publish(Topics.DELIVERY_STATUSES, status(conv, reply, Status.READ));
    TestTopics.publish(Topics.DELIVERY_STATUSES, status(conv, reply, Status.DELIVERED));
    TestTopics.publish(Topics.DELIVERY_STATUSES, status(conv, reply, Status.READ));
    // Same key, same partition: once a status published after them is applied, so are they.
    String later = "dan:k-" + UUID.randomUUID() + ":reply";
    TestTopics.publish(Topics.CONVERSATION_TURNS, turn(conv, 2, later, Speaker.AGENT, "Found it"));
    TestTopics.publish(Topics.DELIVERY_STATUSES, status(conv, later, Status.SENT));
    await().atMost(Duration.ofSeconds(15)).until(() -> !SseClients.named(dan, "delivery", later).isEmpty());

    JsonNode turns = transcript(DAN, conv).get("turns");
    assertEquals("READ", turns.get(1).at("/delivery/status").asText(), turns.toString());
    assertEquals("SENT", turns.get(2).at("/delivery/status").asText(), turns.toString());
    assertTrue(turns.get(0).path("delivery").isMissingNode(), "a customer turn has no delivery status");

    List<SseClients.Event> events = SseClients.named(dan, "delivery", reply);
    assertEquals(1, events.size(), "one event per step forward: " + events);
    JsonNode read = Json.MAPPER.readTree(events.get(0).data());
    assertEquals(conv, read.get("conversationId").asText());
    assertEquals(reply, read.get("messageId").asText());
    assertEquals("READ", read.at("/delivery/status").asText());
    assertTrue(read.at("/delivery/errors").isArray() && read.at("/delivery/errors").isEmpty(), read.toString());
    assertEquals("dan", read.at("/conversation/owner").asText());

    // alice works every queue but does not own it (as with its messages); gina is another tenant.
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() ->
        SseClients.named(alice, "delivery", conv).isEmpty()
            && SseClients.events(gina).stream().noneMatch(e -> e.data().contains(conv)));
    given().header("Authorization", GINA).get("/v1/agent/conversations/" + conv + "/transcript").then().statusCode(404);

    // The event is in the log: a client resuming before it gets it again.
    String before = SseClients.named(dan, "message", reply).get(0).id();
    List<String> resumed = clients.open(stream, DAN, before);
    await().atMost(Duration.ofSeconds(10)).until(() -> !SseClients.named(resumed, "delivery", later).isEmpty());
    List<SseClients.Event> replayed = SseClients.named(resumed, "delivery", reply);
    assertEquals(1, replayed.size(), replayed.toString());
    assertEquals(events.get(0).id(), replayed.get(0).id());
  }

  @Test
  void aStatusThatArrivesBeforeItsTurnIsShownWithTheTurn() throws Exception {
    String conv = waiting();
    List<String> dan = open(DAN, null);
    String bot = conv + ":queue-notice-1";
    try (RedisClient redis = RedisClient.create(TestRedis.host(), TestRedis.port())) {
      TestTopics.publish(Topics.DELIVERY_STATUSES, status(conv, bot, Status.DELIVERED));
      await().atMost(Duration.ofSeconds(10)).until(() -> redis.hexists("baton:acme:delivery:" + conv, bot));
    }
    TestTopics.publish(Topics.CONVERSATION_TURNS, turn(conv, 1, bot, Speaker.BOT, "You are number 2 in the queue"));

    await().atMost(Duration.ofSeconds(10)).until(() -> !SseClients.named(dan, "message", bot).isEmpty());
    JsonNode message = Json.MAPPER.readTree(SseClients.named(dan, "message", bot).get(0).data());
    assertEquals("DELIVERED", message.at("/delivery/status").asText(), message.toString());
    assertEquals(bot, message.at("/turn/turn/eventId").asText());
    assertEquals("DELIVERED", transcript(DAN, conv).at("/turns/1/delivery/status").asText());
    // While it waits, its queue's agents see its statuses, as they see its messages.
    TestTopics.publish(Topics.DELIVERY_STATUSES, status(conv, bot, Status.READ));
    await().atMost(Duration.ofSeconds(10)).until(() -> !SseClients.named(dan, "delivery", bot).isEmpty());
    assertEquals("READ", transcript(DAN, conv).at("/turns/1/delivery/status").asText());
  }

  @Test
  void aFailureIsShownWithItsErrorsAndIsFinal() throws Exception {
    String conv = claimedByDan();
    List<String> dan = open(DAN, null);
    String reply = "dan:k-" + UUID.randomUUID() + ":reply";
    TestTopics.publish(Topics.CONVERSATION_TURNS, turn(conv, 1, reply, Speaker.AGENT, "Your refund is on its way"));
    TestTopics.publish(Topics.DELIVERY_STATUSES, status(conv, reply, Status.SENT));
    TestTopics.publish(Topics.DELIVERY_STATUSES, new DeliveryStatus(SchemaVersions.CURRENT, "acme", conv, reply,
        Channel.WHATSAPP, Status.FAILED, Instant.parse("2026-11-23T09:15:04Z"), "whatsapp", "wamid.X",
        List.of("131026 Message undeliverable")));
    TestTopics.publish(Topics.DELIVERY_STATUSES, status(conv, reply, Status.DELIVERED));
    String sentinel = "sentinel-" + UUID.randomUUID();
    TestTopics.publish(Topics.DELIVERY_STATUSES, status(conv, sentinel, Status.SENT));

    await().atMost(Duration.ofSeconds(15)).until(() -> !SseClients.named(dan, "delivery", sentinel).isEmpty());
    // The statuses are all applied (the sentinel came after them on their partition); the turn
    // comes on its own topic and may be stored after them.
    await().atMost(Duration.ofSeconds(15)).until(() -> transcript(DAN, conv).at("/turns/1").isObject());
    JsonNode delivery = transcript(DAN, conv).at("/turns/1/delivery");
    assertEquals("FAILED", delivery.get("status").asText(), delivery.toString());
    assertEquals("2026-11-23T09:15:04Z", delivery.get("at").asText());
    assertEquals("[\"131026 Message undeliverable\"]", delivery.get("errors").toString());
    List<String> steps = SseClients.named(dan, "delivery", reply).stream()
        .map(e -> read(e.data()).at("/delivery/status").asText()).toList();
    assertEquals(List.of("SENT", "FAILED"), steps);
    JsonNode failed = read(SseClients.named(dan, "delivery", reply).get(1).data());
    assertEquals("131026 Message undeliverable", failed.at("/delivery/errors/0").asText());
  }

  @Test
  void anUnreadableStatusGoesToTheDeadLetterTopicAndTheNextIsApplied() {
    String conv = claimedByDan();
    String key = ConversationKey.of("acme", conv);
    String reply = "dan:k-" + UUID.randomUUID() + ":reply";
    TestTopics.publish(Topics.CONVERSATION_TURNS, turn(conv, 1, reply, Speaker.AGENT, "Hello"));
    try (TopicTail<DeadLetter> dlq = new TopicTail<>(Topics.deadLetterOf(Topics.DELIVERY_STATUSES))) {
      TestTopics.publishRaw(Topics.DELIVERY_STATUSES, key, "{not a status".getBytes(StandardCharsets.UTF_8));
      String unknown = Json.write(status(conv, reply, Status.READ)).replace("\"READ\"", "\"PLAYED\"");
      TestTopics.publishRaw(Topics.DELIVERY_STATUSES, key, unknown.getBytes(StandardCharsets.UTF_8));
      TestTopics.publish(Topics.DELIVERY_STATUSES, status(conv, reply, Status.DELIVERED));

      DeadLetter letter = dlq.until(d -> key.equals(d.key()) && d.payload().equals("{not a status"),
          Duration.ofSeconds(20));
      assertEquals(Topics.DELIVERY_STATUSES.name(), letter.sourceTopic());
      assertEquals("agent-gateway", letter.failedBy());
      assertTrue(letter.reason().contains("DeliveryStatus"), letter.reason());
      DeadLetter played = dlq.until(d -> key.equals(d.key()) && d.payload().contains("PLAYED"), Duration.ofSeconds(20));
      assertTrue(played.reason().contains("status PLAYED is not one this gateway knows"), played.reason());
      await().atMost(Duration.ofSeconds(20)).until(() ->
          "DELIVERED".equals(transcript(DAN, conv).at("/turns/1/delivery/status").asText()));
    }
  }

  @Test
  void aStatusWhoseDeadLetterCannotBeWrittenIsKeptAsReadAndTheNextIsApplied() {
    // Waiting, not claimed: dan's capacity is the other tests'.
    String conv = waiting();
    String key = ConversationKey.of("acme", conv);
    String reply = "dan:k-" + UUID.randomUUID() + ":reply";
    TestTopics.publish(Topics.CONVERSATION_TURNS, turn(conv, 1, reply, Speaker.AGENT, "Hello"));
    GatewayHardeningTest.refuseDeadLettersOf(publisher, key);
    byte[] poison = "{not a status either".getBytes(StandardCharsets.UTF_8);
    TestTopics.publishRaw(Topics.DELIVERY_STATUSES, key, poison);
    TestTopics.publish(Topics.DELIVERY_STATUSES, status(conv, reply, Status.DELIVERED));

    await().atMost(Duration.ofSeconds(20)).until(() ->
        "DELIVERED".equals(transcript(DAN, conv).at("/turns/1/delivery/status").asText()));
    GatewayHardeningTest.keptAsRead(Topics.DELIVERY_STATUSES, key, poison);
  }

  // -------------------------------------------------------------------------------------------

  private List<String> open(String authorization, String lastEventId) {
    List<String> lines = clients.open(stream, authorization, lastEventId);
    await().atMost(Duration.ofSeconds(10)).until(() -> !SseClients.named(lines, "reset", "").isEmpty());
    return lines;
  }

  /** A reception conversation waiting in the queue, with the customer's first turn (seq 0). */
  private static String waiting() {
    String conv = ActionAnswerer.PREFIX + "d-" + UUID.randomUUID();
    Instant now = Instant.now();
    List<Turn> transcript = List.of(Turn.of("ev-0", Speaker.CUSTOMER, "where is my parcel", now));
    TestTopics.publish(Topics.HANDOFFS, new HandoffRecord(SchemaVersions.CURRENT, HandoffRecord.idFor("acme", conv, 1), 1,
        "acme", conv, Channel.WHATSAPP, new Customer("cust-" + conv, "Maria Lopez", "+447700900123", null),
        HandoffReason.EXPLICIT_REQUEST, 3, "reception", transcript, List.of(), "Wants: parcel",
        new DecisionAudit("explicit-request", "1", null, null, "ev-0"), false, now, 0));
    TestTopics.publish(Topics.CONVERSATION_TURNS, new ConversationTurn(SchemaVersions.CURRENT, "acme", conv, 1, 0,
        transcript.get(0)));
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().header("Authorization", DAN)
        .get("/v1/agent/conversations/" + conv + "/transcript").then().statusCode(200)
        .body("total", org.hamcrest.Matchers.equalTo(1)));
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().header("Authorization", DAN)
        .get("/v1/agent/conversations/" + conv).then().statusCode(200));
    return conv;
  }

  /** As {@link #waiting()}, then claimed by dan. */
  private static String claimedByDan() {
    String conv = waiting();
    given().header("Authorization", DAN).post("/v1/agent/conversations/" + conv + "/claim").then().statusCode(200);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().header("Authorization", DAN)
        .get("/v1/agent/conversations/" + conv).then().body("conversation.owner", org.hamcrest.Matchers.equalTo("dan")));
    return conv;
  }

  private static ConversationTurn turn(String conv, long seq, String eventId, Speaker speaker, String text) {
    return new ConversationTurn(SchemaVersions.CURRENT, "acme", conv, 1, seq, new Turn(eventId, speaker, text,
        Instant.now(), null, null, null, null, speaker == Speaker.AGENT ? "dan" : null, null));
  }

  private static DeliveryStatus status(String conv, String messageId, Status status) {
    return new DeliveryStatus(SchemaVersions.CURRENT, "acme", conv, messageId, Channel.WHATSAPP, status, Instant.now(),
        "whatsapp", "wamid." + messageId.hashCode(), List.of());
  }

  private static JsonNode transcript(String authorization, String conv) {
    String body = given().header("Authorization", authorization).get("/v1/agent/conversations/" + conv + "/transcript")
        .then().statusCode(200).extract().asString();
    return read(body);
  }

  private static JsonNode read(String json) {
    try {
      return Json.MAPPER.readTree(json);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
