package dev.baton.intake;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.intake.config.IntakeConfig;
import dev.baton.intake.delivery.WebChatChannel;
import dev.baton.schemas.Channel;
import dev.baton.schemas.Choice;
import dev.baton.schemas.ConversationEvent;
import dev.baton.schemas.Customer;
import dev.baton.schemas.EventType;
import dev.baton.schemas.OutboundMessage;
import dev.baton.schemas.SchemaVersions;
import dev.baton.schemas.Speaker;
import dev.baton.schemas.serde.Json;
import dev.baton.schemas.topic.Topics;
import dev.baton.testsupport.BatonTestResource;
import dev.baton.testsupport.TestTenants;
import dev.baton.testsupport.TestTopics;
import dev.baton.tenant.TenantConfig;
import dev.baton.tenant.TenantDirectory;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * The web chat widget's endpoints for the desk tenant: sessions (origins allowed and refused),
 * messages in (once per client id, 401 and 400 problems), and replies out over SSE, written by the
 * channel as delivery writes them, resumed after {@code Last-Event-ID}.
 */
@QuarkusTest
@QuarkusTestResource(BatonTestResource.class)
class WebChatResourceTest {
  private static final String BASE = "/v1/webchat/" + TestTenants.DESK_TENANT;
  private static final String ORIGIN = TestTenants.WEBCHAT_ORIGIN;

  @TestHTTPResource("/")
  URL root;

  @Inject
  WebChatChannel channel;

  @Inject
  TenantDirectory tenants;

  @Inject
  RedisClient redis;

  @Inject
  IntakeConfig config;

  // ---- the widget ------------------------------------------------------------------------

  @Test
  void theWidgetIsOnePlainScriptCachedByItsVersion() {
    String etag = given().get("/v1/webchat/widget.js").then().statusCode(200)
        .contentType(containsString("text/javascript"))
        .header("Cache-Control", containsString("max-age"))
        .body(containsString("attachShadow"), not(containsString("innerHTML")))
        .extract().header("ETag");
    given().header("If-None-Match", etag).get("/v1/webchat/widget.js").then().statusCode(304);
  }

  // ---- sessions --------------------------------------------------------------------------

  @Test
  void aPageOfAnAllowedOriginGetsASessionAndAReturningVisitorTheSameConversation() {
    JsonNode first = session(null);
    assertTrue(first.get("conversationId").asText().startsWith("webchat:"));
    assertEquals("Desk Dental", first.get("title").asText());
    assertTrue(first.get("disclosure").asText().contains("virtual assistant"));

    String again = given().header("Origin", ORIGIN).contentType(ContentType.JSON)
        .body("{\"token\":\"" + first.get("token").asText() + "\"}")
        .post(BASE + "/sessions").then().statusCode(200)
        .header("Access-Control-Allow-Origin", ORIGIN)
        .body("resumed", equalTo(true)).extract().path("conversationId");
    assertEquals(first.get("conversationId").asText(), again);

    // A token that is not valid (here: tampered) starts a new conversation rather than failing.
    String token = first.get("token").asText();
    String other = given().header("Origin", ORIGIN).contentType(ContentType.JSON)
        .body("{\"token\":\"" + token.substring(0, token.length() - 3) + "abc\"}")
        .post(BASE + "/sessions").then().statusCode(201).extract().path("conversationId");
    assertFalse(other.equals(again));
  }

