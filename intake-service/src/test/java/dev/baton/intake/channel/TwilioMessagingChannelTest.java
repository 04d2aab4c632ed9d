package dev.baton.intake.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.intake.delivery.OutboundChannel.DeliveryException;
import dev.baton.schemas.Channel;
import dev.baton.schemas.Choice;
import dev.baton.schemas.Customer;
import dev.baton.schemas.OutboundMessage;
import dev.baton.schemas.SchemaVersions;
import dev.baton.schemas.Speaker;
import dev.baton.tenant.BusinessHours;
import dev.baton.tenant.Channels;
import dev.baton.tenant.EscalationRules;
import dev.baton.tenant.Templates;
import dev.baton.tenant.TenantConfig;
import dev.baton.testsupport.CallbackReceiver;
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
import java.util.Optional;
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
 * The channel on its own, against the Twilio double and the real Redis: what the engine-level test
 * cannot set up (a tenant without its auth token or a template, customers without a number, no
 * public base URL, a Twilio that never answers). Each test has its own tenant id.
 */
class TwilioMessagingChannelTest {
  private static CallbackReceiver twilio;
  private static RedisClient redis;
  private static ExecutorService blocking;
  private static CustomerServiceWindow window;
  private static TwilioSentMessages sent;
  private static TwilioMessagingChannel channel;

