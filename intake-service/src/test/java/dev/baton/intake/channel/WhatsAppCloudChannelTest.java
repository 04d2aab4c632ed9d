package dev.baton.intake.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.intake.delivery.OutboundChannel.DeliveryException;
import dev.baton.schemas.Channel;
import dev.baton.schemas.Choice;
import dev.baton.schemas.Customer;
import dev.baton.schemas.OutboundMessage;
import dev.baton.schemas.SchemaVersions;
import dev.baton.schemas.Speaker;
import dev.baton.schemas.serde.Json;
import dev.baton.tenant.BusinessHours;
import dev.baton.tenant.Channels;
import dev.baton.tenant.EscalationRules;
import dev.baton.tenant.Templates;
import dev.baton.tenant.TenantConfig;
import dev.baton.testsupport.CallbackReceiver;
import dev.baton.testsupport.CallbackReceiver.Received;
import dev.baton.testsupport.TestRedis;
import dev.baton.testsupport.TestTenants;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * The channel on its own, against the Graph API double and the real Redis: what the engine-level
 * test cannot set up (a tenant without its access token, customers without a number, texts over
 * WhatsApp's limit, a Graph API that never answers). Each test has its own tenant id.
 */
class WhatsAppCloudChannelTest {
  private static CallbackReceiver graph;
  private static RedisClient redis;
  private static ExecutorService blocking;
  private static CustomerServiceWindow window;
  private static WhatsAppSentMessages sent;
  private static WhatsAppCloudChannel channel;

  @BeforeAll
  static void start() {
    TestRedis.requireRunning();
    graph = new CallbackReceiver();
    redis = RedisClient.create(TestRedis.host(), TestRedis.port());
    blocking = Executors.newFixedThreadPool(2);
    window = new CustomerServiceWindow(redis);
    sent = new WhatsAppSentMessages(redis);
    channel = new WhatsAppCloudChannel(Duration.ofSeconds(5), window, sent, blocking, Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    graph.close();
    redis.close();
    blocking.shutdownNow();
  }

  private static TenantConfig tenant(String accessToken, Channels.MessageTemplate template) {
    return tenant(accessToken, template, graph.url("/graph/v21.0"));
  }

  private static TenantConfig tenant(String accessToken, Channels.MessageTemplate template, String apiBaseUrl) {
    Channels.WhatsApp wa = new Channels.WhatsApp(TestTenants.WHATSAPP_PHONE_NUMBER_ID, "app-secret", "verify",
        accessToken, apiBaseUrl, template);
    return new TenantConfig("wa-unit-" + UUID.randomUUID(), "Unit Bikes", ZoneId.of("UTC"),
        BusinessHours.ALWAYS, null, null, List.of(), Map.of(), EscalationRules.DEFAULTS,
        Templates.DEFAULTS, List.of(), null, null, null, null, new Channels(wa));
  }

  private static String number() {
    return "+4477" + (10_000_000 + ThreadLocalRandom.current().nextInt(89_999_999));
  }

  private static OutboundMessage message(TenantConfig tenant, Customer to, String text, String reason) {
    return new OutboundMessage(SchemaVersions.CURRENT, "msg-" + UUID.randomUUID(), tenant.id(),
        "conv-" + UUID.randomUUID(), Channel.WHATSAPP, to, Speaker.BOT, null, text, reason, "ev-1", Instant.now());
  }

  private static void openWindow(TenantConfig tenant, String waId) {
    Instant now = Instant.now();
    window.customerWrote(tenant.id(), waId, now, now);
  }

  private static DeliveryException failure(TenantConfig tenant, OutboundMessage m) {
    CompletionException e = assertThrows(CompletionException.class,
        () -> channel.send(tenant, m).toCompletableFuture().join());
    Throwable cause = e.getCause() instanceof CompletionException c ? c.getCause() : e.getCause();
    return assertInstanceOf(DeliveryException.class, cause);
  }

  @Test
  void withoutAnAccessTokenNothingIsSent() {
    TenantConfig tenant = tenant(null, null);
    String to = number();
    openWindow(tenant, to.substring(1));

    DeliveryException e = failure(tenant, message(tenant, new Customer("c1", "Ana", to, null), "hi", "faq:x"));

    assertFalse(e.retryable());
    assertTrue(e.getMessage().startsWith("WhatsApp access token not configured"), e.getMessage());
    assertEquals(List.of(), graph.graphRequestsTo(to));
  }

  @Test
  void withoutANumberTheFailureNamesTheFieldsAndNotTheValue() {
    TenantConfig tenant = tenant(TestTenants.WHATSAPP_ACCESS_TOKEN, null);

    DeliveryException none = failure(tenant, message(tenant, new Customer("web-visitor-7", "Ana", null, null), "hi", "x"));
    DeliveryException national =
        failure(tenant, message(tenant, new Customer("web-visitor-7", "Ana", "07911 123456", null), "hi", "x"));

    assertFalse(none.retryable());
    assertEquals("no WhatsApp number for the recipient: recipient.phone is missing, recipient.id is not a number"
        + " and the conversation is not wa:<E.164>", none.getMessage());
    assertFalse(national.retryable());
    assertTrue(national.getMessage().contains("recipient.phone is not an E.164 number"), national.getMessage());
    assertFalse(national.getMessage().contains("07911"), national.getMessage());
  }

  @Test
  void aFormattedPhoneIsSentCompactAndAWaIdStandsInForAMissingPhone() {
    TenantConfig tenant = tenant(TestTenants.WHATSAPP_ACCESS_TOKEN, null);
    String to = number();
    String waId = number().substring(1);
    openWindow(tenant, to.substring(1));
    openWindow(tenant, waId);
    String formatted = to.substring(0, 3) + " (" + to.substring(3, 6) + ") " + to.substring(6, 9) + "-" + to.substring(9);

    channel.send(tenant, message(tenant, new Customer("c1", "Ana", formatted, null), "one", "x")).toCompletableFuture().join();
    channel.send(tenant, message(tenant, new Customer(waId, "Bo", null, null), "two", "x")).toCompletableFuture().join();

    assertEquals(1, graph.graphRequestsTo(to).size());
    assertEquals("one", graph.graphRequestsTo(to).get(0).json().path("text").path("body").asText());
    assertEquals(1, graph.graphRequestsTo("+" + waId).size());
  }

  @Test
  void anE164RecipientIdOrAWhatsAppConversationStandsInForAMissingPhone() {
    TenantConfig tenant = tenant(TestTenants.WHATSAPP_ACCESS_TOKEN, null);
    String byId = number();
    String byConversation = number();
    openWindow(tenant, byId.substring(1));
    openWindow(tenant, byConversation.substring(1));
    OutboundMessage fromConversation = new OutboundMessage(SchemaVersions.CURRENT, "msg-" + UUID.randomUUID(),
        tenant.id(), "wa:" + byConversation, Channel.WHATSAPP, new Customer("crm-17", null, null, null), Speaker.AGENT,
        "alice", "three", "agent-reply", "ev-1", Instant.now());

    channel.send(tenant, message(tenant, new Customer(byId, "Ana", null, null), "two", "x")).toCompletableFuture().join();
    channel.send(tenant, fromConversation).toCompletableFuture().join();

    assertEquals("two", graph.graphRequestsTo(byId).get(0).json().path("text").path("body").asText());
    assertEquals("three", graph.graphRequestsTo(byConversation).get(0).json().path("text").path("body").asText());
  }

  @Test
  void theWindowIsOpenWhenTheCustomersWaIdWroteEvenIfThePhoneDiffers() {
    // Meta's wa_id can differ from the number the customer gave (country-specific rewrites).
    TenantConfig tenant = tenant(TestTenants.WHATSAPP_ACCESS_TOKEN, null);
    String to = number();
    String waId = number().substring(1);
    openWindow(tenant, waId);

    channel.send(tenant, message(tenant, new Customer(waId, "Ana", to, null), "hello", "x")).toCompletableFuture().join();

    assertEquals("text", graph.graphRequestsTo(to).get(0).json().path("type").asText());
  }

  @Test
  void aTextOverTheLimitGoesOutInOrderedPartsEachRecorded() {
    TenantConfig tenant = tenant(TestTenants.WHATSAPP_ACCESS_TOKEN, null);
    String to = number();
    openWindow(tenant, to.substring(1));
    String text = ("Wheel truing takes two days. ".repeat(150) + "\n").repeat(2) + "Thanks!"; // 8709 characters
    OutboundMessage m = message(tenant, new Customer("c1", "Ana", to, null), text, "handoff-notice");

    channel.send(tenant, m).toCompletableFuture().join();

    List<Received> requests = graph.graphRequestsTo(to);
    assertEquals(3, requests.size());
    StringBuilder joined = new StringBuilder();
    for (int i = 0; i < requests.size(); i++) {
      String body = requests.get(i).json().path("text").path("body").asText();
      assertTrue(body.length() <= WhatsAppCloudChannel.MAX_TEXT, "part " + (i + 1) + " is " + body.length());
      joined.append(body);
      assertEquals(new WhatsAppSentMessages.Sent(m.messageId(), m.conversationId(), Channel.WHATSAPP, i + 1, 3),
          sent.lookup(tenant.id(), requests.get(i).wamid()).orElseThrow());
    }
    assertEquals(text, joined.toString());
    assertEquals(3, sent.partsSent(tenant.id(), m.messageId()));
  }

  @Test
  void choicesGoOutAsReplyButtonsInTheGraphApiShape() throws Exception {
    TenantConfig tenant = tenant(TestTenants.WHATSAPP_ACCESS_TOKEN, null);
    String to = number();
    openWindow(tenant, to.substring(1));
    OutboundMessage m = withChoices(message(tenant, new Customer("c1", "Ana", to, null),
        "Your appointment is confirmed.", "faq:confirm-appointment"),
        List.of(new Choice("done", "That's all, thanks"), new Choice("reschedule", "Reschedule")));

    channel.send(tenant, m).toCompletableFuture().join();

    List<Received> requests = graph.graphRequestsTo(to);
    assertEquals(1, requests.size());
    assertEquals(Json.MAPPER.readTree("""
        {"messaging_product":"whatsapp","recipient_type":"individual","to":"%s","type":"interactive",
         "interactive":{"type":"button","body":{"text":"Your appointment is confirmed."},
          "action":{"buttons":[{"type":"reply","reply":{"id":"done","title":"That's all, thanks"}},
                               {"type":"reply","reply":{"id":"reschedule","title":"Reschedule"}}]}}}
        """.formatted(to)), requests.get(0).json());
  }

  @Test
  void aLongAnswerWithChoicesPutsTheButtonsOnItsLastPartWithinTheInteractiveLimit() {
    TenantConfig tenant = tenant(TestTenants.WHATSAPP_ACCESS_TOKEN, null);
    String to = number();
    openWindow(tenant, to.substring(1));
    String text = "Our price list has many entries. ".repeat(40) + "Shall we book you in?"; // 1341 characters
    OutboundMessage m = withChoices(message(tenant, new Customer("c1", "Ana", to, null), text, "faq:prices"),
        List.of(new Choice("book", "Book me in")));

    channel.send(tenant, m).toCompletableFuture().join();

    List<Received> requests = graph.graphRequestsTo(to);
    assertEquals(2, requests.size());
    assertEquals("text", requests.get(0).json().path("type").asText());
    JsonNode last = requests.get(1).json();
    assertEquals("interactive", last.path("type").asText());
    String body = last.path("interactive").path("body").path("text").asText();
    assertTrue(body.length() <= WhatsAppCloudChannel.MAX_INTERACTIVE_BODY, body.length() + " characters");
    assertEquals(text, requests.get(0).json().path("text").path("body").asText() + body);
    assertEquals("book", last.path("interactive").path("action").path("buttons").get(0).path("reply").path("id").asText());
  }

  @Test
  void moreChoicesThanWhatsAppShowsAreRefusedForGood() {
    TenantConfig tenant = tenant(TestTenants.WHATSAPP_ACCESS_TOKEN, null);
    String to = number();
    openWindow(tenant, to.substring(1));
    OutboundMessage m = withChoices(message(tenant, new Customer("c1", "Ana", to, null), "Pick one", "faq:x"),
        List.of(new Choice("a", "A"), new Choice("b", "B"), new Choice("c", "C"), new Choice("d", "D")));

    DeliveryException e = failure(tenant, m);

    assertFalse(e.retryable());
    assertTrue(e.getMessage().contains("at most 3 reply buttons"), e.getMessage());
    assertTrue(graph.graphRequestsTo(to).isEmpty());
  }

  private static OutboundMessage withChoices(OutboundMessage m, List<Choice> choices) {
    return new OutboundMessage(m.schemaVersion(), m.messageId(), m.tenantId(), m.conversationId(), m.channel(),
        m.recipient(), m.sender(), m.agentId(), m.text(), m.reason(), m.causationEventId(), m.createdAt(), choices);
  }

  @Test
  void aRetryOfASplitTextResumesAfterThePartsAlreadySent() {
    TenantConfig tenant = tenant(TestTenants.WHATSAPP_ACCESS_TOKEN, null);
    String to = number();
    openWindow(tenant, to.substring(1));
    String text = "a".repeat(4096) + "b".repeat(4096) + "c".repeat(10);
    OutboundMessage m = message(tenant, new Customer("c1", "Ana", to, null), text, "x");
    // An earlier attempt got part 1 out, then failed on part 2.
    sent.record(tenant.id(), "wamid.earlier", new WhatsAppSentMessages.Sent(m.messageId(), m.conversationId(), Channel.WHATSAPP, 1, 3));

    channel.send(tenant, m).toCompletableFuture().join();

    List<String> bodies = graph.graphRequestsTo(to).stream().map(r -> r.json().path("text").path("body").asText()).toList();
    assertEquals(List.of("b".repeat(4096), "c".repeat(10)), bodies);
  }

  @Test
  void aFailedPartFailsTheAttemptAndIsNotCountedAsSent() {
    TenantConfig tenant = tenant(TestTenants.WHATSAPP_ACCESS_TOKEN, null);
    String to = number();
    openWindow(tenant, to.substring(1));
    OutboundMessage m = message(tenant, new Customer("c1", "Ana", to, null), "x".repeat(5000), "x");
    graph.failGraphNext(1, CallbackReceiver.GraphError.of(503, 133004, "(#133004) Server temporarily unavailable"));

    DeliveryException e = failure(tenant, m);

    assertTrue(e.retryable());
    assertTrue(e.getMessage().startsWith("whatsapp error 133004: Server temporarily unavailable (HTTP 503"),
        e.getMessage());
    assertEquals(0, sent.partsSent(tenant.id(), m.messageId()));
    assertEquals(1, graph.graphRequestsTo(to).size());
  }

  @Test
  void aTemplateWithoutBodyParametersHasNoComponents() throws Exception {
    TenantConfig tenant =
        tenant(TestTenants.WHATSAPP_ACCESS_TOKEN, new Channels.MessageTemplate("missed_call_plain", "de", List.of()));
    String to = number();

    channel.send(tenant, message(tenant, new Customer("c1", null, to, null), "Sorry we missed you", "missed-call-ack"))
        .toCompletableFuture().join();

    JsonNode expected = Json.MAPPER.readTree("""
        {"messaging_product":"whatsapp","to":"%s","type":"template",
         "template":{"name":"missed_call_plain","language":{"code":"de"}}}""".formatted(to));
    assertEquals(expected, graph.graphRequestsTo(to).get(0).json());
  }

  @Test
  void aTemplateParameterWithoutAValueIsRefusedNamingIt() {
    TenantConfig tenant = tenant(TestTenants.WHATSAPP_ACCESS_TOKEN,
        new Channels.MessageTemplate("missed_call_named", "en_US", List.of("customerName", "tenantName")));
    String to = number();

    DeliveryException e = failure(tenant, message(tenant, new Customer("c1", null, to, null), "ack", "missed-call-ack"));

    assertFalse(e.retryable());
    assertEquals("template missed_call_named parameter customerName has no value (recipient.name is missing)",
        e.getMessage());
    assertEquals(List.of(), graph.graphRequestsTo(to));
  }

  @Test
  void aGraphApiThatNeverAnswersIsCutOffAsRetryable() throws Exception {
    List<Socket> held = new CopyOnWriteArrayList<>();
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread acceptor = new Thread(() -> {
        try {
          while (true) {
            held.add(silent.accept()); // accepts and never answers
          }
        } catch (IOException closed) {
          // the test is over
        }
      });
      acceptor.setDaemon(true);
      acceptor.start();
      TenantConfig tenant = tenant(TestTenants.WHATSAPP_ACCESS_TOKEN, null,
          "http://127.0.0.1:" + silent.getLocalPort() + "/graph/v21.0");
      String to = number();
      openWindow(tenant, to.substring(1));
      WhatsAppCloudChannel quick = new WhatsAppCloudChannel(Duration.ofMillis(300), window, sent, blocking, Clock.systemUTC());

      CompletionException e = assertThrows(CompletionException.class,
          () -> quick.send(tenant, message(tenant, new Customer("c1", "Ana", to, null), "hi", "x")).toCompletableFuture().join());

      DeliveryException d = assertInstanceOf(DeliveryException.class,
          e.getCause() instanceof CompletionException c ? c.getCause() : e.getCause());
      assertTrue(d.retryable());
      assertTrue(d.getMessage().startsWith("whatsapp did not complete its answer within"), d.getMessage());
    } finally {
      for (Socket s : held) {
        s.close();
      }
    }
  }

  @Test
  void splitCutsAtWhitespaceAndNeverBetweenASurrogatePair() {
    assertEquals(List.of("short"), WhatsAppCloudChannel.split("short", 10));
    assertEquals(List.of("aaaa bbb ", "cccc"), WhatsAppCloudChannel.split("aaaa bbb cccc", 10));
    // No whitespace in the second half: cut at the limit.
    assertEquals(List.of("a aaaaaaaa", "aaa"), WhatsAppCloudChannel.split("a aaaaaaaaaaa", 10));
    String emoji = "\uD83D\uDEB2"; // a bicycle, two chars
    List<String> parts = WhatsAppCloudChannel.split("x".repeat(9) + emoji + "y", 10);
    assertEquals(List.of("x".repeat(9), emoji + "y"), parts);
  }
}
