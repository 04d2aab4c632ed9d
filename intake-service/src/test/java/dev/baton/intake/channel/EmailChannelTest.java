package dev.baton.intake.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.intake.delivery.OutboundChannel.DeliveryException;
import dev.baton.schemas.Channel;
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
import dev.baton.testsupport.TestRedis;
import dev.baton.testsupport.TestTenants;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * The email channels on their own, against the Mailgun and SendGrid doubles and the real Redis:
 * the requests field for field as the providers document them, threading, once-only sending and
 * the providers' errors. Each test has its own tenant id and customer.
 */
class EmailChannelTest {
  private static CallbackReceiver providers;
  private static RedisClient redis;
  private static ExecutorService blocking;
  private static EmailThreads threads;
  private static EmailSentMessages sent;
  private static MailgunChannel mailgun;
  private static SendGridChannel sendGrid;

  @BeforeAll
  static void start() {
    TestRedis.requireRunning();
    providers = new CallbackReceiver();
    redis = RedisClient.create(TestRedis.host(), TestRedis.port());
    blocking = Executors.newFixedThreadPool(2);
    threads = new EmailThreads(redis);
    sent = new EmailSentMessages(redis);
    mailgun = new MailgunChannel(Duration.ofSeconds(5), threads, sent, blocking);
    sendGrid = new SendGridChannel(Duration.ofSeconds(5), threads, sent, blocking);
  }

  @AfterAll
  static void stop() {
    providers.close();
    redis.close();
    blocking.shutdownNow();
  }

  private static TenantConfig tenant(Channels.EmailProvider provider, String apiKey) {
    Channels.Email email = provider == Channels.EmailProvider.MAILGUN
        ? new Channels.Email(provider, List.of(TestTenants.MAILGUN_ADDRESS), TestTenants.MAILGUN_ADDRESS, "Tw Plumbing",
            apiKey, providers.url("/mailgun"), TestTenants.MAILGUN_SIGNING_KEY, TestTenants.MAILGUN_DOMAIN, null, null, null)
        : new Channels.Email(provider, List.of(TestTenants.SENDGRID_ADDRESS), TestTenants.SENDGRID_FROM, "Wa Bikes",
            apiKey, providers.url("/sendgrid"), null, null, "token-0123456789abcdefghij", null, null);
    return new TenantConfig("em-unit-" + UUID.randomUUID(), "Unit Bikes", ZoneId.of("UTC"), BusinessHours.ALWAYS, null,
        null, List.of(), Map.of(), EscalationRules.DEFAULTS, Templates.DEFAULTS, List.of(), null, null, null, null,
        new Channels(null, null, null, email));
  }

  private static String customer() {
    return "alice." + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
  }

  private static OutboundMessage message(TenantConfig tenant, String conversationId, Customer to, String text) {
    return new OutboundMessage(SchemaVersions.CURRENT, "msg-" + UUID.randomUUID(), tenant.id(), conversationId,
        Channel.EMAIL, to, Speaker.BOT, null, text, "faq:x", "ev-1", Instant.now());
  }

  /** A thread as the inbound side leaves it after the customer's first email. */
  private static String thread(TenantConfig tenant, String address, String subject, String customerMessageId) {
    String conversation = EmailThreads.newConversation(customerMessageId, address);
    threads.remember(tenant.id(), customerMessageId, conversation);
    threads.update(tenant.id(), conversation, new EmailThreads.Thread(address, "Alice", subject, customerMessageId,
        List.of(customerMessageId)));
    return conversation;
  }

  private static DeliveryException failure(EmailChannel channel, TenantConfig tenant, OutboundMessage m) {
    CompletionException e = assertThrows(CompletionException.class, () -> channel.send(tenant, m).toCompletableFuture().join());
    Throwable cause = e.getCause() instanceof CompletionException c ? c.getCause() : e.getCause();
    return assertInstanceOf(DeliveryException.class, cause);
  }