  @BeforeAll
  static void start() {
    TestRedis.requireRunning();
    twilio = new CallbackReceiver();
    redis = RedisClient.create(TestRedis.host(), TestRedis.port());
    blocking = Executors.newFixedThreadPool(2);
    window = new CustomerServiceWindow(redis);
    sent = new TwilioSentMessages(redis);
    // No public base URL: StatusCallback is left out.
    channel = new TwilioMessagingChannel(Duration.ofSeconds(5), Optional.empty(), window, sent, blocking,
        Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    twilio.close();
    redis.close();
    blocking.shutdownNow();
  }

  private static TenantConfig tenant(String authToken, String contentSid, String apiBaseUrl) {
    Channels.Twilio tw = new Channels.Twilio(TestTenants.TWILIO_ACCOUNT_SID, authToken, null,
        List.of(TestTenants.TWILIO_NUMBER), TestTenants.TWILIO_WHATSAPP_NUMBER, apiBaseUrl,
        Channels.Voice.defaults("t"), contentSid, contentSid == null ? List.of() : List.of("customerName"));
    return new TenantConfig("tw-unit-" + UUID.randomUUID(), "Unit Plumbing", ZoneId.of("UTC"),
        BusinessHours.ALWAYS, null, null, List.of(), Map.of(), EscalationRules.DEFAULTS,
        Templates.DEFAULTS, List.of(), null, null, null, null, new Channels(null, tw));
  }

  private static TenantConfig tenant() {
    return tenant(TestTenants.TWILIO_AUTH_TOKEN, TestTenants.TWILIO_MISSED_CALL_CONTENT_SID, twilio.url("/twilio"));
  }

  private static String number() {
    return "+4477" + (10_000_000 + ThreadLocalRandom.current().nextInt(89_999_999));
  }

  private static OutboundMessage message(TenantConfig tenant, Channel channel, String conversationId, Customer to,
      String text, String reason) {
    return new OutboundMessage(SchemaVersions.CURRENT, "msg-" + UUID.randomUUID(), tenant.id(), conversationId,
        channel, to, Speaker.BOT, null, text, reason, "ev-1", Instant.now());
  }

  private static DeliveryException failure(TenantConfig tenant, OutboundMessage m) {
    CompletionException e = assertThrows(CompletionException.class,
        () -> channel.send(tenant, m).toCompletableFuture().join());
    Throwable cause = e.getCause() instanceof CompletionException c ? c.getCause() : e.getCause();
    return assertInstanceOf(DeliveryException.class, cause);
  }

  @Test
  void withoutAPublicBaseUrlTheRequestHasNoStatusCallbackAndTheSidIsReturned() {
    TenantConfig tenant = tenant();
    String to = number();

    String sid = channel.send(tenant, message(tenant, Channel.SMS, "sms:" + to, new Customer("c1", "Ana", to, null),
        "hi", "x")).toCompletableFuture().join();

    CallbackReceiver.Received r = twilio.twilioRequestsTo(to).get(0);
    assertEquals(Map.of("To", List.of(to), "From", List.of(TestTenants.TWILIO_NUMBER), "Body", List.of("hi")),
        r.form());
    assertEquals(r.sid(), sid, "the SID Twilio answered is the provider's id of the message");
  }

  @Test
  void anSmsCannotShowButtonsSoTheChoicesAreListedOnePerLine() {
    TenantConfig tenant = tenant();
    String to = number();
    OutboundMessage plain = message(tenant, Channel.SMS, "sms:" + to, new Customer("c1", "Ana", to, null),
        "Your appointment is confirmed.", "faq:confirm-appointment");
    OutboundMessage m = new OutboundMessage(plain.schemaVersion(), plain.messageId(), plain.tenantId(),
        plain.conversationId(), plain.channel(), plain.recipient(), plain.sender(), null, plain.text(), plain.reason(),
        plain.causationEventId(), plain.createdAt(),
        List.of(new Choice("done", "That's all, thanks"), new Choice("reschedule", "Reschedule")));

    channel.send(tenant, m).toCompletableFuture().join();

    assertEquals(List.of("Your appointment is confirmed.\n\u2022 That's all, thanks\n\u2022 Reschedule"),
        twilio.twilioRequestsTo(to).get(0).form().get("Body"));
  }

  @Test
  void theNumberIsThePhoneTheIdOrTheConversations() throws Exception {
    String to = number();
    assertEquals(to, TwilioMessagingChannel.recipientNumber(new Customer("c1", null, to.substring(0, 5) + " "
        + to.substring(5), null), "conv", false), "formatting is dropped");
    assertEquals(to, TwilioMessagingChannel.recipientNumber(new Customer(to, null, null, null), "conv", false));
    assertEquals(to, TwilioMessagingChannel.recipientNumber(new Customer(to.substring(1), null, null, null), "conv",
        true), "a wa_id on WhatsApp");
    assertEquals(to, TwilioMessagingChannel.recipientNumber(null, "sms:" + to, false));
    assertEquals(to, TwilioMessagingChannel.recipientNumber(new Customer("c1", null, "07911 123456", null),
        "wa:" + to, true), "a national number is not enough; the conversation names the number");

    DeliveryException none = assertThrows(DeliveryException.class, () -> TwilioMessagingChannel.recipientNumber(
        new Customer(to.substring(1), null, "07911 123456", null), "wa:" + to, false));
    assertFalse(none.retryable());
    assertEquals("no SMS number for the recipient: recipient.phone is not an international number, recipient.id is"
        + " not a number and the conversation is not sms:<E.164>", none.getMessage());
    assertFalse(none.getMessage().contains("07911"), "the reason names fields, not values");
  }

  @Test
  void withoutItsAuthTokenNothingIsSent() {
    TenantConfig tenant = tenant(null, null, twilio.url("/twilio"));
    String to = number();

    DeliveryException e = failure(tenant, message(tenant, Channel.SMS, "sms:" + to,
        new Customer("c1", null, to, null), "hi", "x"));

    assertFalse(e.retryable());
    assertTrue(e.getMessage().contains("Twilio auth token not configured"), e.getMessage());
    assertEquals(List.of(), twilio.twilioRequestsTo(to));
  }

  @Test
  void outsideTheWindowAMissedCallWithoutATemplateIsRefusedAndAMissingVariableTooNeverSent() {
    String to = number();
    TenantConfig noTemplate = tenant(TestTenants.TWILIO_AUTH_TOKEN, null, twilio.url("/twilio"));
    DeliveryException e = failure(noTemplate, message(noTemplate, Channel.WHATSAPP, "wa:" + to,
        new Customer("c1", "Ana", to, null), "Sorry we missed you", "missed-call-ack"));
    assertFalse(e.retryable());
    assertTrue(e.getMessage().startsWith("outside the 24-hour customer-service window and the tenant has no "
        + "missedCallContentSid"), e.getMessage());

    // The tenant's template fills variable 1 with the customer's name, which this message lacks.
    TenantConfig withTemplate = tenant();
    DeliveryException noName = failure(withTemplate, message(withTemplate, Channel.WHATSAPP, "wa:" + to,
        new Customer("c1", null, to, null), "Sorry we missed you", "missed-call-ack"));
    assertFalse(noName.retryable());
    assertEquals("Content template variable 1 (customerName) has no value (recipient.name is missing)",
        noName.getMessage());
    assertEquals(List.of(), twilio.twilioRequestsTo("whatsapp:" + to));
  }

  @Test
  void aTwilioThatNeverAnswersIsCutOffAtTheDeadlineAndRetried() throws Exception {
    List<Socket> held = new CopyOnWriteArrayList<>();
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread acceptor = new Thread(() -> {
        try {
          while (true) {
            held.add(silent.accept()); // read nothing, answer nothing
          }
        } catch (IOException closed) {
          // the test is over
        }
      });
      acceptor.setDaemon(true);
      acceptor.start();
      TwilioMessagingChannel quick = new TwilioMessagingChannel(Duration.ofMillis(300), Optional.empty(), window,
          sent, blocking, Clock.systemUTC());
      TenantConfig tenant = tenant(TestTenants.TWILIO_AUTH_TOKEN, null,
          "http://127.0.0.1:" + silent.getLocalPort() + "/twilio");
      String to = number();

      CompletionException e = assertThrows(CompletionException.class, () -> quick.send(tenant,
          message(tenant, Channel.SMS, "sms:" + to, new Customer("c1", null, to, null), "hi", "x"))
          .toCompletableFuture().join());

      Throwable cause = e.getCause() instanceof CompletionException c ? c.getCause() : e.getCause();
      DeliveryException d = assertInstanceOf(DeliveryException.class, cause);
      assertTrue(d.retryable());
      assertTrue(d.getMessage().startsWith("twilio did not complete its answer within"), d.getMessage());
    } finally {
      for (Socket s : held) {
        s.close();
      }
    }
  }
}
