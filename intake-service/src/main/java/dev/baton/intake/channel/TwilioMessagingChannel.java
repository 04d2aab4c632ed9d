package dev.baton.intake.channel;

import dev.baton.intake.config.IntakeConfig;
import dev.baton.intake.delivery.BoundedExchange;
import dev.baton.intake.delivery.OutboundChannel;
import dev.baton.schemas.Channel;
import dev.baton.schemas.Customer;
import dev.baton.schemas.DeadLetters;
import dev.baton.schemas.OutboundMessage;
import dev.baton.schemas.serde.Json;
import dev.baton.tenant.Channels;
import dev.baton.tenant.TenantConfig;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Sends a Twilio tenant's SMS, and its WhatsApp messages when its WhatsApp sender is on Twilio (a
 * tenant with Meta's Cloud API number sends WhatsApp through {@link WhatsAppCloudChannel}):
 * {@code POST {apiBaseUrl}/2010-04-01/Accounts/{AccountSid}/Messages.json}, HTTP Basic auth with
 * the account SID and auth token, a form body of {@code To}, {@code From} (the tenant's first
 * number, {@code whatsapp:+E164} for WhatsApp), {@code Body} and {@code StatusCallback}.
 *
 * <ul>
 *   <li><b>Status callbacks.</b> {@code StatusCallback} is the public URL of {@code
 *       /v1/channels/twilio/<tenant>/message-status} ({@code intake.channels.public-base-url});
 *       without a public base URL it is left out, and Twilio reports statuses only to the
 *       number's or Messaging Service's own status URL, if any.
 *   <li><b>The 24-hour window</b> (WhatsApp only): outside it Twilio refuses free-form text (63016).
 *       The missed-call acknowledgement (reason {@value WhatsAppCloudChannel#MISSED_CALL_ACK})
 *       becomes the tenant's Content template ({@code ContentSid}, {@code ContentVariables});
 *       anything else is refused for good, never sent.
 *   <li><b>Long texts</b> (over {@value #MAX_BODY} characters, Twilio's limit) go out in parts, in
 *       order, each its own message; the parts already sent are remembered, so a retry resumes
 *       after them.
 *   <li><b>Errors</b> are classified by {@link TwilioErrors}: throttling, outages, network errors
 *       and cut-off exchanges are retried by the engine, the rest dead-lettered with Twilio's code.
 *   <li><b>Once.</b> Twilio's Messages API takes no idempotency key; the engine's delivered mark
 *       keeps a delivered message from being sent again. Each returned SID is recorded ({@link
 *       TwilioSentMessages}) for the status callbacks.
 * </ul>
 *
 * <p>Each request is bounded by {@code intake.delivery.request-timeout} over the whole exchange,
 * body included. Redis is called on the blocking executor, never on the HTTP client's threads.
 * Neither the auth token nor the text is ever logged.
 */
@ApplicationScoped
public class TwilioMessagingChannel implements OutboundChannel {
  private static final Logger LOG = Logger.getLogger(TwilioMessagingChannel.class);
  /** Twilio's limit on a message body, in characters. */
  public static final int MAX_BODY = 1600;
  static final String WHATSAPP_ADDRESS = "whatsapp:";

  private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{6,14}");
  private static final Pattern WA_ID = Pattern.compile("[1-9][0-9]{6,14}");

  private final BoundedExchange exchange;
  private final Optional<String> publicBaseUrl;
  private final CustomerServiceWindow window;
  private final TwilioSentMessages sent;
  private final Executor blocking;
  private final Clock clock;

  @Inject
  public TwilioMessagingChannel(IntakeConfig config, CustomerServiceWindow window, TwilioSentMessages sent) {
    this(config.delivery().requestTimeout(), config.channels().publicBaseUrl(), window, sent,
        Infrastructure.getDefaultWorkerPool(), Clock.systemUTC());
  }

  /**
   * @param publicBaseUrl the intake's public base URL, for {@code StatusCallback}; empty to leave it out
   * @param blocking runs the Redis calls; never an HTTP exchange
   */
  public TwilioMessagingChannel(Duration requestTimeout, Optional<String> publicBaseUrl, CustomerServiceWindow window,
      TwilioSentMessages sent, Executor blocking, Clock clock) {
    this.publicBaseUrl = publicBaseUrl.map(b -> b.endsWith("/") ? b.substring(0, b.length() - 1) : b);
    this.window = window;
    this.sent = sent;
    this.blocking = blocking;
    this.clock = clock;
    this.exchange = new BoundedExchange("twilio", requestTimeout);
  }

  /** SMS of a Twilio tenant; WhatsApp when its only WhatsApp sender is Twilio's (Meta's API wins). */
  @Override
  public boolean handles(TenantConfig tenant, OutboundMessage message) {
    Channels channels = tenant.channels();
    Channels.Twilio twilio = channels.twilio();
    if (twilio == null) {
      return false;
    }
    return switch (message.channel()) {
      case SMS -> true;
      case WHATSAPP -> channels.whatsapp() == null && twilio.whatsappNumber() != null;
      default -> false;
    };
  }

  @Override
  public String provider() {
    return "twilio";
  }

  /** The form bodies still to send for one message: {@code forms} from index {@code first}. */
  private record Plan(List<Map<String, String>> forms, int first) {}

  /** Completes with the SID of the first part this attempt sent (the message's, unless it was split). */
  @Override
  public CompletionStage<String> send(TenantConfig tenant, OutboundMessage message) {
    Channels.Twilio twilio = tenant.channels().twilio();
    boolean whatsapp = message.channel() == Channel.WHATSAPP;
    URI endpoint;
    String from;
    String to;
    try {
      if (twilio.authToken() == null) {
        throw permanent("Twilio auth token not configured (the variable named by authTokenEnv is unset)");
      }
      endpoint = endpoint(twilio);
      from = whatsapp ? WHATSAPP_ADDRESS + twilio.whatsappNumber() : firstNumber(twilio);
      to = recipientNumber(message.recipient(), message.conversationId(), whatsapp);
    } catch (DeliveryException e) {
      return CompletableFuture.failedFuture(e);
    }
    String authorization = "Basic " + Base64.getEncoder().encodeToString(
        (twilio.accountSid() + ":" + twilio.authToken()).getBytes(StandardCharsets.UTF_8));
    return CompletableFuture.supplyAsync(() -> plan(tenant, twilio, message, from, to, whatsapp), blocking)
        .thenCompose(plan -> {
          CompletableFuture<String> chain = CompletableFuture.completedFuture(null);
          int parts = plan.forms().size();
          for (int i = plan.first(); i < parts; i++) {
            int part = i + 1;
            byte[] body = encode(plan.forms().get(i));
            chain = chain.thenCompose(first -> post(endpoint, authorization, body)
                .thenApplyAsync(sid -> {
                  remember(tenant, message, sid, part, parts);
                  return first != null ? first : sid;
                }, blocking));
          }
          return chain;
        });
  }

  /** Decides text or Content template (reading the window), and which parts remain; runs on {@link #blocking}. */
  private Plan plan(TenantConfig tenant, Channels.Twilio twilio, OutboundMessage m, String from, String to,
      boolean whatsapp) {
    try {
      String address = whatsapp ? WHATSAPP_ADDRESS + to : to;
      if (!whatsapp || windowOpen(tenant, m.recipient(), to)) {
        return textPlan(tenant, m, from, address);
      }
      if (WhatsAppCloudChannel.MISSED_CALL_ACK.equals(m.reason())) {
        if (twilio.missedCallContentSid() == null) {
          throw permanent(WhatsAppCloudChannel.OUTSIDE_WINDOW + " and the tenant has no missedCallContentSid");
        }
        Map<String, String> form = base(from, address, tenant);
        form.put("ContentSid", twilio.missedCallContentSid());
        String variables = contentVariables(twilio.missedCallContentVariables(), tenant, m.recipient());
        if (variables != null) {
          form.put("ContentVariables", variables);
        }
        return new Plan(List.of(form), 0);
      }
      throw permanent(WhatsAppCloudChannel.OUTSIDE_WINDOW + ": the customer has not written for 24 hours, so only a"
          + " template may be sent, and reason '" + DeadLetters.bounded(String.valueOf(m.reason())) + "' has none");
    } catch (DeliveryException e) {
      throw new CompletionException(e);
    }
  }

  private boolean windowOpen(TenantConfig tenant, Customer recipient, String to) throws DeliveryException {
    try {
      Instant now = clock.instant();
      boolean open = false;
      for (String waId : WhatsAppCloudChannel.waIds(recipient, to)) {
        open = open || window.isOpen(tenant.id(), waId, now);
      }
      return open;
    } catch (RuntimeException e) {
      throw new DeliveryException("cannot read the customer-service window: " + e.getMessage(), true, e);
    }
  }

  private Plan textPlan(TenantConfig tenant, OutboundMessage m, String from, String to) throws DeliveryException {
    if (m.text().isBlank()) {
      throw permanent("text is empty");
    }
    List<String> parts = WhatsAppCloudChannel.split(m.textWithChoices(), MAX_BODY);
    List<Map<String, String>> forms = new ArrayList<>(parts.size());
    for (String part : parts) {
      Map<String, String> form = base(from, to, tenant);
      form.put("Body", part);
      forms.add(form);
    }
    int first = 0;
    if (parts.size() > 1) {
      try {
        first = Math.min(sent.partsSent(tenant.id(), m.messageId()), parts.size());
      } catch (RuntimeException e) {
        throw new DeliveryException("cannot read which parts were sent: " + e.getMessage(), true, e);
      }
    }
    return new Plan(forms, first);
  }

  /** {@code To}, {@code From} and, with a public base URL, {@code StatusCallback}. */
  private Map<String, String> base(String from, String to, TenantConfig tenant) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("To", to);
    form.put("From", from);
    statusCallback(tenant.id()).ifPresent(url -> form.put("StatusCallback", url));
    return form;
  }

  /** The public URL of the tenant's status endpoint, which Twilio calls back. */
  Optional<String> statusCallback(String tenantId) {
    return publicBaseUrl.map(b -> b + "/v1/channels/twilio/" + tenantId + "/message-status");
  }

  /** {@code {"1":"Tw Plumbing",...}}: the template's variables in order; null when it has none. */
  static String contentVariables(List<String> names, TenantConfig tenant, Customer recipient) throws DeliveryException {
    if (names.isEmpty()) {
      return null;
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      String value = switch (name) {
        case "tenantName" -> tenant.name();
        case "customerName" -> recipient == null ? null : recipient.name();
        default -> throw permanent("missedCallContentVariables has an unknown variable " + name);
      };
      if (value == null || value.isBlank()) {
        throw permanent("Content template variable " + (i + 1) + " (" + name + ") has no value ("
            + (name.equals("tenantName") ? "the tenant has no name" : "recipient.name is missing") + ")");
      }
      values.put(Integer.toString(i + 1), value);
    }
    return Json.write(values);
  }

  /** One attempt at one request; completes with the returned SID (null if Twilio named none). */
  private CompletableFuture<String> post(URI endpoint, String authorization, byte[] body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(endpoint)
            .header("Authorization", authorization)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    return exchange.send(request, HttpResponse.BodyHandlers.ofString()).thenApply(response -> {
      int status = response.statusCode();
      if (status >= 200 && status < 300) {
        return sid(response.body());
      }
      throw new CompletionException(TwilioErrors.failure(status, response.body()));
    });
  }

  /**
   * Records the SID; runs on {@link #blocking}. The part was accepted, so a Redis failure here must
   * not fail the attempt (a retry would send it again): it costs the status matching only.
   */
  private void remember(TenantConfig tenant, OutboundMessage m, String sid, int part, int parts) {
    if (sid == null) {
      LOG.warnf("Twilio accepted %s (part %d/%d) for %s without naming a SID", safe(m.messageId()), part, parts,
          tenant.id());
      return;
    }
    try {
      sent.record(tenant.id(), sid, new SentMessages.Sent(m.messageId(), m.conversationId(), m.channel(), part, parts));
    } catch (RuntimeException e) {
      LOG.warnf("cannot record SID %s of %s in Redis (its statuses will not be matched): %s", safe(sid),
          safe(m.messageId()), e.getMessage());
    }
    LOG.debugf("sent %s part %d/%d for %s on Twilio %s as %s", safe(m.messageId()), part, parts, tenant.id(),
        m.channel(), safe(sid));
  }

  // ---------------------------------------------------------------- helpers

  /**
   * The customer's number in E.164: recipient.phone (libphonenumber's E.164 of it); else
   * recipient.id if it is E.164 (or, on WhatsApp, a wa_id: digits only); else the number of the
   * conversation ({@code sms:<E.164>}, {@code wa:<E.164>}, as the inbound side names them).
   */
  static String recipientNumber(Customer recipient, String conversationId, boolean whatsapp) throws DeliveryException {
    String phone = recipient == null ? null : recipient.phone();
    if (phone != null && (phone.strip().startsWith("+") || phone.strip().startsWith("00"))) {
      Optional<String> e164 = PhoneNumbers.e164(phone.replaceAll("[\\s().-]", ""));
      if (e164.isPresent()) {
        return e164.get();
      }
    }
    String id = recipient == null ? null : recipient.id();
    if (id != null && E164.matcher(id).matches()) {
      return id;
    }
    if (whatsapp && id != null && WA_ID.matcher(id).matches()) {
      return "+" + id;
    }
    String prefix = whatsapp ? "wa:" : "sms:";
    if (conversationId != null && conversationId.startsWith(prefix)
        && E164.matcher(conversationId.substring(prefix.length())).matches()) {
      return conversationId.substring(prefix.length());
    }
    // The number itself is personal data: the reason names the fields, not their values.
    throw permanent("no " + (whatsapp ? "WhatsApp" : "SMS") + " number for the recipient: recipient.phone is "
        + (phone == null || phone.isBlank() ? "missing" : "not an international number")
        + ", recipient.id is not a number and the conversation is not " + prefix + "<E.164>");
  }

  private static String firstNumber(Channels.Twilio twilio) throws DeliveryException {
    if (twilio.numbers().isEmpty()) {
      throw permanent("the tenant's Twilio account lists no number to send from");
    }
    return twilio.numbers().get(0);
  }

  private static URI endpoint(Channels.Twilio twilio) throws DeliveryException {
    if (twilio.accountSid() == null) {
      throw permanent("Twilio accountSid not configured");
    }
    try {
      return URI.create(twilio.apiBaseUrl() + "/2010-04-01/Accounts/" + twilio.accountSid() + "/Messages.json");
    } catch (IllegalArgumentException e) {
      throw permanent("Twilio apiBaseUrl is not a valid URL");
    }
  }

  /** {@code application/x-www-form-urlencoded}, UTF-8, in the map's order. */
  static byte[] encode(Map<String, String> form) {
    return form.entrySet().stream()
        .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
            + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"))
        .getBytes(StandardCharsets.US_ASCII);
  }

  private static String sid(String body) {
    try {
      var sid = Json.MAPPER.readTree(body).path("sid");
      return sid.isTextual() && !sid.asText().isBlank() ? sid.asText() : null;
    } catch (IOException e) {
      return null;
    }
  }

  private static DeliveryException permanent(String reason) {
    return new DeliveryException(reason, false, null);
  }

  private static String safe(String id) {
    return DeadLetters.bounded(id);
  }
}