  @Test
  void mailgunGetsItsFormWithTheThreadingHeadersAndTheReplyThreadsBack() {
    TenantConfig tenant = tenant(Channels.EmailProvider.MAILGUN, TestTenants.MAILGUN_API_KEY);
    String address = customer();
    String conversation = thread(tenant, address, "Order #A12345 missing", "CAF1234." + address);
    OutboundMessage m = message(tenant, conversation, new Customer(address, "Alice", null, address),
        "Sorry to hear that — we're on it.");

    String id = mailgun.send(tenant, m).toCompletableFuture().join();

    List<CallbackReceiver.Received> requests = providers.emailRequestsTo(address);
    assertEquals(1, requests.size());
    CallbackReceiver.Received r = requests.get(0);
    assertEquals("/mailgun/v3/mg.example.com/messages", r.path());
    assertEquals("Basic " + Base64.getEncoder().encodeToString(("api:" + TestTenants.MAILGUN_API_KEY)
        .getBytes(StandardCharsets.UTF_8)), r.header("Authorization"));
    assertEquals("application/x-www-form-urlencoded", r.header("Content-Type"));
    String ours = EmailChannel.messageId(tenant, tenant.channels().email(), m);
    assertEquals(Map.of(
        "from", List.of("\"Tw Plumbing\" <support@mg.example.com>"),
        "to", List.of("\"Alice\" <" + address + ">"),
        "subject", List.of("Re: Order #A12345 missing"),
        "text", List.of("Sorry to hear that — we're on it."),
        "h:Message-Id", List.of("<" + ours + ">"),
        "h:In-Reply-To", List.of("<CAF1234." + address + ">"),
        "h:References", List.of("<CAF1234." + address + ">")), r.form());
    assertEquals(List.of("from", "to", "subject", "text", "h:Message-Id", "h:In-Reply-To", "h:References"),
        List.copyOf(r.form().keySet()), "in the documented order");
    assertEquals(200, r.status());
    assertEquals(r.emailId(), id, "Mailgun's id of the email is the provider's id");
    assertTrue(ours.endsWith("@mg.example.com"), ours);
    assertEquals(java.util.Optional.of(conversation), threads.conversationOf(tenant.id(), List.of(ours)),
        "the customer's answer to Baton's reply lands in the same conversation");
  }

  @Test
  void aRedeliveredMessageIsNotSentTwice() {
    TenantConfig tenant = tenant(Channels.EmailProvider.MAILGUN, TestTenants.MAILGUN_API_KEY);
    String address = customer();
    String conversation = thread(tenant, address, "Hello", "first." + address);
    OutboundMessage m = message(tenant, conversation, new Customer(address, null, null, address), "Hi there");

    String first = mailgun.send(tenant, m).toCompletableFuture().join();
    String again = mailgun.send(tenant, m).toCompletableFuture().join();

    assertEquals(1, providers.emailRequestsTo(address).size(), "the customer got the reply once");
    assertEquals(EmailReader.firstId(first), again, "the redelivery answers with the reply's Message-ID");
  }

  @Test
  void aDeliveryInFlightHoldsTheMessageSoASecondOneDoesNotSendIt() {
    TenantConfig tenant = tenant(Channels.EmailProvider.MAILGUN, TestTenants.MAILGUN_API_KEY);
    String address = customer();
    String conversation = thread(tenant, address, "Hello", "first." + address);
    OutboundMessage m = message(tenant, conversation, new Customer(address, null, null, address), "Hi there");
    String id = EmailChannel.messageId(tenant, tenant.channels().email(), m);
    // Another delivery of the same message has claimed it and is waiting on Mailgun.
    assertTrue(sent.claim(tenant.id(), id, Duration.ofMinutes(1)));

    DeliveryException busy = failure(mailgun, tenant, m);
    assertTrue(busy.retryable(), "retried later, when the first has recorded it");
    assertEquals(0, providers.emailRequestsTo(address).size(), "not sent by the second");

    sent.release(tenant.id(), id);
    mailgun.send(tenant, m).toCompletableFuture().join();
    assertEquals(1, providers.emailRequestsTo(address).size());
    assertFalse(sent.claim(tenant.id(), id, Duration.ofMinutes(1)), "kept after the send");
  }

