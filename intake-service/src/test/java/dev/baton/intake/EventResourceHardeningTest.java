package dev.baton.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.intake.Webhooks.Answer;
import dev.baton.schemas.serde.Json;
import dev.baton.tenant.WebhookSignature;
import dev.baton.testsupport.BatonTestResource;
import dev.baton.testsupport.TestTenants;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** The hardening of POST /v1/events (issue #8): each rule, over real HTTP. */
@QuarkusTest
@QuarkusTestResource(BatonTestResource.class)
class EventResourceHardeningTest {

  static String event(String extraFields) {
    return """
        {"eventId":"ev-%s","type":"CUSTOMER_MESSAGE","tenantId":"acme","conversationId":"conv-%s",
         "channel":"WEBCHAT","occurredAt":"%s","text":"hello"%s}"""
        .formatted(UUID.randomUUID(), UUID.randomUUID(), Instant.now(), extraFields);
  }

  static JsonNode json(Answer a) {
    try {
      return Json.MAPPER.readTree(a.body());
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + a.body(), e);
    }
  }

  static List<String> fields(Answer a) {
    List<String> out = new ArrayList<>();
    json(a).path("errors").forEach(e -> out.add(e.path("field").asText()));
    return out;
  }

  static void assertProblem(int status, Answer a) {
    assertEquals(status, a.status(), a.body());
    assertTrue(a.contentType().startsWith("application/problem+json"), a.contentType());
    assertEquals(status, json(a).path("status").asInt(), a.body());
  }

  static void assertRefusedField(String field, Answer a) {
    assertProblem(400, a);
    assertTrue(fields(a).contains(field), "expected an error on " + field + ": " + a.body());
  }

  // ---- 1. occurredAt window ------------------------------------------------------------------

  @Test
  void occurredAtFarFromReceiptIsRefused() {
    for (String at : List.of("-300000000-01-01T00:00:00Z", "+300000000-01-01T00:00:00Z",
        Instant.now().minus(Duration.ofHours(25)).toString(), Instant.now().plus(Duration.ofHours(25)).toString(),
        "1970-01-01T00:00:00Z")) {
      String body = event("").replaceFirst("\"occurredAt\":\"[^\"]+\"", "\"occurredAt\":\"" + at + "\"");
      assertRefusedField("occurredAt", Webhooks.postSigned(body, TestTenants.SECRET));
    }
    String recent = event("").replaceFirst("\"occurredAt\":\"[^\"]+\"",
        "\"occurredAt\":\"" + Instant.now().minus(Duration.ofHours(23)) + "\"");
    assertEquals(202, Webhooks.postSigned(recent, TestTenants.SECRET).status());
    assertRefusedField("occurredAt", Webhooks.postSigned(event("").replaceFirst("\"occurredAt\":\"[^\"]+\"",
        "\"occurredAt\":1700000000"), TestTenants.SECRET));
  }

  // ---- 6. limits while reading, problem bodies for 413/415/431, slow clients --------------------

  @Test
  void aClientAskingToUpgradeToHttp2IsAnsweredOverHttp11() {
    // The body is read before the resource runs; on an upgraded (h2c) stream the framework then
    // fails on the already-read request with a 500, so the intake speaks HTTP/1.1 only.
    byte[] body = event("").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    Webhooks.Answer a = Webhooks.postWithDefaultClient(body, Webhooks.signedHeaders(TestTenants.SECRET, body));
    assertEquals(202, a.status(), a.body());
  }

  @Test
  void aDeclaredBodyOverTheLimitIsRefusedWithAProblemBeforeItIsRead() {
    byte[] big = event(",\"attributes\":{\"pad\":\"" + "x".repeat(2_000_000) + "\"}").getBytes(StandardCharsets.UTF_8);
    assertProblem(413, Webhooks.post(big, Webhooks.signedHeaders(TestTenants.SECRET, big)));
    byte[] justOver = new byte[65_537];
    java.util.Arrays.fill(justOver, (byte) ' ');
    assertProblem(413, Webhooks.post(justOver, Webhooks.signedHeaders(TestTenants.SECRET, justOver)));
  }

  @Test
  void aChunkedBodyIsCutOffAtTheLimitWithAProblem() throws Exception {
    try (Socket s = Webhooks.rawRequest("POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")) {
      // 72 KiB of a body that never ends: the answer must come from the limit, not from the end.
      byte[] chunk = ("2000\r\n" + " ".repeat(0x2000) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
      OutputStream out = s.getOutputStream();
      for (int i = 0; i < 9; i++) {
        out.write(chunk);
      }
      out.flush();
      s.setSoTimeout(5_000);
      long start = System.nanoTime();
      String answer = Webhooks.readAll(s.getInputStream());
      long tookMs = (System.nanoTime() - start) / 1_000_000;
      assertTrue(answer.startsWith("HTTP/1.1 413"), "no 413 after 72 KiB: '" + answer + "'");
      assertTrue(answer.toLowerCase().contains("content-type: application/problem+json"), answer);
      assertTrue(answer.contains("\"status\":413"), answer);
      // readAll returned on EOF, well before its 5 s timeout: the server closed the connection
      // rather than reading (and discarding) the rest.
      assertTrue(tookMs < 4_000, "connection left open: " + tookMs + " ms");
      System.out.println("chunked upload over the limit: 413 and closed after " + tookMs + " ms");
      assertThrows(IOException.class, () -> {
        for (int i = 0; i < 1000; i++) {
          out.write(chunk);
        }
      }, "the server kept reading");
    }
  }

  @Test
  void missingOrWrongContentTypeIsA415Problem() {
    byte[] body = event("").getBytes(StandardCharsets.UTF_8);
    Map<String, String> h = new LinkedHashMap<>(Webhooks.signedHeaders(TestTenants.SECRET, body));
    h.remove("Content-Type");
    assertProblem(415, Webhooks.post(body, h));
    for (String type : List.of("text/plain", "application/x-www-form-urlencoded", "application/jsonx", "")) {
      h.put("Content-Type", type);
      assertProblem(415, Webhooks.post(body, h));
    }
    h.put("Content-Type", "application/json; charset=utf-8");
    assertEquals(202, Webhooks.post(body, h).status());
  }

  @Test
  void oversizedHeadersAreA431() {
    byte[] body = event("").getBytes(StandardCharsets.UTF_8);
    Map<String, String> h = new LinkedHashMap<>(Webhooks.signedHeaders(TestTenants.SECRET, body));
    h.put("X-Padding", "p".repeat(10_000));
    assertProblem(431, Webhooks.post(body, h));
    // Above the framework's backstop (32 KiB) the codec itself answers 431.
    h.put("X-Padding", "p".repeat(40_000));
    assertEquals(431, Webhooks.post(body, h).status());
  }

  @Test
  void aClientTricklingItsBodyIsTimedOut() throws Exception {
    long start = System.nanoTime();
    try (Socket s = Webhooks.rawRequest("POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Content-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"eventId\":")) {
      String answer = Webhooks.readAll(s.getInputStream());
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertTrue(answer.startsWith("HTTP/1.1 408"), answer);
      assertTrue(answer.toLowerCase().contains("application/problem+json"), answer);
      // %test.intake.request-read-timeout=2s
      assertTrue(took.compareTo(Duration.ofSeconds(8)) < 0, "took " + took);
      System.out.println("trickling client cut off after " + took.toMillis() + " ms");
    }
  }

  // ---- 7. one answer for every authentication failure ------------------------------------------

  @Test
  void everyAuthenticationFailureGetsTheSameAnswer() {
    String known = event("");
    byte[] bytes = known.getBytes(StandardCharsets.UTF_8);
    String unknownTenant = known.replace("\"tenantId\":\"acme\"", "\"tenantId\":\"no-such-tenant\"");
    byte[] unknownBytes = unknownTenant.getBytes(StandardCharsets.UTF_8);
    String now = Long.toString(Instant.now().getEpochSecond());
    String stale = Long.toString(Instant.now().getEpochSecond() - 3600);

    List<Answer> answers = new ArrayList<>();
    answers.add(Webhooks.post(unknownBytes, Webhooks.signedHeaders(TestTenants.SECRET, unknownBytes)));
    answers.add(Webhooks.post(bytes, Map.of("Content-Type", "application/json")));
    answers.add(Webhooks.post(bytes, Webhooks.signedHeaders("wrong", bytes)));
    answers.add(Webhooks.post(bytes, Webhooks.signedHeaders(TestTenants.SECRET, stale, bytes)));
    answers.add(Webhooks.post(bytes, Webhooks.signedHeaders(TestTenants.SECRET, "+" + now, bytes)));
    answers.add(Webhooks.post(bytes, Webhooks.signedHeaders(TestTenants.SECRET, "0" + now, bytes)));
    answers.add(Webhooks.post(bytes, Webhooks.signedHeaders(TestTenants.SECRET, "99999999999999999999999", bytes)));
    answers.add(Webhooks.post(bytes, Webhooks.signedHeaders(TestTenants.SECRET, "yesterday", bytes)));
    Map<String, String> noSig = new LinkedHashMap<>(Webhooks.signedHeaders(TestTenants.SECRET, bytes));
    noSig.remove(WebhookSignature.SIGNATURE_HEADER);
    answers.add(Webhooks.post(bytes, noSig));

    Set<String> bodies = new java.util.HashSet<>();
    for (Answer a : answers) {
      assertProblem(401, a);
      bodies.add(a.body());
    }
    assertEquals(1, bodies.size(), "answers differ: " + bodies);
    String body = bodies.iterator().next();
    assertFalse(body.contains("missing") || body.contains("mismatch") || body.contains("stale"), body);
  }

  @Test
  void eitherSecretOfARotatingTenantIsAcceptedAndTwoValuesMayBeSent() {
    assertEquals(202, Webhooks.postSigned(event(""), TestTenants.PREVIOUS_SECRET).status());
    assertEquals(202, Webhooks.postSigned(event(""), TestTenants.SECRET).status());
    byte[] body = event("").getBytes(StandardCharsets.UTF_8);
    String ts = Long.toString(Instant.now().getEpochSecond());
    Map<String, String> h = new LinkedHashMap<>(Webhooks.signedHeaders(TestTenants.SECRET, ts, body));
    h.put(WebhookSignature.SIGNATURE_HEADER,
        WebhookSignature.sign("some-other-secret", ts, body) + "," + WebhookSignature.sign(TestTenants.SECRET, ts, body));
    assertEquals(202, Webhooks.post(body, h).status());
    // globex is not rotating: acme's previous secret does not sign for it.
    String globex = event("").replace("\"tenantId\":\"acme\"", "\"tenantId\":\"globex\"");
    assertProblem(401, Webhooks.postSigned(globex, TestTenants.PREVIOUS_SECRET));
  }

  // ---- 8. strict JSON and characters -----------------------------------------------------------

  @Test
  void aFieldGivenTwiceIsRefusedAndNamed() {
    String twice = event(",\"tenantId\":\"globex\"");
    // Signed with globex's secret: the old code published it as globex's event.
    assertRefusedField("tenantId", Webhooks.postSigned(twice, TestTenants.OTHER_SECRET));
    assertRefusedField("tenantId", Webhooks.postSigned(twice, TestTenants.SECRET));
    String nested = event(",\"customer\":{\"name\":\"Ana\",\"name\":\"Bob\"}");
    assertRefusedField("customer.name", Webhooks.postSigned(nested, TestTenants.SECRET));
  }

  @Test
  void anythingAfterTheJsonValueIsRefused() {
    for (String tail : List.of("{}", "x", "[1]", " {\"tenantId\":\"globex\"}", "null")) {
      Answer a = Webhooks.postSigned(event("") + tail, TestTenants.SECRET);
      assertProblem(400, a);
    }
    assertEquals(202, Webhooks.postSigned(event("") + " \n\t ", TestTenants.SECRET).status());
  }

  @Test
  void invisibleAndControlCharactersAreRefusedPerField() {
    Map<String, String> hostile = new LinkedHashMap<>();
    hostile.put("customer.name", ",\"customer\":{\"name\":\"Ana\\u202Eevil\"}");
    hostile.put("customer.id", ",\"customer\":{\"id\":\"c\\u0000\"}");
    hostile.put("customer.email", ",\"customer\":{\"email\":\"a\\u200B@b.co\"}");
    hostile.put("customer.phone", ",\"customer\":{\"phone\":\"+44\\u2066123\"}");
    hostile.put("agentId", ",\"agentId\":\"alice\\uFEFF\"");
    hostile.put("attributes.k", ",\"attributes\":{\"k\":\"v\\u0085\"}");
    for (Map.Entry<String, String> e : hostile.entrySet()) {
      assertRefusedField(e.getKey(), Webhooks.postSigned(event(e.getValue()), TestTenants.SECRET));
    }
    for (String text : List.of("hi\\u0000", "hi\\u001b[31m", "hi\\u202Ereversed", "hi\\u2067", "a\\u200Bb",
        "a\\u0085", "\\ud800 lone surrogate")) {
      String body = event("").replace("\"text\":\"hello\"", "\"text\":\"" + text + "\"");
      assertRefusedField("text", Webhooks.postSigned(body, TestTenants.SECRET));
    }
    // Text keeps line breaks, tabs and the joiners emoji sequences need.
    String ok = event("").replace("\"text\":\"hello\"", "\"text\":\"line 1\\r\\nline\\t2 \\uD83D\\uDC68\\u200D\\uD83D\\uDC69\"");
    assertEquals(202, Webhooks.postSigned(ok, TestTenants.SECRET).status());
  }

  @Test
  void attributesAreStringsWithIdLikeKeys() {
    assertRefusedField("attributes.n", Webhooks.postSigned(event(",\"attributes\":{\"n\":42}"), TestTenants.SECRET));
    assertRefusedField("attributes.b", Webhooks.postSigned(event(",\"attributes\":{\"b\":true}"), TestTenants.SECRET));
    assertRefusedField("attributes.z", Webhooks.postSigned(event(",\"attributes\":{\"z\":null}"), TestTenants.SECRET));
    assertRefusedField("attributes", Webhooks.postSigned(event(",\"attributes\":{\"a b\":\"v\"}"), TestTenants.SECRET));
    assertRefusedField("attributes", Webhooks.postSigned(event(",\"attributes\":{\"" + "k".repeat(65) + "\":\"v\"}"),
        TestTenants.SECRET));
    assertEquals(202, Webhooks.postSigned(event(",\"attributes\":{\"wa.msg-id\":\"x\"}"), TestTenants.SECRET).status());
  }

  @Test
  void schemaVersionMustBeTheInteger1() {
    for (String v : List.of("1.5", "1.0", "\"1\"", "2", "true", "[1]")) {
      assertRefusedField("schemaVersion", Webhooks.postSigned(event(",\"schemaVersion\":" + v), TestTenants.SECRET));
    }
    assertEquals(202, Webhooks.postSigned(event(",\"schemaVersion\":1"), TestTenants.SECRET).status());
  }

  @Test
  void oneAnswerListsAtMostTwentyErrors() {
    StringBuilder extra = new StringBuilder();
    for (int i = 0; i < 3000; i++) {
      extra.append(",\"f").append(i).append("\":0");
    }
    Answer a = Webhooks.postSigned(event(extra.toString()), TestTenants.SECRET);
    assertProblem(400, a);
    JsonNode errors = json(a).path("errors");
    assertEquals(21, errors.size(), a.body());
    assertTrue(errors.get(20).path("message").asText().contains("2980 more"), a.body());
    assertTrue(a.body().length() < 4_000, "answer of " + a.body().length() + " chars");
  }

  // ---- 9. nothing unauthenticated reaches the log unescaped or unbounded ----------------------

  @Test
  void unauthenticatedInputDoesNotReachTheLog() {
    List<LogRecord> records = new CopyOnWriteArrayList<>();
    Handler capture = new Handler() {
      @Override public void publish(LogRecord r) { records.add(r); }
      @Override public void flush() {}
      @Override public void close() {}
    };
    Logger root = Logger.getLogger("");
    root.addHandler(capture);
    try {
      String forged = "acme\\n2026-12-01 INFO [dev.baton] FORGED-LINE " + "A".repeat(60_000);
      String body = event("").replace("\"tenantId\":\"acme\"", "\"tenantId\":\"" + forged + "\"");
      assertProblem(401, Webhooks.postSigned(body, TestTenants.SECRET));
    } finally {
      root.removeHandler(capture);
    }
    for (LogRecord r : records) {
      String line = String.valueOf(r.getMessage()) + " " + java.util.Arrays.toString(r.getParameters());
      assertFalse(line.contains("FORGED-LINE"), "logged: " + line.substring(0, Math.min(200, line.length())));
      assertTrue(line.length() < 2_000, "a " + line.length() + "-char log line");
    }
  }
}
