package dev.baton.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.schemas.serde.Json;
import dev.baton.testsupport.CallbackReceiver;
import dev.baton.testsupport.TestTenants;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The agent workspace across the whole pipeline with <b>two gateway instances</b> behind it, as
 * behind a load balancer: every agent's events reach them whichever instance they are connected
 * to and whichever instance consumed the Kafka record; 50 claims of one conversation at once, on
 * both instances, have exactly one winner decided by the handoff service; an agent whose desktop
 * goes away loses their conversation back to the queue, with a {@code reassigned} event.
 */
class WorkspaceEndToEndTest {
  private static final String SECOND_GATEWAY = "agent-gateway#2";
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static CallbackReceiver callbacks;
  private static BatonProcesses baton;
  private final List<CompletableFuture<HttpResponse<Stream<String>>>> streams = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    callbacks = new CallbackReceiver();
    baton = new BatonProcesses(callbacks.url(""));
    baton.start(SECOND_GATEWAY);
    baton.awaitReady(Duration.ofMinutes(3));
    baton.awaitReady(SECOND_GATEWAY, Duration.ofMinutes(2));
  }

  @AfterAll
  static void stop() {
    if (baton != null) {
      baton.close();
    }
    if (callbacks != null) {
      callbacks.close();
    }
  }

  @AfterEach
  void closeStreams() {
    streams.forEach(f -> f.thenAccept(r -> r.body().close()));
    streams.clear();
  }

  @Test
  void bothInstancesServeEveryAgentAndFiftyParallelClaimsHaveOneWinner() throws Exception {
    List<String> dan = open("agent-gateway", TestTenants.DAN_TOKEN);
    List<String> erin = open(SECOND_GATEWAY, TestTenants.ERIN_TOKEN);
    List<String> sue = open(SECOND_GATEWAY, TestTenants.SUE_TOKEN);
    String conv = "ws-" + UUID.randomUUID();
    assertEquals(202, post(message(conv, "I want to speak to a person please")).statusCode());

    await().atMost(Duration.ofSeconds(60)).until(() -> !named(dan, "handoff", conv).isEmpty()
        && !named(erin, "handoff", conv).isEmpty() && !named(sue, "handoff", conv).isEmpty());

    int attempts = 50;
    ExecutorService pool = Executors.newFixedThreadPool(attempts);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<HttpResponse<String>>> answers = new ArrayList<>();
    for (int i = 0; i < attempts; i++) {
      String token = i % 2 == 0 ? TestTenants.DAN_TOKEN : TestTenants.ERIN_TOKEN;
      String gateway = i % 4 < 2 ? "agent-gateway" : SECOND_GATEWAY;
      answers.add(pool.submit(() -> {
        go.await();
        return HTTP.send(HttpRequest.newBuilder(URI.create(baton.url(gateway, "/v1/agent/conversations/" + conv + "/claim")))
            .header("Authorization", "Bearer " + token).header("Idempotency-Key", UUID.randomUUID().toString())
            .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(30)).build(),
            HttpResponse.BodyHandlers.ofString());
      }));
    }
    go.countDown();
    Map<Integer, Integer> statuses = new HashMap<>();
    Set<String> winners = new HashSet<>();
    Set<String> namedOwners = new HashSet<>();
    for (Future<HttpResponse<String>> f : answers) {
      HttpResponse<String> r = f.get();
      statuses.merge(r.statusCode(), 1, Integer::sum);
      JsonNode body = Json.MAPPER.readTree(r.body());
      if (r.statusCode() == 200) {
        winners.add(body.get("ownerAgentId").asText());
      } else if (r.statusCode() == 409) {
        namedOwners.add(body.path("ownerAgentId").asText());
      }
    }
    pool.shutdown();
    System.out.printf("50 parallel claims on two gateways: %s%n", statuses);
    assertEquals(attempts, statuses.getOrDefault(200, 0) + statuses.getOrDefault(409, 0), statuses.toString());
    assertEquals(1, winners.size(), "exactly one agent won: " + winners);
    assertEquals(winners, namedOwners, "every refusal names the winner");
    String winner = winners.iterator().next();
    // Both instances' agents see it taken, once.
    await().atMost(Duration.ofSeconds(10)).until(() -> named(dan, "claimed", conv).size() == 1
        && named(erin, "claimed", conv).size() == 1 && named(sue, "claimed", conv).size() == 1);
    assertTrue(named(sue, "claimed", conv).get(0).contains("\"by\":\"" + winner + "\""));

    // What the customer writes next reaches the winner, on whichever instance they are.
    assertEquals(202, post(message(conv, "thanks, my order number is 48213")).statusCode());
    List<String> winnerStream = winner.equals("dan") ? dan : erin;
    List<String> loserStream = winner.equals("dan") ? erin : dan;
    await().atMost(Duration.ofSeconds(30)).until(() -> !named(winnerStream, "message", "48213").isEmpty());
    assertTrue(named(loserStream, "message", "48213").isEmpty(), "the other agent does not read it");

    // Leave the winner's load as it was for the other tests of this tenant.
    HttpResponse<String> resolve = HTTP.send(HttpRequest.newBuilder(
            URI.create(baton.url("agent-gateway", "/v1/agent/conversations/" + conv + "/resolve")))
        .header("Authorization", "Bearer " + (winner.equals("dan") ? TestTenants.DAN_TOKEN : TestTenants.ERIN_TOKEN))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, resolve.statusCode(), resolve.body());
    await().atMost(Duration.ofSeconds(10)).until(() -> !named(sue, "resolved", conv).isEmpty());
  }

  @Test
  void anAgentWhoGoesOfflineLosesTheirConversationBackToTheQueue() throws Exception {
    List<String> sue = open("agent-gateway", TestTenants.SUE_TOKEN);
    CompletableFuture<HttpResponse<Stream<String>>> erinsDesk = stream(SECOND_GATEWAY, TestTenants.ERIN_TOKEN,
        new CopyOnWriteArrayList<>());
    String conv = "ws-" + UUID.randomUUID();
    assertEquals(202, post(message(conv, "I want to talk to a human")).statusCode());
    await().atMost(Duration.ofSeconds(60)).until(() -> !named(sue, "handoff", conv).isEmpty());
    HttpResponse<String> claim = HTTP.send(HttpRequest.newBuilder(
            URI.create(baton.url(SECOND_GATEWAY, "/v1/agent/conversations/" + conv + "/claim")))
        .header("Authorization", "Bearer " + TestTenants.ERIN_TOKEN).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, claim.statusCode(), claim.body());

    erinsDesk.thenAccept(r -> r.body().close()); // Erin's laptop lid closes: no more heartbeats.

    await().atMost(Duration.ofSeconds(40)).until(() -> !named(sue, "reassigned", conv).isEmpty());
    JsonNode event = Json.MAPPER.readTree(data(named(sue, "reassigned", conv).get(0)));
    assertEquals("erin", event.get("previousOwner").asText());
    assertEquals("queued", event.at("/conversation/status").asText());
    assertTrue(sue.stream().anyMatch(l -> l.contains("\"agentId\":\"erin\"") && l.contains("\"status\":\"offline\"")),
        "the supervisor saw erin go offline");
    HttpResponse<String> audit = HTTP.send(HttpRequest.newBuilder(
            URI.create(baton.url("agent-gateway", "/v1/agent/audit?conversationId=" + conv)))
        .header("Authorization", "Bearer " + TestTenants.SUE_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
    assertTrue(audit.body().contains("REASSIGN") && audit.body().contains("erin went offline"), audit.body());
  }

  private List<String> open(String gateway, String token) {
    List<String> lines = new CopyOnWriteArrayList<>();
    stream(gateway, token, lines);
    await().atMost(Duration.ofSeconds(20)).until(() -> lines.contains("event:reset"));
    return lines;
  }

  private CompletableFuture<HttpResponse<Stream<String>>> stream(String gateway, String token, List<String> lines) {
    CompletableFuture<HttpResponse<Stream<String>>> response = HTTP.sendAsync(
        HttpRequest.newBuilder(URI.create(baton.url(gateway, "/v1/agent/stream")))
            .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofLines());
    streams.add(response);
    response.thenAcceptAsync(r -> {
      try {
        r.body().forEach(lines::add);
      } catch (RuntimeException closed) {
        // the test closed it
      }
    });
    return response;
  }

  /** The data lines of events named {@code name} that mention {@code text}. */
  private static List<String> named(List<String> lines, String name, String text) {
    List<String> out = new ArrayList<>();
    List<String> copy = List.copyOf(lines);
    for (int i = 0; i + 1 < copy.size(); i++) {
      if (copy.get(i).equals("event:" + name) && copy.get(i + 1).startsWith("data:") && copy.get(i + 1).contains(text)) {
        out.add(copy.get(i + 1));
      }
    }
    return out;
  }

  private static String data(String line) {
    return line.substring(5).strip();
  }

  private static String message(String conversation, String text) {
    return message(TestTenants.DESK_TENANT, conversation, text);
  }

  private static String message(String tenant, String conversation, String text) {
    return Json.write(Map.of(
        "eventId", "ev-" + UUID.randomUUID(), "type", "CUSTOMER_MESSAGE", "tenantId", tenant,
        "conversationId", conversation, "channel", "WEBCHAT", "occurredAt", Instant.now().toString(),
        "customer", Map.of("id", "cust-" + conversation, "name", "Workspace Test"),
        "text", text));
  }

  private static HttpResponse<String> post(String body) throws Exception {
    return post(TestTenants.DESK_SECRET, body);
  }

  private static HttpResponse<String> post(String secret, String body) throws Exception {
    return baton.postEvent(secret, body);
  }

  @Test
  void aCustomerWaitingWithNobodyAvailableIsOfferedACallBackAndTakingItMakesAFollowUpTask() throws Exception {
    String conv = "wait-" + UUID.randomUUID();
    assertEquals(202, post(TestTenants.WAIT_SECRET,
        message(TestTenants.WAIT_TENANT, conv, "I want to speak to a person")).statusCode());
    // Nobody online works the queue: the gateway says so (QUEUE_STATUS) and the handoff service's
    // timer, 3 s into the wait, offers a call back instead of a place in the queue.
    await().atMost(Duration.ofSeconds(45)).until(() -> said(conv).stream().anyMatch(t -> t.contains("Reply CALLBACK")));
    assertEquals(202, post(TestTenants.WAIT_SECRET,
        message(TestTenants.WAIT_TENANT, conv, "CALLBACK")).statusCode());
    await().atMost(Duration.ofSeconds(30)).until(() -> said(conv).stream().anyMatch(t -> t.contains("call you back")));
    // The supervisor's view shows the conversation as a follow-up task.
    await().atMost(Duration.ofSeconds(20)).until(() -> {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(
              URI.create(baton.url(SECOND_GATEWAY, "/v1/agent/conversations/" + conv)))
          .header("Authorization", "Bearer " + TestTenants.WALT_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 && Json.MAPPER.readTree(r.body()).at("/conversation/followUp").asBoolean();
    });
  }

  /** What the customer of {@code conversation} was sent, in order. */
  private static List<String> said(String conversation) {
    return callbacks.callbacks().stream()
        .map(r -> Json.read(r.body(), dev.baton.schemas.OutboundMessage.class))
        .filter(m -> m.conversationId().equals(conversation))
        .map(dev.baton.schemas.OutboundMessage::text)
        .toList();
  }
}