  @Test
  void aFailedAttemptReleasesItsClaimSoTheRetrySends() {
    TenantConfig tenant = tenant(Channels.EmailProvider.SENDGRID, TestTenants.SENDGRID_API_KEY);
    String address = customer();
    OutboundMessage m = message(tenant, "email:none", new Customer(address, null, null, null), "x");
    providers.failEmailNext(1, 503);
    assertTrue(failure(sendGrid, tenant, m).retryable());
    sendGrid.send(tenant, m).toCompletableFuture().join();
    assertEquals(202, providers.emailRequestsTo(address).get(providers.emailRequestsTo(address).size() - 1).status());
  }

  @Test
  void anAddressThatWouldBecomeSeveralRecipientsIsNotSentTo() {
    TenantConfig tenant = tenant(Channels.EmailProvider.MAILGUN, TestTenants.MAILGUN_API_KEY);
    String quoted = "\"a@evil.example,b\"@x.example";
    DeliveryException e = failure(mailgun, tenant, message(tenant, "email:none", new Customer(quoted, null, null, quoted), "x"));
    assertFalse(e.retryable());
    assertTrue(e.getMessage().startsWith("no email address for the recipient"), e.getMessage());
    assertTrue(providers.emailRequestsTo("a@evil.example").isEmpty());
  }

  @Test
  void sendGridGetsItsJsonWithTheThreadingHeadersAndItsIdIsXMessageId() throws Exception {
    TenantConfig tenant = tenant(Channels.EmailProvider.SENDGRID, TestTenants.SENDGRID_API_KEY);
    String address = customer();
    String conversation = thread(tenant, address, "Re: Re: Brake pads", "CAB+1." + address);
    OutboundMessage m = message(tenant, conversation, new Customer(address, "Alice", null, address), "Ready on Friday.");

    String id = sendGrid.send(tenant, m).toCompletableFuture().join();

    CallbackReceiver.Received r = providers.emailRequestsTo(address).get(0);
    assertEquals("/sendgrid/v3/mail/send", r.path());
    assertEquals("Bearer " + TestTenants.SENDGRID_API_KEY, r.header("Authorization"));
    assertEquals("application/json", r.header("Content-Type"));
    String ours = EmailChannel.messageId(tenant, tenant.channels().email(), m);
    JsonNode expected = Json.MAPPER.readTree("""
        {"personalizations":[{"to":[{"email":"%1$s","name":"Alice"}]}],
         "from":{"email":"help@wabikes.example","name":"Wa Bikes"},
         "subject":"Re: Brake pads",
         "content":[{"type":"text/plain","value":"Ready on Friday."}],
         "headers":{"Message-ID":"<%2$s>","In-Reply-To":"<CAB+1.%1$s>","References":"<CAB+1.%1$s>"}}"""
        .formatted(address, ours));
    assertEquals(expected, r.json());
    assertEquals(202, r.status());
    assertEquals(r.emailId(), id, "SendGrid's X-Message-Id");
    assertEquals(java.util.Optional.of(conversation), threads.conversationOf(tenant.id(), List.of(ours)));
  }

  @Test
  void withoutAThreadTheReplyGoesToTheRecipientUnderTheTenantsName() {
    TenantConfig tenant = tenant(Channels.EmailProvider.SENDGRID, TestTenants.SENDGRID_API_KEY);
    String address = customer();
    sendGrid.send(tenant, message(tenant, "email:none", new Customer(address.toUpperCase(), null, null, null), "Hello"))
        .toCompletableFuture().join();
    JsonNode body = providers.emailRequestsTo(address).get(0).json();
    assertEquals("Re: Unit Bikes", body.path("subject").asText());
    assertFalse(body.path("headers").has("In-Reply-To"));
    assertFalse(body.path("personalizations").path(0).path("to").path(0).has("name"));
  }

