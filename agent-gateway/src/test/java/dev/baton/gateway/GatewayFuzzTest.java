package dev.baton.gateway;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.schemas.AgentAction;
import dev.baton.schemas.IntentFeedback;
import dev.baton.schemas.serde.Json;
import dev.baton.schemas.topic.Topics;
import dev.baton.testsupport.TestTenants;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Seeded generator of malformed and hostile requests against every endpoint an agent calls:
 * the six actions (claim, also a supervisor's take-over; reply; note; transfer; hand-back;
 * resolve with its codes), the intent correction, presence, the conversation list and view, the
 * transcript, the audit log, the supervisor view and the stream. Wrong or missing tokens, bad
 * conversation ids, bad or huge idempotency keys, wrong content types, bad bodies for each
 * endpoint's own fields, bad paging and query parameters, other agents' privileges. Each must get
 * its 4xx with a problem body that names the field at fault (where one is), nothing may reach
 * {@code agent-actions} or {@code intent-feedback}, and the gateway must keep answering a valid
 * request, checked every {@value #PROBE_EVERY} cases. Re-run one failure with
 * {@code -Dfuzz.seed=<seed>}.
 */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class GatewayFuzzTest {
  private static final int CASES = 1_500;
  private static final int PROBE_EVERY = 100;
  private static final String ALICE = "Bearer " + TestTenants.AGENT_TOKEN;
  private static final String SAM = "Bearer " + GatewayTestResource.SUPERVISOR_TOKEN;
  private static final String[] ACTIONS = {"claim", "reply", "note", "transfer", "hand-back", "resolve"};
  /** acme's agents and queues (GatewayTestResource), and its resolution codes. */
  private static final String[] AGENTS = {"alice", "sam", "carl", "bea", "dan"};
  private static final String[] SKILLS = {"billing", "reception"};
  private static final String[] CODES = {"solved", "callback-needed", "not-solved"};
  private static final String ID_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._:@+-";
  private static final String BAD_ID_CHARS = " !$&'()*,;=~^`|<>[]{}%\"é中\t";
  private static final String BAD_KEY_CHARS = " !$&'()*,;=~^`|<>[]{}%\"/\\";
  private static final String[] WRONG_CONTENT_TYPES = {"text/plain", "application/xml", "text/html", "application/octet-stream",
      "application/problem+json", "application/jsonx", "image/png", "*/*", "application/*", "json",
      "text/json; charset=utf-8", "application/", "garbage"};

  /** One generated request and what the gateway must answer; {@code field} null where none is at fault. */
  private record Case(String endpoint, String kind, String method, String path, String authorization,
      String idempotencyKey, String contentType, byte[] body, int status, String field) {
    @Override
    public String toString() {
      String shownBody = body == null ? "null" : new String(body, StandardCharsets.UTF_8);
      return endpoint + "/" + kind + " " + method + " " + abbreviate(path) + " auth=" + abbreviate(authorization)
          + " key=" + abbreviate(idempotencyKey) + " type=" + contentType + " body=" + abbreviate(shownBody);
    }
  }

  @Test
  void hostileRequestsGetAProblemNamingTheFieldAndPublishNothing() {
    long seed = Long.getLong("fuzz.seed", 20261201L);
    Random random = new Random(seed);
    // The token first, so twice: it is checked before anything else on every endpoint.
    List<Function<Random, Case>> generators = List.of(
        GatewayFuzzTest::badToken, GatewayFuzzTest::badToken, GatewayFuzzTest::badConversationId, GatewayFuzzTest::badIdempotencyKey,
        GatewayFuzzTest::wrongContentType, GatewayFuzzTest::badBody, GatewayFuzzTest::badTextBody,
        GatewayFuzzTest::fieldsOnAClaim, GatewayFuzzTest::badTransfer, GatewayFuzzTest::badHandBack,
        GatewayFuzzTest::badResolutionCode, GatewayFuzzTest::badIntentCorrection, GatewayFuzzTest::badPresence,
        GatewayFuzzTest::badListParameters, GatewayFuzzTest::badConversationRead, GatewayFuzzTest::badTranscriptParameters,
        GatewayFuzzTest::unknownTranscript, GatewayFuzzTest::badAuditRead, GatewayFuzzTest::notASupervisor);
    List<String> failures = new ArrayList<>();
    Map<String, Integer> perEndpoint = new TreeMap<>();
    long started = System.nanoTime();
    try (TopicTail<AgentAction> actions = new TopicTail<>(Topics.AGENT_ACTIONS);
        TopicTail<IntentFeedback> corrections = new TopicTail<>(Topics.INTENT_FEEDBACK)) {
      for (int i = 0; i < CASES; i++) {
        Case c = generators.get(random.nextInt(generators.size())).apply(random);
        perEndpoint.merge(c.endpoint(), 1, Integer::sum);
        String failure = check(c);
        if (failure != null) {
          failures.add("#" + i + " " + c + ": " + failure);
        }
        if ((i + 1) % PROBE_EVERY == 0) {
          int status = given().header("Authorization", ALICE).get("/v1/agent/me").statusCode();
          if (status != 200) {
            failures.add("after case #" + i + " a valid request got " + status);
          }
        }
      }

      String marker = "fz-valid-" + UUID.randomUUID();
      given().header("Authorization", ALICE).contentType("application/json").body("{\"text\":\"still here\"}")
          .post("/v1/agent/conversations/" + marker + "/reply").then().statusCode(202);
      actions.until(a -> a.conversationId().equals(marker), Duration.ofSeconds(10));
      // The gateway's own queue statuses for other tests' waiting conversations are not the fuzz's.
      List<String> published = actions.drain().stream().filter(a -> !AgentAction.SYSTEM_AGENT.equals(a.agentId()))
          .map(AgentAction::conversationId).filter(id -> !id.equals(marker)).toList();
      if (!published.isEmpty()) {
        failures.add("refused requests published actions for " + published);
      }
      List<String> corrected = corrections.drain().stream().map(IntentFeedback::conversationId).toList();
      if (!corrected.isEmpty()) {
        failures.add("refused requests published intent corrections for " + corrected);
      }
    }
    assertTrue(failures.isEmpty(), failures.size() + " of " + CASES + " cases failed (seed " + seed + "):\n"
        + String.join("\n", failures.subList(0, Math.min(20, failures.size()))));
    // Every endpoint was exercised, not just drawn from the list.
    assertEquals(List.of("audit", "claim", "conversation", "conversations", "hand-back", "intent", "me", "note",
        "presence", "reply", "resolve", "stream", "supervisor", "transcript", "transfer"),
        List.copyOf(perEndpoint.keySet()));
    assertTrue(perEndpoint.values().stream().allMatch(n -> n >= 5), perEndpoint.toString());
    // Its running time is reported, not asserted: a timed assertion fails on a busy machine.
    System.out.printf("gateway fuzz: %d cases in %d ms (seed %d), per endpoint %s%n", CASES,
        Duration.ofNanos(System.nanoTime() - started).toMillis(), seed, perEndpoint);
  }

  /** One client for every case: kept-alive connections, every header and byte sent as generated. */
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  private static String check(Case c) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + RestAssured.port + c.path()))
        .timeout(Duration.ofSeconds(20));
    if (c.authorization() != null) {
      request.header("Authorization", c.authorization());
    }
    if (c.idempotencyKey() != null) {
      request.header("Idempotency-Key", c.idempotencyKey());
    }
    if (c.contentType() != null) {
      request.header("Content-Type", c.contentType());
    }
    HttpRequest.BodyPublisher body = c.body() == null
        ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(c.body());
    request.method(c.method(), c.method().equals("GET") ? HttpRequest.BodyPublishers.noBody() : body);
    HttpResponse<String> r;
    try {
      r = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException | RuntimeException e) {
      return "request failed: " + e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
    if (r.statusCode() != c.status()) {
      return "status " + r.statusCode() + " instead of " + c.status() + ": " + abbreviate(r.body());
    }
    String type = r.headers().firstValue("Content-Type").orElse("");
    if (!type.startsWith("application/problem+json")) {
      return "content type " + type;
    }
    JsonNode problem;
    try {
      problem = Json.MAPPER.readTree(r.body());
    } catch (IOException e) {
      return "not JSON: " + abbreviate(r.body());
    }
    if (problem.path("status").asInt() != c.status() || !problem.path("title").isTextual()) {
      return "not a problem body: " + abbreviate(r.body());
    }
    String field = problem.path("errors").path(0).path("field").asText(null);
    if (c.field() != null && !c.field().equals(field)) {
      return "field " + field + " instead of " + c.field();
    }
    return null;
  }

  // ---- generators: every agent's request, with the token checked first ----------------------

  private static Case badToken(Random r) {
    String[] tokens = {null, "", "Bearer", "Bearer ", "Bearer nope", "Basic dGVzdA==", TestTenants.AGENT_TOKEN,
        "Bearer " + TestTenants.AGENT_TOKEN + "x", "bearer" + TestTenants.AGENT_TOKEN, "Bearer " + "A".repeat(2000),
        "Bearer " + TestTenants.AGENT_TOKEN.substring(1), "Bearer " + GatewayTestResource.SUPERVISOR_TOKEN.toUpperCase()};
    String auth = pick(r, tokens);
    String id = r.nextBoolean() ? validId(r) : badId(r);
    // A bad body and type too: the token is checked before anything else in the request.
    byte[] body = randomBytes(r);
    String type = pick(r, WRONG_CONTENT_TYPES);
    return switch (r.nextInt(10)) {
      case 0 -> new Case("transcript", "bad-token", "GET", transcriptPath(id, "?limit=zzz"), auth, null, null, null, 401, null);
      case 1 -> new Case("intent", "bad-token", "POST", conversationPath(id) + "/intent", auth, null, type, body, 401, null);
      case 2 -> new Case("presence", "bad-token", "PUT", "/v1/agent/presence", auth, null, type, body, 401, null);
      case 3 -> new Case("conversations", "bad-token", "GET", "/v1/agent/conversations?view=nope", auth, null, null, null, 401, null);
      case 4 -> new Case("conversation", "bad-token", "GET", conversationPath(id), auth, null, null, null, 401, null);
      case 5 -> new Case("audit", "bad-token", "GET", "/v1/agent/audit?limit=-1", auth, null, null, null, 401, null);
      case 6 -> new Case("me", "bad-token", "GET", "/v1/agent/me", auth, null, null, null, 401, null);
      case 7 -> new Case("stream", "bad-token", "GET", "/v1/agent/stream", auth, null, null, null, 401, null);
      case 8 -> new Case("supervisor", "bad-token", "GET", "/v1/agent/supervisor", auth, null, null, null, 401, null);
      default -> {
        String action = pick(r, ACTIONS);
        yield new Case(action, "bad-token", "POST", actionPath(id, action), auth, r.nextBoolean() ? badKey(r) : null,
            type, body, 401, null);
      }
    };
  }

  private static Case badConversationId(Random r) {
    String id = badId(r);
    String auth = agent(r);
    return switch (r.nextInt(4)) {
      case 0 -> new Case("transcript", "bad-conversation", "GET", transcriptPath(id, ""), auth, null, null, null, 400,
          "conversationId");
      case 1 -> new Case("conversation", "bad-conversation", "GET", conversationPath(id), auth, null, null, null, 400,
          "conversationId");
      case 2 -> new Case("intent", "bad-conversation", "POST", conversationPath(id) + "/intent", auth, null,
          "application/json", bytes("{\"seq\":0,\"intent\":\"opening_hours\"}"), 400, "conversationId");
      default -> {
        String action = pick(r, ACTIONS);
        // Checked before the body: even a valid body for the action does not get further.
        yield new Case(action, "bad-conversation", "POST", actionPath(id, action), auth, r.nextBoolean() ? validKey() : null,
            "application/json", bytes(validBodyFor(r, action)), 400, "conversationId");
      }
    };
  }

  private static Case badIdempotencyKey(Random r) {
    String action = pick(r, ACTIONS);
    String body = validBodyFor(r, action);
    return new Case(action, "bad-key", "POST", actionPath(validId(r), action), agent(r), badKey(r),
        body == null ? null : "application/json", bytes(body), 400, "Idempotency-Key");
  }

  private static Case wrongContentType(Random r) {
    byte[] body = r.nextBoolean() ? bytes("{\"text\":\"hello\"}") : randomBytes(r);
    String type = pick(r, WRONG_CONTENT_TYPES);
    return switch (r.nextInt(4)) {
      // The intent correction and presence take nothing but JSON, even without a body.
      case 0 -> new Case("intent", "content-type", "POST", conversationPath(validId(r)) + "/intent", agent(r), null,
          type, r.nextBoolean() ? body : null, 415, "Content-Type");
      case 1 -> new Case("presence", "content-type", "PUT", "/v1/agent/presence", agent(r), null, type,
          r.nextBoolean() ? bytes("{\"status\":\"away\"}") : null, 415, "Content-Type");
      default -> {
        String action = pick(r, ACTIONS);
        yield new Case(action, "content-type", "POST", actionPath(validId(r), action), agent(r), null, type, body, 415,
            "Content-Type");
      }
    };
  }

  /** Not a JSON object, or not only one: the same answer from every endpoint that reads a body. */
  private static Case badBody(Random r) {
    String[] bodies = {"[\"text\"]", "\"text\"", "42", "null", "true", "{\"text\":\"a\",\"text\":\"b\"}",
        "{\"status\":\"away\",\"status\":\"online\"}", "{\"seq\":1,\"seq\":2}", "{\"text\":\"hi\"} trailing",
        "{\"status\":\"away\"} {}", "{\"seq\":0,\"intent\":\"x\"}]", "{", "{\"text\":", truncatedJson(r), "\u00ff\u00fe"};
    byte[] body = r.nextInt(6) == 0 ? randomJsonLikeBytes(r) : bytes(pick(r, bodies));
    String type = r.nextBoolean() ? "application/json" : "application/json; charset=utf-8";
    return switch (r.nextInt(4)) {
      case 0 -> new Case("intent", "body", "POST", conversationPath(validId(r)) + "/intent", agent(r), null, type, body,
          400, "body");
      case 1 -> new Case("presence", "body", "PUT", "/v1/agent/presence", agent(r), null, type, body, 400, "body");
      default -> {
        String action = pick(r, ACTIONS);
        yield new Case(action, "body", "POST", actionPath(validId(r), action), agent(r),
            r.nextBoolean() ? validKey() : null, type, body, 400, "body");
      }
    };
  }

  /** reply and note: {@code text} a non-blank string of at most 4000 characters, nothing else. */
  private static Case badTextBody(Random r) {
    String action = r.nextBoolean() ? "reply" : "note";
    String[][] bodies = {
        {"{\"text\":" + r.nextInt() + "}", "text"},
        {"{\"text\":" + r.nextDouble() + "}", "text"},
        {"{\"text\":true}", "text"},
        {"{\"text\":[\"a\",\"b\"]}", "text"},
        {"{\"text\":{\"html\":\"<b>x</b>\"}}", "text"},
        {"{\"text\":null}", "text"},
        {"{}", "text"},
        {"{\"text\":\"" + " ".repeat(1 + r.nextInt(50)) + "\"}", "text"},
        {"{\"text\":\"\\t\\n \"}", "text"},
        {"{\"text\":\"" + "x".repeat(4001 + r.nextInt(3000)) + "\"}", "text"},
        {"{\"text\":\"" + "\\u00e9".repeat(4001) + "\"}", "text"},
    };
    if (r.nextInt(4) == 0) {
      String unknown = unknownField(r, "text");
      return new Case(action, "unknown-field", "POST", actionPath(validId(r), action), agent(r), null,
          "application/json", bytes("{\"text\":\"hi\",\"" + unknown + "\":1}"), 400, unknown);
    }
    if (r.nextInt(8) == 0) {
      // No body at all: the text is still required.
      return new Case(action, "no-body", "POST", actionPath(validId(r), action), agent(r), null, null, null, 400, "text");
    }
    String[] chosen = bodies[r.nextInt(bodies.length)];
    return new Case(action, "text", "POST", actionPath(validId(r), action), agent(r), r.nextBoolean() ? validKey() : null,
        "application/json", bytes(chosen[0]), 400, chosen[1]);
  }

  /** A claim (an agent's, or a supervisor's take-over) takes no body fields at all. */
  private static Case fieldsOnAClaim(Random r) {
    String field = r.nextInt(3) == 0 ? pick(r, new String[] {"text", "toAgent", "code", "message", "status"}) : randomWord(r);
    return new Case("claim", "fields", "POST", actionPath(validId(r), "claim"), agent(r), null, "application/json",
        bytes("{\"" + field + "\":\"x\"}"), 400, field);
  }

  /** transfer: exactly one of {@code toAgent} (an agent of the tenant) or {@code toSkill} (one of its queues). */
  private static Case badTransfer(Random r) {
    String[][] bodies = {
        {"{}", "toAgent"},
        {"{\"toAgent\":null,\"toSkill\":null}", "toAgent"},
        {"{\"toAgent\":\"  \"}", "toAgent"},
        {"{\"toAgent\":\"" + pick(r, AGENTS) + "\",\"toSkill\":\"" + pick(r, SKILLS) + "\"}", "toSkill"},
        {"{\"toAgent\":\"" + randomWord(r) + "\"}", "toAgent"},
        {"{\"toAgent\":\"gina\"}", "toAgent"}, // globex's agent, not acme's
        {"{\"toAgent\":\"ALICE\"}", "toAgent"},
        {"{\"toSkill\":\"" + randomWord(r) + "\"}", "toSkill"},
        {"{\"toSkill\":\"Billing\"}", "toSkill"},
        {"{\"toAgent\":" + r.nextInt(100) + "}", "toAgent"},
        {"{\"toAgent\":[\"alice\"]}", "toAgent"},
        {"{\"toSkill\":{\"name\":\"billing\"}}", "toSkill"},
        {"{\"toSkill\":true}", "toSkill"},
        {"{\"toAgent\":\"" + "a".repeat(65 + r.nextInt(100)) + "\"}", "toAgent"},
        {"{\"toSkill\":\"" + "b".repeat(65 + r.nextInt(100)) + "\"}", "toSkill"},
    };
    if (r.nextInt(5) == 0) {
      String unknown = unknownField(r, "toAgent", "toSkill");
      return new Case("transfer", "unknown-field", "POST", actionPath(validId(r), "transfer"), agent(r), null,
          "application/json", bytes("{\"toSkill\":\"billing\",\"" + unknown + "\":\"x\"}"), 400, unknown);
    }
    if (r.nextInt(8) == 0) {
      return new Case("transfer", "no-body", "POST", actionPath(validId(r), "transfer"), agent(r), null, null, null, 400,
          "toAgent");
    }
    String[] chosen = bodies[r.nextInt(bodies.length)];
    return new Case("transfer", "target", "POST", actionPath(validId(r), "transfer"), agent(r),
        r.nextBoolean() ? validKey() : null, "application/json", bytes(chosen[0]), 400, chosen[1]);
  }

  /** hand-back: an optional {@code message} string of at most 4000 characters. */
  private static Case badHandBack(Random r) {
    String[] bodies = {"{\"message\":" + r.nextInt() + "}", "{\"message\":false}", "{\"message\":[\"bye\"]}",
        "{\"message\":{\"text\":\"bye\"}}", "{\"message\":\"" + "m".repeat(4001 + r.nextInt(2000)) + "\"}"};
    if (r.nextInt(3) == 0) {
      String unknown = unknownField(r, "message");
      return new Case("hand-back", "unknown-field", "POST", actionPath(validId(r), "hand-back"), agent(r), null,
          "application/json", bytes("{\"" + unknown + "\":\"bye\"}"), 400, unknown);
    }
    return new Case("hand-back", "message", "POST", actionPath(validId(r), "hand-back"), agent(r),
        r.nextBoolean() ? validKey() : null, "application/json", bytes(pick(r, bodies)), 400, "message");
  }

  /** resolve: an optional {@code code} from the tenant's resolution codes. */
  private static Case badResolutionCode(Random r) {
    String code = pick(r, CODES);
    String[] bodies = {"{\"code\":\"" + randomWord(r) + "\"}", "{\"code\":\"" + code.toUpperCase() + "\"}",
        "{\"code\":\" " + code + "\"}", "{\"code\":\"" + code + "\\u0000\"}", "{\"code\":\"" + code + "-\"}",
        "{\"code\":" + r.nextInt(10) + "}", "{\"code\":[\"" + code + "\"]}", "{\"code\":true}",
        "{\"code\":\"" + "c".repeat(41 + r.nextInt(100)) + "\"}", "{\"code\":\"closed\"}"};
    if (r.nextInt(4) == 0) {
      String unknown = unknownField(r, "code");
      return new Case("resolve", "unknown-field", "POST", actionPath(validId(r), "resolve"), agent(r), null,
          "application/json", bytes("{\"code\":\"solved\",\"" + unknown + "\":\"x\"}"), 400, unknown);
    }
    return new Case("resolve", "code", "POST", actionPath(validId(r), "resolve"), agent(r),
        r.nextBoolean() ? validKey() : null, "application/json", bytes(pick(r, bodies)), 400, "code");
  }

  /** intent: {@code seq} of a customer turn and an intent label; nothing else. */
  private static Case badIntentCorrection(Random r) {
    String path = conversationPath(validId(r)) + "/intent";
    String[][] bodies = {
        {"{\"intent\":\"opening_hours\"}", "seq"},
        {"{\"seq\":null,\"intent\":\"opening_hours\"}", "seq"},
        {"{\"seq\":-" + (1 + r.nextInt(1000)) + ",\"intent\":\"opening_hours\"}", "seq"},
        {"{\"seq\":1.5,\"intent\":\"opening_hours\"}", "seq"},
        {"{\"seq\":\"3\",\"intent\":\"opening_hours\"}", "seq"},
        {"{\"seq\":99999999999999999999999,\"intent\":\"opening_hours\"}", "seq"},
        {"{\"seq\":[1],\"intent\":\"opening_hours\"}", "seq"},
        {"{\"seq\":0}", "intent"},
        {"{\"seq\":0,\"intent\":null}", "intent"},
        {"{\"seq\":0,\"intent\":7}", "intent"},
        {"{\"seq\":0,\"intent\":\"Opening_Hours\"}", "intent"},
        {"{\"seq\":0,\"intent\":\"opening hours\"}", "intent"},
        {"{\"seq\":0,\"intent\":\"_x\"}", "intent"},
        {"{\"seq\":0,\"intent\":\"\"}", "intent"},
        {"{\"seq\":0,\"intent\":\"a" + "b".repeat(64) + "\"}", "intent"},
        {"{\"seq\":0,\"intent\":\"x;DROP\"}", "intent"},
    };
    if (r.nextInt(5) == 0) {
      String unknown = unknownField(r, "seq", "intent");
      return new Case("intent", "unknown-field", "POST", path, agent(r), null, "application/json",
          bytes("{\"seq\":0,\"intent\":\"x\",\"" + unknown + "\":1}"), 400, unknown);
    }
    if (r.nextInt(5) == 0) {
      // A valid correction of a conversation this tenant never handed to agents.
      return new Case("intent", "unknown-conversation", "POST", conversationPath("fz-none-" + UUID.randomUUID()) + "/intent",
          agent(r), null, "application/json", bytes("{\"seq\":" + r.nextInt(50) + ",\"intent\":\"opening_hours\"}"), 404,
          "conversationId");
    }
    String[] chosen = bodies[r.nextInt(bodies.length)];
    return new Case("intent", "fields", "POST", path, agent(r), null, "application/json", bytes(chosen[0]), 400, chosen[1]);
  }

  /** presence: {@code status} one of online, away, offline; nothing else. */
  private static Case badPresence(Random r) {
    String[] bodies = {"{}", "{\"status\":null}", "{\"status\":\"busy\"}", "{\"status\":\"ONLINE\"}", "{\"status\":\" away\"}",
        "{\"status\":\"\"}", "{\"status\":1}", "{\"status\":[\"away\"]}", "{\"status\":{\"value\":\"away\"}}",
        "{\"status\":\"" + randomWord(r) + "\"}", "{\"status\":\"offline\\n\"}"};
    if (r.nextInt(4) == 0) {
      String unknown = unknownField(r, "status");
      return new Case("presence", "unknown-field", "PUT", "/v1/agent/presence", agent(r), null, "application/json",
          bytes("{\"status\":\"away\",\"" + unknown + "\":true}"), 400, unknown);
    }
    return new Case("presence", "status", "PUT", "/v1/agent/presence", agent(r), null, "application/json",
        bytes(pick(r, bodies)), 400, "status");
  }

  private static Case badListParameters(Random r) {
    if (r.nextBoolean()) {
      String view = pick(r, new String[] {"Mine", "open", "queued", "all ", "mine,all", randomWord(r), "../all"});
      return new Case("conversations", "view", "GET", "/v1/agent/conversations?view=" + query(view)
          + (r.nextBoolean() ? "&q=x" : ""), agent(r), null, null, null, 400, "view");
    }
    String q = randomFrom(r, ID_CHARS + " %&=", 201 + r.nextInt(500));
    return new Case("conversations", "q", "GET", "/v1/agent/conversations?view=all&q=" + query(q), agent(r), null, null,
        null, 400, "q");
  }

  private static Case badConversationRead(Random r) {
    return new Case("conversation", "unknown", "GET", conversationPath("fz-none-" + UUID.randomUUID()), agent(r), null,
        null, null, 404, "conversationId");
  }

  private static Case badTranscriptParameters(Random r) {
    String[] bad = {"-1", "abc", "1.5", "99999999999999999999999", "0x10", "+3", " 1", "1e3"};
    boolean from = r.nextBoolean();
    String value = pick(r, bad);
    if (!from && r.nextBoolean()) {
      value = pick(r, new String[] {"0", "501", "100000", "-5"});
    }
    String q = (from ? "?from=" : "?limit=") + query(value);
    return new Case("transcript", "params", "GET", transcriptPath(validId(r), q), agent(r), null, null, null, 400,
        from ? "from" : "limit");
  }

  private static Case unknownTranscript(Random r) {
    return new Case("transcript", "unknown", "GET", transcriptPath("fz-none-" + UUID.randomUUID(), r.nextBoolean() ? "" : "?limit=5"),
        agent(r), null, null, null, 404, "conversationId");
  }

  /** The audit log: supervisors only (403 before the parameters), then its parameters. */
  private static Case badAuditRead(Random r) {
    String limit = pick(r, new String[] {"0", "-1", "1001", "abc", "1.0", "99999999999999999999"});
    return switch (r.nextInt(3)) {
      case 0 -> new Case("audit", "not-a-supervisor", "GET", "/v1/agent/audit?limit=" + query(limit), ALICE, null, null,
          null, 403, null);
      case 1 -> new Case("audit", "conversation", "GET", "/v1/agent/audit?conversationId=" + query(badId(r)), SAM, null,
          null, null, 400, "conversationId");
      default -> new Case("audit", "limit", "GET", "/v1/agent/audit?limit=" + query(limit), SAM, null, null, null, 400,
          "limit");
    };
  }

  private static Case notASupervisor(Random r) {
    return new Case("supervisor", "not-a-supervisor", "GET", "/v1/agent/supervisor", ALICE, null, null, null, 403, null);
  }

  // ---- values --------------------------------------------------------------------------

  /** An agent's or a supervisor's token: both are refused the same way. */
  private static String agent(Random r) {
    return r.nextInt(3) == 0 ? SAM : ALICE;
  }

  /** A body the action would accept (null: none), so that an earlier check is the one at fault. */
  private static String validBodyFor(Random r, String action) {
    return switch (action) {
      case "reply", "note" -> "{\"text\":\"hello\"}";
      case "transfer" -> r.nextBoolean() ? "{\"toSkill\":\"billing\"}" : "{\"toAgent\":\"bea\"}";
      case "hand-back" -> r.nextBoolean() ? "{\"message\":\"the bot takes it from here\"}" : null;
      case "resolve" -> r.nextBoolean() ? "{\"code\":\"" + pick(r, CODES) + "\"}" : null;
      default -> null;
    };
  }

  /** A field name the endpoint does not take (named in the answer). */
  private static String unknownField(Random r, String... known) {
    String field = r.nextBoolean() ? randomWord(r) : pick(r, new String[] {"Text", "to", "agentId", "tenantId", "seq ",
        "id", "conversationId", "", "__proto__", "text.", "status2"});
    for (String k : known) {
      if (k.equals(field)) {
        return field + "x";
      }
    }
    return field;
  }

  private static String actionPath(String id, String action) {
    return conversationPath(id) + "/" + action;
  }

  private static String conversationPath(String id) {
    return "/v1/agent/conversations/" + encode(id);
  }

  private static String transcriptPath(String id, String query) {
    return conversationPath(id) + "/transcript" + query;
  }

  /** A query parameter's value, arriving as generated: a space as %20 ('+' would arrive as a '+'). */
  private static String query(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** Percent-encodes every byte that is not unreserved, so the id arrives as generated. */
  private static String encode(String id) {
    StringBuilder out = new StringBuilder();
    for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~:@+".indexOf(c) >= 0) {
        out.append(c);
      } else {
        out.append('%').append(String.format("%02X", b & 0xff));
      }
    }
    return out.toString();
  }

  private static String validId(Random r) {
    return "fz-" + randomFrom(r, ID_CHARS, 1 + r.nextInt(40)).replace(".", "x");
  }

  private static String validKey() {
    return "fzk-" + UUID.randomUUID();
  }

  private static String badId(Random r) {
    if (r.nextBoolean()) {
      return randomFrom(r, ID_CHARS, 129 + r.nextInt(400)).replace(".", "x");
    }
    String id = randomFrom(r, ID_CHARS, r.nextInt(10)).replace(".", "x");
    return id + BAD_ID_CHARS.charAt(r.nextInt(BAD_ID_CHARS.length())) + randomFrom(r, ID_CHARS, r.nextInt(10)).replace(".", "x");
  }

  private static String badKey(Random r) {
    if (r.nextBoolean()) {
      return randomFrom(r, ID_CHARS, 129 + r.nextInt(4000));
    }
    return randomFrom(r, ID_CHARS, r.nextInt(10)) + BAD_KEY_CHARS.charAt(r.nextInt(BAD_KEY_CHARS.length()))
        + randomFrom(r, ID_CHARS, 1 + r.nextInt(10));
  }

  private static String randomWord(Random r) {
    return "f" + randomFrom(r, "abcdefghijklmnopqrstuvwxyz_", 1 + r.nextInt(12));
  }

  private static String truncatedJson(Random r) {
    String json = "{\"text\":\"hello there\",\"x\":[1,2,{\"y\":null}]}";
    return json.substring(0, 1 + r.nextInt(json.length() - 2));
  }

  private static byte[] randomBytes(Random r) {
    byte[] b = new byte[1 + r.nextInt(200)];
    r.nextBytes(b);
    return b;
  }

  /** Random bytes that start like an object, so the parser gets past the first token. */
  private static byte[] randomJsonLikeBytes(Random r) {
    byte[] tail = randomBytes(r);
    byte[] b = new byte[tail.length + 2];
    b[0] = '{';
    b[1] = '"';
    System.arraycopy(tail, 0, b, 2, tail.length);
    return b;
  }

  private static String randomFrom(Random r, String alphabet, int length) {
    StringBuilder out = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      out.append(alphabet.charAt(r.nextInt(alphabet.length())));
    }
    return out.toString();
  }

  private static String pick(Random r, String[] values) {
    return values[r.nextInt(values.length)];
  }

  private static byte[] bytes(String s) {
    return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
  }

  private static String abbreviate(String s) {
    return s == null ? "null" : s.length() <= 80 ? s : s.substring(0, 80) + "...(" + s.length() + ")";
  }
}
