package dev.baton.intake.channel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.intake.config.IntakeConfig;
import dev.baton.intake.delivery.BoundedExchange;
import dev.baton.intake.delivery.OutboundChannel;
import dev.baton.schemas.Channel;
import dev.baton.schemas.Choice;
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
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * Sends a tenant's WhatsApp messages through Meta's Cloud API: {@code POST
 * {apiBaseUrl}/{phoneNumberId}/messages} with the number's access token.
 *
 * <ul>
 *   <li><b>The 24-hour window.</b> While the customer's customer-service window is open the text
 *       goes out as a free-form text message. Once it has closed only an approved template may be
 *       sent: the missed-call acknowledgement (reason {@value #MISSED_CALL_ACK}) becomes the
 *       tenant's {@code missedCallTemplate}; anything else is refused for good, never sent.
 *   <li><b>The number.</b> {@code to} is {@code recipient.phone} in E.164 ({@code +} and 7-15
 *       digits; spaces, dots, dashes and brackets are ignored); without one, {@code recipient.id}
 *       if it is a number (E.164, or a wa_id: digits only); else the number of a {@code
 *       wa:<E.164>} conversation. The window is looked up by wa_id (the digits, as the inbound side
 *       keeps it) for the recipient id's number and for {@code to}; open for either is open.
 *   <li><b>Long texts</b> (over {@value #MAX_TEXT} characters, WhatsApp's limit) go out in parts,
 *       in order, each its own request, cut at the last whitespace where there is one; the parts
 *       already sent are remembered, so a retry resumes after them.
 *   <li><b>Errors</b> are classified by {@link GraphErrors}: throttling, outages, network errors and
 *       cut-off exchanges are retried by the engine, the rest dead-lettered with Meta's code.
 *   <li><b>Once.</b> The Graph API has no idempotency key; the engine's delivered mark keeps a
 *       delivered message from being sent again. Each returned wamid is recorded
 *       ({@link WhatsAppSentMessages}) for the status webhooks.
 * </ul>
 *
 * <p>Each request has the same deadline as the generic webhook's ({@code
 * intake.delivery.request-timeout}) over the whole exchange, body included. Redis (the window, the
 * parts, the wamid record) is called on the blocking executor, never on the HTTP client's threads.
 * Neither the token nor the text is ever logged.
 */
@ApplicationScoped
public class WhatsAppCloudChannel implements OutboundChannel {
  private static final Logger LOG = Logger.getLogger(WhatsAppCloudChannel.class);
  /** WhatsApp's limit on a text message's body, in characters. */
  public static final int MAX_TEXT = 4096;
  /** WhatsApp's limit on an interactive message's body, in characters. */
  public static final int MAX_INTERACTIVE_BODY = 1024;
  /** WhatsApp's limit on reply buttons per message. */
  public static final int MAX_BUTTONS = 3;
  /** The reason the handoff service gives its missed-call acknowledgement. */
  public static final String MISSED_CALL_ACK = "missed-call-ack";
  public static final String OUTSIDE_WINDOW = "outside the 24-hour customer-service window";

  private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{6,14}");
  private static final Pattern WA_ID = Pattern.compile("[1-9][0-9]{6,14}");
  private static final Pattern PHONE_FORMATTING = Pattern.compile("[\\s().-]");
  private static final String WHATSAPP_CONVERSATION = "wa:";

  private final BoundedExchange exchange;
  private final CustomerServiceWindow window;
  private final WhatsAppSentMessages sent;
  private final Executor blocking;
  private final Clock clock;

  @Inject
  public WhatsAppCloudChannel(IntakeConfig config, CustomerServiceWindow window, WhatsAppSentMessages sent) {
    this(config.delivery().requestTimeout(), window, sent, Infrastructure.getDefaultWorkerPool(), Clock.systemUTC());
  }

  /**
   * @param blocking runs the Redis calls; never an HTTP exchange
   */
  public WhatsAppCloudChannel(Duration requestTimeout, CustomerServiceWindow window, WhatsAppSentMessages sent,
      Executor blocking, Clock clock) {
    this.window = window;
    this.sent = sent;
    this.blocking = blocking;
    this.clock = clock;
    this.exchange = new BoundedExchange("whatsapp", requestTimeout);
  }

  @Override
  public boolean handles(TenantConfig tenant, OutboundMessage message) {
    return message.channel() == Channel.WHATSAPP && tenant.channels().whatsapp() != null;
  }

  /** The requests still to send for one message: {@code bodies} from index {@code first}. */
  private record Plan(List<ObjectNode> bodies, int first) {}

  @Override
  public String provider() {
    return "whatsapp";
  }

  /** Completes with the wamid of the first part this attempt sent (the message's, unless it was split). */
  @Override
  public CompletionStage<String> send(TenantConfig tenant, OutboundMessage message) {
    Channels.WhatsApp wa = tenant.channels().whatsapp();
    URI endpoint;
    String to;
    try {
      if (wa.accessToken() == null) {
        throw permanent("WhatsApp access token not configured (the variable named by accessTokenEnv is unset)");
      }
      endpoint = endpoint(wa);
      to = recipientNumber(message.recipient(), message.conversationId());
    } catch (DeliveryException e) {
      return CompletableFuture.failedFuture(e);
    }
    return CompletableFuture.supplyAsync(() -> plan(tenant, wa, message, to), blocking)
        .thenCompose(plan -> {
          CompletableFuture<String> chain = CompletableFuture.completedFuture(null);
          int parts = plan.bodies().size();
          for (int i = plan.first(); i < parts; i++) {
            int part = i + 1;
            byte[] body = Json.write(plan.bodies().get(i)).getBytes(StandardCharsets.UTF_8);
            chain = chain.thenCompose(first -> post(endpoint, wa.accessToken(), body)
                .thenApplyAsync(wamid -> {
                  remember(tenant, message, wamid, part, parts);
                  return first != null ? first : wamid;
                }, blocking));
          }
          return chain;
        });
  }

  /** Decides text or template (reading the window), and which parts remain; runs on {@link #blocking}. */
  private Plan plan(TenantConfig tenant, Channels.WhatsApp wa, OutboundMessage m, String to) {
    try {
      boolean open;
      try {
        Instant now = clock.instant();
        open = false;
        for (String waId : waIds(m.recipient(), to)) {
          open = open || window.isOpen(tenant.id(), waId, now);
        }
      } catch (RuntimeException e) {
        throw new DeliveryException("cannot read the customer-service window: " + e.getMessage(), true, e);
      }
      if (open) {
        return textPlan(tenant, m, to);
      }
      if (MISSED_CALL_ACK.equals(m.reason())) {
        if (wa.missedCallTemplate() == null) {
          throw permanent(OUTSIDE_WINDOW + " and the tenant has no missedCallTemplate");
        }
        return new Plan(List.of(templateBody(to, wa.missedCallTemplate(), tenant, m.recipient())), 0);
      }
      throw permanent(OUTSIDE_WINDOW + ": the customer has not written for 24 hours, so only a template may be"
          + " sent, and reason '" + DeadLetters.bounded(String.valueOf(m.reason())) + "' has none");
    } catch (DeliveryException e) {
      throw new CompletionException(e);
    }
  }

  private Plan textPlan(TenantConfig tenant, OutboundMessage m, String to) throws DeliveryException {
    if (m.text().isBlank()) {
      throw permanent("text is empty");
    }
    List<String> parts = new ArrayList<>(split(m.text(), MAX_TEXT));
    List<Choice> choices = m.choiceList();
    if (!choices.isEmpty() && parts.get(parts.size() - 1).length() > MAX_INTERACTIVE_BODY) {
      // The buttons go on the last part, whose body an interactive message bounds more tightly.
      parts.addAll(split(parts.remove(parts.size() - 1), MAX_INTERACTIVE_BODY));
    }
    List<ObjectNode> bodies = new ArrayList<>(parts.size());
    for (int i = 0; i < parts.size(); i++) {
      boolean last = i == parts.size() - 1;
      bodies.add(last && !choices.isEmpty() ? buttonsBody(to, parts.get(i), choices) : textBody(to, parts.get(i)));
    }
    int first = 0;
    if (parts.size() > 1) {
      try {
        first = Math.min(sent.partsSent(tenant.id(), m.messageId()), parts.size());
      } catch (RuntimeException e) {
        throw new DeliveryException("cannot read which parts were sent: " + e.getMessage(), true, e);
      }
    }
    return new Plan(bodies, first);
  }

  /** One attempt at one request; completes with the returned wamid (null if Meta named none). */
  private CompletableFuture<String> post(URI endpoint, String token, byte[] body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(endpoint)
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    return exchange.send(request, HttpResponse.BodyHandlers.ofString()).thenApply(response -> {
      int status = response.statusCode();
      if (status >= 200 && status < 300) {
        return wamid(response.body());
      }
      throw new CompletionException(GraphErrors.failure(status, response.body()));
    });
  }

  /**
   * Records the wamid; runs on {@link #blocking}. The part was accepted, so a Redis failure here
   * must not fail the attempt (a retry would send it again): it costs the status matching only.
   */
  private void remember(TenantConfig tenant, OutboundMessage m, String wamid, int part, int parts) {
    if (wamid == null) {
      LOG.warnf("WhatsApp accepted %s (part %d/%d) for %s without naming a wamid", safe(m.messageId()), part, parts,
          tenant.id());
      return;
    }
    try {
      sent.record(tenant.id(), wamid, new WhatsAppSentMessages.Sent(m.messageId(), m.conversationId(), Channel.WHATSAPP, part, parts));
    } catch (RuntimeException e) {
      LOG.warnf("cannot record wamid %s of %s in Redis (its statuses will not be matched): %s", safe(wamid),
          safe(m.messageId()), e.getMessage());
    }
    LOG.debugf("sent %s part %d/%d for %s on WhatsApp as %s", safe(m.messageId()), part, parts, tenant.id(), safe(wamid));
  }

  // ---------------------------------------------------------------- request bodies

  /** The envelope of a free-form message to one customer, its content still to add. */
  private static ObjectNode toIndividual(String to, String type) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("messaging_product", "whatsapp");
    body.put("recipient_type", "individual");
    body.put("to", to);
    body.put("type", type);
    return body;
  }

  /** {@code {"messaging_product":"whatsapp","recipient_type":"individual","to":..,"type":"text","text":{..}}}. */
  static ObjectNode textBody(String to, String text) {
    ObjectNode body = toIndividual(to, "text");
    ObjectNode content = body.putObject("text");
    content.put("preview_url", false);
    content.put("body", text);
    return body;
  }

  /**
   * A reply-button message: {@code "type":"interactive"} with {@code "interactive":{"type":"button",
   * "body":{"text":..},"action":{"buttons":[{"type":"reply","reply":{"id":..,"title":..}}]}}}. A
   * tapped button comes back as an {@code interactive.button_reply} with its id and title.
   */
  static ObjectNode buttonsBody(String to, String text, List<Choice> choices) throws DeliveryException {
    if (choices.size() > MAX_BUTTONS) {
      throw permanent(choices.size() + " choices: WhatsApp shows at most " + MAX_BUTTONS + " reply buttons");
    }
    ObjectNode body = toIndividual(to, "interactive");
    ObjectNode interactive = body.putObject("interactive");
    interactive.put("type", "button");
    interactive.putObject("body").put("text", text);
    ArrayNode buttons = interactive.putObject("action").putArray("buttons");
    for (Choice c : choices) {
      ObjectNode reply = buttons.addObject().put("type", "reply").putObject("reply");
      reply.put("id", c.id());
      reply.put("title", c.title());
    }
    return body;
  }

  /** The template message, its body parameters filled in order; no components when it has none. */
  static ObjectNode templateBody(String to, Channels.MessageTemplate template, TenantConfig tenant, Customer recipient)
      throws DeliveryException {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("messaging_product", "whatsapp");
    body.put("to", to);
    body.put("type", "template");
    ObjectNode t = body.putObject("template");
    t.put("name", template.name());
    t.putObject("language").put("code", template.language());
    if (!template.bodyParameters().isEmpty()) {
      ObjectNode component = t.putArray("components").addObject();
      component.put("type", "body");
      ArrayNode parameters = component.putArray("parameters");
      for (String name : template.bodyParameters()) {
        String value = switch (name) {
          case "tenantName" -> tenant.name();
          case "customerName" -> recipient == null ? null : recipient.name();
          default -> throw permanent("template " + template.name() + " has an unknown parameter " + name);
        };
        if (value == null || value.isBlank()) {
          throw permanent("template " + template.name() + " parameter " + name + " has no value ("
              + (name.equals("tenantName") ? "the tenant has no name" : "recipient.name is missing") + ")");
        }
        ObjectNode parameter = parameters.addObject();
        parameter.put("type", "text");
        parameter.put("text", value);
      }
    }
    return body;
  }

  // ---------------------------------------------------------------- helpers

  /**
   * {@code +<digits>}: recipient.phone in E.164; else recipient.id if it is a number (E.164, or a
   * wa_id: digits only); else the number of a WhatsApp conversation ({@code wa:<E.164>}, as the
   * inbound side names them).
   */
  static String recipientNumber(Customer recipient, String conversationId) throws DeliveryException {
    String phone = recipient == null ? null : recipient.phone();
    if (phone != null) {
      String compact = PHONE_FORMATTING.matcher(phone).replaceAll("");
      if (E164.matcher(compact).matches()) {
        return compact;
      }
    }
    String fromId = number(recipient == null ? null : recipient.id());
    if (fromId != null) {
      return fromId;
    }
    if (conversationId != null && conversationId.startsWith(WHATSAPP_CONVERSATION)
        && E164.matcher(conversationId.substring(WHATSAPP_CONVERSATION.length())).matches()) {
      return conversationId.substring(WHATSAPP_CONVERSATION.length());
    }
    // The number itself is personal data: the reason names the fields, not their values.
    throw permanent("no WhatsApp number for the recipient: recipient.phone is "
        + (phone == null || phone.isBlank() ? "missing" : "not an E.164 number (+ and 7-15 digits)")
        + ", recipient.id is not a number and the conversation is not wa:<E.164>");
  }

  /** An E.164 number or a wa_id as {@code +<digits>}; null when it is neither. */
  private static String number(String id) {
    if (id == null) {
      return null;
    }
    if (E164.matcher(id).matches()) {
      return id;
    }
    return WA_ID.matcher(id).matches() ? "+" + id : null;
  }

  /**
   * The wa_ids the customer's window may be kept under (the inbound side keys it by the sender's
   * digits): the recipient id's, when it is a number, and the number's.
   */
  static Set<String> waIds(Customer recipient, String to) {
    Set<String> ids = new LinkedHashSet<>();
    String fromId = number(recipient == null ? null : recipient.id());
    if (fromId != null) {
      ids.add(fromId.substring(1));
    }
    ids.add(to.substring(1));
    return ids;
  }

  /**
   * The text in parts of at most {@code max} characters that join back to it: each cut after the
   * last whitespace in the second half of the part where there is one, else at {@code max} (one
   * less rather than between the two halves of a surrogate pair).
   */
  static List<String> split(String text, int max) {
    List<String> parts = new ArrayList<>();
    int start = 0;
    while (text.length() - start > max) {
      int end = start + max;
      int cut = -1;
      for (int i = end - 1; i >= start + max / 2; i--) {
        if (Character.isWhitespace(text.charAt(i))) {
          cut = i + 1;
          break;
        }
      }
      if (cut < 0) {
        cut = Character.isHighSurrogate(text.charAt(end - 1)) ? end - 1 : end;
      }
      parts.add(text.substring(start, cut));
      start = cut;
    }
    parts.add(text.substring(start));
    return parts;
  }

  private static URI endpoint(Channels.WhatsApp wa) throws DeliveryException {
    if (wa.phoneNumberId() == null) {
      throw permanent("WhatsApp phoneNumberId not configured");
    }
    try {
      return URI.create(wa.apiBaseUrl() + "/" + wa.phoneNumberId() + "/messages");
    } catch (IllegalArgumentException e) {
      throw permanent("WhatsApp apiBaseUrl is not a valid URL");
    }
  }

  private static String wamid(String body) {
    try {
      JsonNode id = Json.MAPPER.readTree(body).path("messages").path(0).path("id");
      return id.isTextual() && !id.asText().isBlank() ? id.asText() : null;
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