  @Test
  void anotherOriginOrNoneIsRefusedAndPreflightsAnswerOnlyTheTenantsOrigins() {
    given().header("Origin", "https://evil.example").contentType(ContentType.JSON).body("{}")
        .post(BASE + "/sessions").then().statusCode(403).contentType("application/problem+json")
        .body("title", equalTo("Origin not allowed"));
    given().contentType(ContentType.JSON).body("{}")
        .post(BASE + "/sessions").then().statusCode(403).body("title", equalTo("Origin not allowed"));
    // Another tenant's list does not count for this one.
    given().header("Origin", ORIGIN).contentType(ContentType.JSON).body("{}")
        .post("/v1/webchat/" + TestTenants.TENANT + "/sessions").then().statusCode(403);
    given().contentType(ContentType.JSON).body("{}")
        .post("/v1/webchat/nobody/sessions").then().statusCode(404);

    given().header("Origin", ORIGIN).header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "authorization, content-type")
        .options(BASE + "/messages").then().statusCode(204)
        .header("Access-Control-Allow-Origin", ORIGIN)
        .header("Access-Control-Allow-Headers", containsString("Authorization"));
    given().header("Origin", "https://evil.example").header("Access-Control-Request-Method", "POST")
        .options(BASE + "/messages").then().statusCode(403)
        .header("Access-Control-Allow-Origin", (String) null);
  }

  @Test
  void oneAddressOpeningNewSessionsFasterThanVisitorsDoIsToldToWait() {
    // The test client's address, as the intake sees it (either loopback form).
    List<String> keys = List.of("127.0.0.1", "0:0:0:0:0:0:0:1").stream()
        .map(a -> "baton:" + TestTenants.DESK_TENANT + ":webchat-sessions:" + a).toList();
    keys.forEach(redis::del);
    try {
      int limit = config.webchat().sessionsPerMinute();
      String token = null;
      for (int i = 0; i < limit; i++) {
        token = session(null).get("token").asText();
      }
      given().header("Origin", ORIGIN).contentType(ContentType.JSON).body("{}")
          .post(BASE + "/sessions").then().statusCode(429)
          .contentType("application/problem+json")
          .header("Retry-After", "60").body("title", equalTo("Too many sessions"));
      // A returning visitor opens no new conversation: not held back.
      given().header("Origin", ORIGIN).contentType(ContentType.JSON).body("{\"token\":\"" + token + "\"}")
          .post(BASE + "/sessions").then().statusCode(200).body("resumed", equalTo(true));
      assertTrue(keys.stream().anyMatch(k -> redis.ttl(k) > 0), "the window expires");
    } finally {
      keys.forEach(redis::del);
    }
  }

  // ---- messages in -----------------------------------------------------------------------

  @Test
  void aMessageIsOneEventHoweverOftenItIsPostedAndAButtonPressAsksForAPerson() {
    JsonNode s = session(null);
    String token = s.get("token").asText();
    String conversation = s.get("conversationId").asText();
    String id = "m-" + UUID.randomUUID();

    for (boolean duplicate : new boolean[] {false, true}) {
      message(token, "{\"id\":\"" + id + "\",\"text\":\"  when are you open?\\u202E  \"}")
          .then().statusCode(202)
          .body("eventId", equalTo(conversation + ":" + id))
          .body("duplicate", equalTo(duplicate));
    }
    message(token, "{\"id\":\"p-1\",\"text\":\"I'd like to talk to a person, please.\",\"personRequested\":true}")
        .then().statusCode(202);
    message(token, "{\"id\":\"t-1\",\"text\":\"Opening hours\",\"choiceId\":\"faq:opening-hours\"}")
        .then().statusCode(202);

    // Published before the 202: what the topic holds now is all there is.
    List<ConversationEvent> events = TestTopics.readPublished(Topics.CONVERSATION_EVENTS,
        e -> conversation.equals(e.conversationId()));
    assertEquals(3, events.size(), events.toString());
    ConversationEvent first = events.stream().filter(e -> e.eventId().endsWith(id)).findFirst().orElseThrow();
    assertEquals(EventType.CUSTOMER_MESSAGE, first.type());
    assertEquals(Channel.WEBCHAT, first.channel());
    assertEquals(TestTenants.DESK_TENANT, first.tenantId());
    assertEquals("when are you open?", first.text(), "trimmed, the override character dropped");
    assertTrue(first.customer().id().startsWith("visitor-"));
    assertFalse(first.personRequested());
    ConversationEvent pressed = events.stream().filter(e -> e.eventId().endsWith(":p-1")).findFirst().orElseThrow();
    assertTrue(pressed.personRequested());
    ConversationEvent tapped = events.stream().filter(e -> e.eventId().endsWith(":t-1")).findFirst().orElseThrow();
    assertEquals("faq:opening-hours", tapped.attributes().get("choice.id"), "a tapped choice, as on WhatsApp");
  }

  @Test
  void aBadOrForeignTokenIs401AndABadBody400NamingTheField() {
    message("not-a-token", "{\"id\":\"m-1\",\"text\":\"hi\"}").then().statusCode(401)
        .contentType("application/problem+json").body("title", equalTo("Unauthorized"));
    given().header("Origin", ORIGIN).contentType(ContentType.JSON).body("{\"id\":\"m-1\",\"text\":\"hi\"}")
        .post(BASE + "/messages").then().statusCode(401);
    // The desk tenant's token is not another tenant's, even on its path.
    String token = session(null).get("token").asText();
    given().header("Authorization", "Bearer " + token).contentType(ContentType.JSON)
        .body("{\"id\":\"m-1\",\"text\":\"hi\"}").post("/v1/webchat/" + TestTenants.TENANT + "/messages")
        .then().statusCode(401);

    message(token, "{\"text\":\"hi\"}").then().statusCode(400).body("errors.field", hasItem("id"));
    message(token, "{\"id\":\"<b>\",\"text\":\"hi\"}").then().statusCode(400).body("errors.field", hasItem("id"));
    message(token, "{\"id\":\"m-2\"}").then().statusCode(400).body("errors.field", hasItem("text"));
    message(token, "{\"id\":\"m-2\",\"text\":\" \\u200B \"}").then().statusCode(400)
        .body("errors[0].field", equalTo("text")).body("errors[0].message", equalTo("must not be empty"));
    message(token, "{\"id\":\"m-2\",\"text\":\"" + "a".repeat(4001) + "\"}").then().statusCode(400)
        .body("errors[0].field", equalTo("text")).body("errors[0].message", containsString("at most"));
    message(token, "{\"id\":\"m-2\",\"text\":\"hi\",\"personRequested\":\"yes\"}").then().statusCode(400)
        .body("errors.field", hasItem("personRequested"));
    message(token, "{\"id\":\"m-2\",\"text\":\"hi\",\"choiceId\":\"<x>\"}").then().statusCode(400)
        .body("errors.field", hasItem("choiceId"));
    message(token, "{\"id\":\"m-2\",\"text\":\"hi\",\"colour\":1}").then().statusCode(400)
        .body("errors.field", hasItem("colour"));
    message(token, "[1,2]").then().statusCode(400).body("errors.field", hasItem("body"));
  }

  @Test
  void aConversationPostingFasterThanAnyoneTypesIsToldToWait() {
    String token = session(null).get("token").asText();
    for (int i = 0; i < 30; i++) {
      message(token, "{\"id\":\"burst-" + i + "\",\"text\":\"hello " + i + "\"}").then().statusCode(202);
    }
    message(token, "{\"id\":\"burst-30\",\"text\":\"one more\"}").then().statusCode(429)
        .header("Retry-After", "60").body("title", equalTo("Too many messages"));
    // Another visitor is not held back.
    message(session(null).get("token").asText(), "{\"id\":\"m-1\",\"text\":\"hi\"}").then().statusCode(202);
  }

  @Test
  void aRateWindowLeftWithoutAnExpiryGetsOneWithTheNextMessage() {
    JsonNode s = session(null);
    String key = "baton:" + TestTenants.DESK_TENANT + ":webchat-rate:" + s.get("conversationId").asText();
    // As an INCR whose EXPIRE was lost leaves it: counting, never reset.
    redis.set(key, "3");
    message(s.get("token").asText(), "{\"id\":\"m-1\",\"text\":\"hi\"}").then().statusCode(202);
    assertEquals("4", redis.get(key));
    long ttl = redis.ttl(key);
    assertTrue(ttl > 0 && ttl <= 60, "expires within the minute, was " + ttl);
  }

  // ---- replies out -----------------------------------------------------------------------

  @Test
  void aLastEventIdTooLargeToBeAPositionReplaysTheHistory() throws Exception {
    JsonNode s = session(null);
    String token = s.get("token").asText();
    message(token, "{\"id\":\"m-big\",\"text\":\"hello\"}").then().statusCode(202);
    for (String last : new String[] {"9999999999999999999-0", "1-99999999999999999999", "12345678901234567890-1"}) {
      try (Sse sse = Sse.open(streamUrl(token), last)) {
        await().atMost(Duration.ofSeconds(10)).until(() -> sse.events().size() >= 1);
        assertEquals("m-big", Json.MAPPER.readTree(sse.events().get(0).data()).get("clientId").asText(), last);
      }
    }
  }

  @Test
  void theStreamSendsWhatTheChannelDeliversAndResumesAfterLastEventId() throws Exception {
    JsonNode s = session(null);
    String token = s.get("token").asText();
    String conversation = s.get("conversationId").asText();
    TenantConfig tenant = tenants.find(TestTenants.DESK_TENANT).orElseThrow();
    OutboundMessage plain = outbound("out-1-" + conversation, conversation, Speaker.BOT, null,
        "We're open 8am to 6pm. <script>alert(1)</script>", "faq:opening-hours");
    OutboundMessage answer = new OutboundMessage(plain.schemaVersion(), plain.messageId(), plain.tenantId(),
        plain.conversationId(), plain.channel(), plain.recipient(), plain.sender(), null, plain.text(), plain.reason(),
        null, plain.createdAt(), List.of(new Choice("book", "Book a check-up")));
    assertTrue(channel.handles(tenant, answer));
    String firstId = channel.send(tenant, answer).toCompletableFuture().get();
    // Delivered again (a redelivered record): the widget sees it once.
    assertEquals(firstId, channel.send(tenant, answer).toCompletableFuture().get());

    try (Sse sse = Sse.open(streamUrl(token), null)) {
      await().atMost(Duration.ofSeconds(10)).until(() -> sse.events().size() >= 1);
      Sse.Event e = sse.events().get(0);
      assertEquals("message", e.name());
      assertEquals(firstId, e.id());
      JsonNode data = Json.MAPPER.readTree(e.data());
      assertEquals("bot", data.get("from").asText());
      assertEquals("We're open 8am to 6pm. <script>alert(1)</script>", data.get("text").asText());
      assertEquals("book", data.get("choices").get(0).get("id").asText());
      assertEquals("Book a check-up", data.get("choices").get(0).get("title").asText());

      // Written while the visitor is connected: it arrives on the open stream.
      channel.send(tenant, outbound("out-2-" + conversation, conversation, Speaker.SYSTEM, "dan",
          "You're now talking with Dan.", WebChatChannel.AGENT_JOINED)).toCompletableFuture().get();
      await().atMost(Duration.ofSeconds(10)).until(() -> sse.events().size() >= 2);
      Sse.Event joined = sse.events().get(1);
      assertEquals("joined", joined.name());
      assertEquals("Dan", Json.MAPPER.readTree(joined.data()).get("agent").asText());
    }
    channel.send(tenant, outbound("out-3-" + conversation, conversation, Speaker.AGENT, "dan", "Hi, Dan here.", null))
        .toCompletableFuture().get();

    // Reconnecting after the first event: the rest, once each and in order.
    try (Sse sse = Sse.open(streamUrl(token), firstId)) {
      await().atMost(Duration.ofSeconds(10)).until(() -> sse.events().size() >= 2);
      assertEquals(List.of("joined", "message"), sse.events().stream().map(Sse.Event::name).toList());
      assertEquals("Hi, Dan here.", Json.MAPPER.readTree(sse.events().get(1).data()).get("text").asText());
      assertEquals("agent", Json.MAPPER.readTree(sse.events().get(1).data()).get("from").asText());
    }

    HttpResponse<String> refused = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(streamUrl("forged"))).header("Accept", "text/event-stream").build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(401, refused.statusCode());
  }

  @Test
  void theVisitorsOwnMessagesAreInTheirStreamForAReloadedPage() throws Exception {
    JsonNode s = session(null);
    String token = s.get("token").asText();
    message(token, "{\"id\":\"m-echo\",\"text\":\"my email is ana@example.com\"}").then().statusCode(202);
    try (Sse sse = Sse.open(streamUrl(token), null)) {
      await().atMost(Duration.ofSeconds(10)).until(() -> sse.events().size() >= 1);
      JsonNode data = Json.MAPPER.readTree(sse.events().get(0).data());
      assertEquals("customer", data.get("from").asText());
      assertEquals("m-echo", data.get("clientId").asText());
    }
  }

  // ---- helpers ---------------------------------------------------------------------------

  private static JsonNode session(String previous) {
    String body = given().header("Origin", ORIGIN).contentType(ContentType.JSON)
        .body(previous == null ? "{}" : "{\"token\":\"" + previous + "\"}")
        .post(BASE + "/sessions").then().statusCode(201)
        .header("Access-Control-Allow-Origin", ORIGIN)
        .extract().asString();
    try {
      return Json.MAPPER.readTree(body);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static io.restassured.response.Response message(String token, String body) {
    return given().header("Origin", ORIGIN).header("Authorization", "Bearer " + token)
        .contentType(ContentType.JSON).body(body).post(BASE + "/messages");
  }

  private String streamUrl(String token) {
    return root.toString().replaceAll("/$", "") + BASE + "/stream?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
  }

  private static OutboundMessage outbound(String id, String conversation, Speaker sender, String agent, String text,
      String reason) {
    return new OutboundMessage(SchemaVersions.CURRENT, id, TestTenants.DESK_TENANT, conversation, Channel.WEBCHAT,
        Customer.anonymous("visitor-x"), sender, agent, text, reason, null, Instant.now());
  }

  /** A Server-Sent Events client reading on its own thread, as a browser's EventSource does. */
  static final class Sse implements AutoCloseable {
    record Event(String id, String name, String data) {}

    private final List<Event> events = Collections.synchronizedList(new ArrayList<>());
    private final Thread reader;
    private volatile java.io.InputStream body;

    private Sse(String url, String lastEventId) throws Exception {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream");
      if (lastEventId != null) {
        request.header("Last-Event-ID", lastEventId);
      }
      HttpResponse<java.io.InputStream> response = HttpClient.newHttpClient()
          .send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
      if (response.statusCode() != 200) {
        throw new AssertionError("stream answered " + response.statusCode());
      }
      body = response.body();
      reader = new Thread(this::read, "sse-test");
      reader.setDaemon(true);
      reader.start();
    }

    static Sse open(String url, String lastEventId) throws Exception {
      return new Sse(url, lastEventId);
    }

    List<Event> events() {
      return List.copyOf(events);
    }

    private void read() {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
        String id = null;
        String name = "message";
        StringBuilder data = new StringBuilder();
        for (String line; (line = in.readLine()) != null; ) {
          if (line.isEmpty()) {
            if (data.length() > 0) {
              events.add(new Event(id, name, data.toString()));
            }
            id = null;
            name = "message";
            data.setLength(0);
          } else if (line.startsWith("id:")) {
            id = line.substring(3).strip();
          } else if (line.startsWith("event:")) {
            name = line.substring(6).strip();
          } else if (line.startsWith("data:")) {
            data.append(line.substring(5).strip());
          }
        }
      } catch (java.io.IOException e) {
        // closed by the test
      }
    }

    @Override
    public void close() throws Exception {
      body.close();
      reader.interrupt();
    }
  }
}
