package dev.baton.gateway;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.schemas.AgentAction;
import dev.baton.schemas.topic.Topics;
import dev.baton.testsupport.TestTenants;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Seeded generator of malformed and hostile requests against the action and transcript
 * endpoints: wrong or missing tokens, bad conversation ids, bad or huge idempotency keys, bad
 * bodies, wrong content types, bad paging parameters. Each must get its 4xx with a problem body
 * that names the field at fault, none may put anything on {@code agent-actions}, and the gateway
 * must still accept a valid action afterwards. Re-run one failure with {@code -Dfuzz.seed=<seed>}.
 */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class GatewayFuzzTest {
  private static final int CASES = 600;
  private static final String TOKEN = "Bearer " + TestTenants.AGENT_TOKEN;
  private static final String[] ACTIONS = {"claim", "reply", "hand-back", "resolve"};
  private static final String ID_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._:@+-";
  private static final String BAD_ID_CHARS = " !$&'()*,;=~^`|<>[]{}%\"é中\t";
  private static final String BAD_KEY_CHARS = " !$&'()*,;=~^`|<>[]{}%\"/\\";
  private static final String[] WRONG_CONTENT_TYPES = {"text/plain", "application/xml", "text/html", "application/octet-stream",
      "application/problem+json", "application/jsonx", "image/png", "*/*", "application/*", "json",
      "text/json; charset=utf-8", "application/", "garbage"};

  /** One generated request and what the gateway must answer. */
  private record Case(String kind, String method, String path, String authorization, String idempotencyKey,
      String contentType, byte[] body, int status, String field) {
    @Override
    public String toString() {
      String shownBody = body == null ? "null" : new String(body, StandardCharsets.UTF_8);
      return kind + " " + method + " " + abbreviate(path) + " auth=" + abbreviate(authorization) + " key="
          + abbreviate(idempotencyKey) + " type=" + contentType + " body=" + abbreviate(shownBody);
    }
  }

  @Test
  void hostileRequestsGetAProblemNamingTheFieldAndPublishNothing() {
    long seed = Long.getLong("fuzz.seed", 20261201L);
    Random random = new Random(seed);
    List<Function<Random, Case>> generators = List.of(
        GatewayFuzzTest::badToken, GatewayFuzzTest::badConversationId, GatewayFuzzTest::badIdempotencyKey,
        GatewayFuzzTest::wrongContentType, GatewayFuzzTest::badReplyBody, GatewayFuzzTest::fieldsOnABodylessAction,
        GatewayFuzzTest::badTranscriptParameters, GatewayFuzzTest::unknownTranscript);
    List<String> failures = new ArrayList<>();
    long started = System.nanoTime();
    try (TopicTail<AgentAction> actions = new TopicTail<>(Topics.AGENT_ACTIONS)) {
      for (int i = 0; i < CASES; i++) {
        Case c = generators.get(random.nextInt(generators.size())).apply(random);
        String failure = check(c);
        if (failure != null) {
          failures.add("#" + i + " " + c + ": " + failure);
        }
      }

      String marker = "fz-valid-" + UUID.randomUUID();
      given().header("Authorization", TOKEN).contentType("application/json").body("{\"text\":\"still here\"}")
          .post("/v1/agent/conversations/" + marker + "/reply").then().statusCode(202);
      actions.until(a -> a.conversationId().equals(marker), Duration.ofSeconds(10));
      // The gateway's own queue statuses for other tests' waiting conversations are not the fuzz's.
      List<String> published = actions.drain().stream().filter(a -> !AgentAction.SYSTEM_AGENT.equals(a.agentId()))
          .map(AgentAction::conversationId).filter(id -> !id.equals(marker)).toList();
      if (!published.isEmpty()) {
        failures.add("refused requests published actions for " + published);
      }
    }
    assertTrue(failures.isEmpty(), failures.size() + " of " + CASES + " cases failed (seed " + seed + "):\n"
        + String.join("\n", failures.subList(0, Math.min(20, failures.size()))));
    // Its running time is reported, not asserted: a timed assertion fails on a busy machine.
    System.out.printf("gateway fuzz: %d cases in %d ms (seed %d)%n", CASES,
        Duration.ofNanos(System.nanoTime() - started).toMillis(), seed);
  }

  private static String check(Case c) {
    RequestSpecification request = given().urlEncodingEnabled(true);
    if (c.authorization() != null) {
      request.header("Authorization", c.authorization());
    }
    if (c.idempotencyKey() != null) {
      request.header("Idempotency-Key", c.idempotencyKey());
    }
    if (c.contentType() != null) {
      request.header("Content-Type", c.contentType());
    }
    if (c.body() != null) {
      request.body(c.body());
    }
    Response r;
    try {
      r = c.method().equals("GET") ? request.get(c.path()) : request.post(c.path());
    } catch (RuntimeException e) {
      return "request failed: " + e;
    }
    if (r.statusCode() != c.status()) {
      return "status " + r.statusCode() + " instead of " + c.status() + ": " + abbreviate(r.asString());
    }
    if (!String.valueOf(r.contentType()).startsWith("application/problem+json")) {
      return "content type " + r.contentType();
    }
    if (r.jsonPath().getInt("status") != c.status() || r.jsonPath().getString("title") == null) {
      return "not a problem body: " + abbreviate(r.asString());
    }
    if (c.field() != null && !c.field().equals(r.jsonPath().getString("errors[0].field"))) {
      return "field " + r.jsonPath().getString("errors[0].field") + " instead of " + c.field();
    }
    return null;
  }

  // ---- generators ----------------------------------------------------------------------

  private static Case badToken(Random r) {
    String[] tokens = {null, "", "Bearer", "Bearer ", "Bearer nope", "Basic dGVzdA==", TestTenants.AGENT_TOKEN,
        "Bearer " + TestTenants.AGENT_TOKEN + "x", "bearer" + TestTenants.AGENT_TOKEN, "Bearer " + "A".repeat(2000),
        "Bearer " + TestTenants.AGENT_TOKEN.substring(1)};
    String auth = tokens[r.nextInt(tokens.length)];
    if (r.nextInt(4) == 0) {
      return new Case("bad-token", "GET", transcriptPath(r.nextBoolean() ? validId(r) : badId(r), ""), auth, null, null, null, 401, null);
    }
    // A bad body too: the token is checked first.
    return new Case("bad-token", "POST", actionPath(r.nextBoolean() ? validId(r) : badId(r), pick(r, ACTIONS)), auth,
        r.nextBoolean() ? badKey(r) : null, pick(r, WRONG_CONTENT_TYPES), randomBytes(r), 401, null);
  }

  private static Case badConversationId(Random r) {
    String id = badId(r);
    if (r.nextInt(3) == 0) {
      return new Case("bad-conversation", "GET", transcriptPath(id, ""), TOKEN, null, null, null, 400, "conversationId");
    }
    return new Case("bad-conversation", "POST", actionPath(id, "reply"), TOKEN, null, "application/json",
        bytes("{\"text\":\"hello\"}"), 400, "conversationId");
  }

  private static Case badIdempotencyKey(Random r) {
    String action = pick(r, ACTIONS);
    boolean reply = action.equals("reply");
    return new Case("bad-key", "POST", actionPath(validId(r), action), TOKEN, badKey(r), reply ? "application/json" : null,
        reply ? bytes("{\"text\":\"hello\"}") : null, 400, "Idempotency-Key");
  }

  private static Case wrongContentType(Random r) {
    byte[] body = r.nextBoolean() ? bytes("{\"text\":\"hello\"}") : randomBytes(r);
    return new Case("content-type", "POST", actionPath(validId(r), pick(r, ACTIONS)), TOKEN, null,
        pick(r, WRONG_CONTENT_TYPES), body, 415, "Content-Type");
  }

  private static Case badReplyBody(Random r) {
    String[][] bodies = {
        {"{\"text\":" + r.nextInt() + "}", "text"},
        {"{\"text\":" + r.nextDouble() + "}", "text"},
        {"{\"text\":true}", "text"},
        {"{\"text\":[\"a\",\"b\"]}", "text"},
        {"{\"text\":{\"html\":\"<b>x</b>\"}}", "text"},
        {"{\"text\":null}", "text"},
        {"{}", "text"},
        {"{\"text\":\"" + " ".repeat(1 + r.nextInt(50)) + "\"}", "text"},
        {"{\"text\":\"" + "x".repeat(4001 + r.nextInt(3000)) + "\"}", "text"},
        {"{\"text\":\"hi\",\"" + randomWord(r) + "\":1}", null},
        {"{\"text\":\"a\",\"text\":\"b\"}", "body"},
        {"[\"text\"]", "body"},
        {"\"text\"", "body"},
        {"42", "body"},
        {"null", "body"},
        {"{\"text\":\"hi\"} trailing", "body"},
        {truncatedJson(r), "body"},
    };
    String[] chosen = bodies[r.nextInt(bodies.length)];
    String field = chosen[1];
    if (field == null) {
      // The unknown field's own name is the field at fault.
      String json = chosen[0];
      field = json.substring(json.indexOf(",\"") + 2, json.lastIndexOf("\":"));
    }
    String type = r.nextBoolean() ? "application/json" : "application/json; charset=utf-8";
    return new Case("reply-body", "POST", actionPath(validId(r), "reply"), TOKEN, r.nextBoolean() ? validKey(r) : null, type,
        bytes(chosen[0]), 400, field);
  }

  private static Case fieldsOnABodylessAction(Random r) {
    String action = pick(r, new String[] {"claim", "hand-back", "resolve"});
    String field = r.nextBoolean() ? "text" : randomWord(r);
    if (field.equals("message") || field.equals("code")) {
      field = "text"; // hand-back takes a message, resolve a code
    }
    return new Case("bodyless-action", "POST", actionPath(validId(r), action), TOKEN, null, "application/json",
        bytes("{\"" + field + "\":\"x\"}"), 400, field);
  }

  private static Case badTranscriptParameters(Random r) {
    String[] bad = {"-1", "abc", "1.5", "99999999999999999999999", "0x10", "+3", " 1", "1e3"};
    boolean from = r.nextBoolean();
    String value = pick(r, bad);
    if (!from && r.nextBoolean()) {
      value = pick(r, new String[] {"0", "501", "100000", "-5"});
    }
    String query = (from ? "?from=" : "?limit=") + java.net.URLEncoder.encode(value, StandardCharsets.UTF_8);
    return new Case("transcript-params", "GET", transcriptPath(validId(r), query), TOKEN, null, null, null, 400,
        from ? "from" : "limit");
  }

  private static Case unknownTranscript(Random r) {
    return new Case("unknown-transcript", "GET", transcriptPath("fz-none-" + UUID.randomUUID(), r.nextBoolean() ? "" : "?limit=5"),
        TOKEN, null, null, null, 404, "conversationId");
  }

  // ---- values --------------------------------------------------------------------------

  private static String actionPath(String id, String action) {
    return "/v1/agent/conversations/" + encode(id) + "/" + action;
  }

  private static String transcriptPath(String id, String query) {
    return "/v1/agent/conversations/" + encode(id) + "/transcript" + query;
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

  private static String validKey(Random r) {
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
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String abbreviate(String s) {
    return s == null ? "null" : s.length() <= 80 ? s : s.substring(0, 80) + "...(" + s.length() + ")";
  }
}