  @Test
  void providerErrorsAreRetriedOrDeadLetteredWithTheStatus() {
    TenantConfig tenant = tenant(Channels.EmailProvider.SENDGRID, TestTenants.SENDGRID_API_KEY);
    String address = customer();
    providers.failEmailNext(1, 429);
    assertTrue(failure(sendGrid, tenant, message(tenant, "c", new Customer(address, null, null, null), "x")).retryable());
    providers.failEmailNext(1, 503);
    assertTrue(failure(sendGrid, tenant, message(tenant, "c", new Customer(address, null, null, null), "x")).retryable());

    TenantConfig wrongKey = tenant(Channels.EmailProvider.MAILGUN, "key-wrong");
    DeliveryException e = failure(mailgun, wrongKey, message(wrongKey, "c", new Customer(address, null, null, null), "x"));
    assertFalse(e.retryable());
    assertEquals("mailgun error HTTP 401 Unauthorized (the API key)", e.getMessage());
  }

  @Test
  void aMessageWithoutAnAddressOrAKeyIsRefusedForGood() {
    TenantConfig tenant = tenant(Channels.EmailProvider.MAILGUN, TestTenants.MAILGUN_API_KEY);
    DeliveryException none = failure(mailgun, tenant, message(tenant, "email:nothing",
        new Customer("c-17", null, "+15550100", null), "x"));
    assertFalse(none.retryable());
    assertTrue(none.getMessage().startsWith("no email address for the recipient"), none.getMessage());

    TenantConfig noKey = tenant(Channels.EmailProvider.MAILGUN, null);
    DeliveryException key = failure(mailgun, noKey, message(noKey, "c", new Customer(customer(), null, null, null), "x"));
    assertFalse(key.retryable());
    assertTrue(key.getMessage().contains("apiKeyEnv"), key.getMessage());
  }

  @Test
  void eachChannelHandlesOnlyItsProvidersEmail() {
    TenantConfig mg = tenant(Channels.EmailProvider.MAILGUN, "k");
    TenantConfig sg = tenant(Channels.EmailProvider.SENDGRID, "k");
    OutboundMessage email = message(mg, "c", null, "x");
    assertTrue(mailgun.handles(mg, email));
    assertFalse(sendGrid.handles(mg, email));
    assertTrue(sendGrid.handles(sg, email));
    OutboundMessage sms = new OutboundMessage(SchemaVersions.CURRENT, "m", mg.id(), "c", Channel.SMS, null, Speaker.BOT,
        null, "x", "r", "e", Instant.now());
    assertFalse(mailgun.handles(mg, sms));
  }

  @Test
  void subjectsAreAnsweredOnce() {
    TenantConfig t = tenant(Channels.EmailProvider.MAILGUN, "k");
    assertEquals("Re: Invoice", EmailChannel.subject("RE: AW: Invoice", t));
    assertEquals("Re: Two lines", EmailChannel.subject("Two\r\n lines", t));
    assertEquals("Re: Unit Bikes", EmailChannel.subject("  ", t));
    assertEquals("Re: A  B", EmailChannel.subject("A  B", t), "blanks without a line break stay");
    assertEquals("\"Ann \\\"A\\\" O\\\\B\" <a@b.example>", MailgunChannel.mailbox("Ann \"A\" O\\B", "a@b.example"));
  }

  /** Hostile subjects (a header can be megabytes): the timeout fails a pass that is not linear again. */
  @Test
  @org.junit.jupiter.api.Timeout(value = 10, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
  void longSubjectsAreAnsweredInOnePass() {
    TenantConfig t = tenant(Channels.EmailProvider.MAILGUN, "k");
    assertEquals("Re: a" + " ".repeat(199), EmailChannel.subject("a" + " ".repeat(2_000_000) + "b", t));
    assertEquals("Re: Invoice", EmailChannel.subject("re: ".repeat(1_000_000) + "Invoice", t));
  }
}
