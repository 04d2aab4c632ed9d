package dev.baton.intake.rest;

import dev.baton.intake.channel.ChannelIntake;
import dev.baton.intake.channel.CustomerServiceWindow;
import dev.baton.intake.channel.MetaSignature;
import dev.baton.intake.channel.SentMessages;
import dev.baton.intake.channel.WhatsAppEvents;
import dev.baton.intake.channel.WhatsAppSentMessages;
import dev.baton.intake.channel.WhatsAppWebhook;
import dev.baton.intake.config.IntakeConfig;
import dev.baton.intake.delivery.DeliveryStatuses;
import dev.baton.schemas.Channel;
import dev.baton.schemas.ConversationEvent;
import dev.baton.schemas.DeadLetters;
import dev.baton.schemas.DeliveryStatus;
import dev.baton.schemas.SchemaVersions;
import dev.baton.support.kafka.KafkaPublisher.PublishException;
import dev.baton.support.metrics.BatonMetrics;
import dev.baton.tenant.Channels;
import dev.baton.tenant.TenantConfig;
import dev.baton.tenant.TenantDirectory;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;
import redis.clients.jedis.exceptions.JedisException;

/**
 * A tenant's WhatsApp Business number on Meta's Cloud API: the subscription handshake and the
 * webhook, at {@code /v1/channels/whatsapp/<tenant id>} (the callback URL configured in the Meta
 * app).
 *
 * <p>The POST is authenticated by {@code X-Hub-Signature-256} over the bytes as they arrived (Meta
 * escapes non-ASCII as {@code \\uXXXX}; re-serialised JSON would not match). An unknown tenant, a
 * tenant without WhatsApp or a wrong signature get the same 401. Every message of every entry and
 * change is published once ({@code wa:<wamid>}), so Meta's redelivery of the same POST changes
 * nothing; the answer is 200 only once all of them are stored, else 503 and Meta retries.
 *
 * <p>Every status of the POST ({@code sent}, {@code delivered}, {@code read}, {@code failed} with
 * Meta's error codes and titles) of a message Baton sent (its wamid is remembered, {@link
 * WhatsAppSentMessages}) moves that message's delivery status forward ({@link DeliveryStatuses});
 * a status of a wamid Baton does not know (not sent by Baton, or forgotten) is ignored.
 */
@Tag(name = "WhatsApp", description = "Meta's WhatsApp Cloud API webhook of a tenant's business number")
@Path("/v1/channels/whatsapp/{tenantId}")
public class WhatsAppResource {
  private static final Logger LOG = Logger.getLogger(WhatsAppResource.class);
  private static final Pattern CHALLENGE = Pattern.compile("[A-Za-z0-9_\\-]{1,128}");

  private static final String SOURCE = "whatsapp-webhook";

  private final TenantDirectory tenants;
  private final ChannelIntake intake;
  private final IntakeConfig config;
  private final CustomerServiceWindow window;
  private final WhatsAppSentMessages sent;
  private final DeliveryStatuses statuses;

  public WhatsAppResource(TenantDirectory tenants, ChannelIntake intake, IntakeConfig config,
      CustomerServiceWindow window, WhatsAppSentMessages sent, DeliveryStatuses statuses) {
    this.tenants = tenants;
    this.intake = intake;
    this.config = config;
    this.window = window;
    this.sent = sent;
    this.statuses = statuses;
  }

  /**
   * Meta's subscription check: {@code hub.challenge} echoed as plain text when the mode is {@code
   * subscribe} and the verify token is the tenant's; 403 otherwise (also for an unknown tenant).
   */
  @Operation(summary = "Meta's subscription handshake: echoes hub.challenge for the tenant's verify token")
  @APIResponse(responseCode = "200", description = "The challenge, as plain text", content = @Content(mediaType = MediaType.TEXT_PLAIN))
  @APIResponse(responseCode = "403", description = "Not a subscription, or not the tenant's verify token",
      content = @Content(mediaType = MediaType.TEXT_PLAIN))
  @GET
  @Produces(MediaType.TEXT_PLAIN)
  public Response verify(
      @PathParam("tenantId") String tenantId,
      @QueryParam("hub.mode") String mode,
      @QueryParam("hub.verify_token") String token,
      @QueryParam("hub.challenge") String challenge) {
    String expected = whatsApp(tenantId).map(Channels.WhatsApp::verifyToken).orElse(null);
    boolean tokenMatches = constantTimeEquals(expected, token);
    if (!"subscribe".equals(mode) || !tokenMatches || challenge == null || !CHALLENGE.matcher(challenge).matches()) {
      return Response.status(403).type(MediaType.TEXT_PLAIN).entity("forbidden").build();
    }
    return Response.ok(challenge, MediaType.TEXT_PLAIN).build();
  }

  @Operation(summary = "Receive a webhook signed with X-Hub-Signature-256: customers' messages and delivery statuses")
  @APIResponse(responseCode = "200", description = "Everything stored: how many messages and statuses were taken", content = @Content(mediaType = MediaType.APPLICATION_JSON))
  @APIResponse(responseCode = "401", description = "Unknown tenant, no WhatsApp, or a wrong signature (one answer for all)")
  @APIResponse(responseCode = "503", description = "Not everything could be stored; Meta retries")
  @POST
  @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
  public Response receive(
      @Context RoutingContext request,
      @PathParam("tenantId") String tenantId,
      @HeaderParam(MetaSignature.HEADER) String signature) {
    byte[] body = RequestLimits.body(request);
    Optional<TenantConfig> tenant = tenants.find(tenantId).filter(t -> t.channels().whatsapp() != null);
    String secret = tenant.map(t -> t.channels().whatsapp().appSecret()).orElse(null);
    // Same work and the same answer whatever failed, so tenant ids cannot be probed.
    boolean valid = MetaSignature.valid(secret == null ? "" : secret, body == null ? new byte[0] : body, signature);
    if (!valid || secret == null) {
      return unauthorized();
    }
    TenantConfig t = tenant.get();
    Optional<WhatsAppWebhook.Batch> parsed = WhatsAppWebhook.parse(body);
    if (parsed.isEmpty()) {
      // Signed by the tenant's app but not a WhatsApp business-account webhook (another product
      // of the same app): nothing of a customer's in it; 200 so that Meta does not retry it.
      LOG.warnf("tenant %s: a signed webhook that is not a WhatsApp business-account update was ignored", t.id());
      return ok(0, 0);
    }
    WhatsAppWebhook.Batch batch = parsed.get();
    String ownNumber = t.channels().whatsapp().phoneNumberId();
    Instant now = Instant.now();
    int accepted = 0;
    try {
      for (WhatsAppWebhook.Message m : batch.messages()) {
        if (!ownNumber.equals(m.phoneNumberId())) {
          // The tenant's app also serves a number this tenant does not have: a configuration
          // mistake, and still a customer's message, so it is kept where operators look.
          intake.deadLetter(SOURCE, t.id(), body, "message " + m.wamid() + " to business number " + m.phoneNumberId()
              + ", not tenant " + t.id() + "'s " + ownNumber);
          continue;
        }
        List<ConversationEvent> events;
        try {
          events = WhatsAppEvents.toEvents(t.id(), m, now, config.occurredAtWindow(), config.maxTextLength());
        } catch (WhatsAppEvents.Unreadable e) {
          intake.deadLetter(SOURCE, t.id(), body, "message " + m.wamid() + " cannot be read: " + e.getMessage());
          continue;
        }
        intake.accept(events);
        accepted++;
        window.customerWrote(t.id(), events.get(0).customer().phone().substring(1), m.sentAt() == null ? now : m.sentAt(), now);
      }
      for (WhatsAppWebhook.Status s : batch.statuses()) {
        status(t, s, now);
      }
    } catch (ChannelIntake.InFlight e) {
      return unavailable(e.getMessage());
    } catch (PublishException e) {
      LOG.errorf("tenant %s: WhatsApp webhook not stored, broker failed: %s", t.id(), e.getMessage());
      return unavailable("the messages could not be stored; Meta will deliver them again");
    } catch (JedisException e) {
      BatonMetrics.countRedisFailure(e, "whatsapp-webhook");
      LOG.errorf("tenant %s: WhatsApp webhook not stored, Redis failed: %s", t.id(), e.toString());
      return unavailable("the messages could not be stored; Meta will deliver them again");
    }
    return ok(accepted, batch.statuses().size());
  }

  /** Moves the message's delivery status forward, if the wamid is of a message Baton sent. */
  private void status(TenantConfig t, WhatsAppWebhook.Status s, Instant now) throws PublishException {
    DeliveryStatus.Status status = switch (String.valueOf(s.status())) {
      case "sent" -> DeliveryStatus.Status.SENT;
      case "delivered" -> DeliveryStatus.Status.DELIVERED;
      case "read" -> DeliveryStatus.Status.READ;
      case "failed" -> DeliveryStatus.Status.FAILED;
      default -> null; // e.g. voice-call or group variants: not a message's delivery
    };
    if (status == null || s.wamid() == null) {
      LOG.debugf("tenant %s: WhatsApp status '%s' ignored", t.id(), DeadLetters.bounded(String.valueOf(s.status())));
      return;
    }
    Optional<SentMessages.Sent> message = sent.lookup(t.id(), s.wamid());
    if (message.isEmpty()) {
      // Not one of Baton's messages (sent from elsewhere on the number), or forgotten after 30 days.
      LOG.debugf("tenant %s: status of unknown wamid %s ignored", t.id(), DeadLetters.bounded(s.wamid()));
      return;
    }
    SentMessages.Sent m = message.get();
    statuses.report(new DeliveryStatus(SchemaVersions.CURRENT, t.id(), m.conversationId(), m.messageId(),
        Channel.WHATSAPP, status, s.at() == null ? now : s.at(), "whatsapp", s.wamid(),
        status == DeliveryStatus.Status.FAILED ? s.errors() : List.of()));
  }

  private Optional<Channels.WhatsApp> whatsApp(String tenantId) {
    return tenants.find(tenantId).map(t -> t.channels().whatsapp());
  }

  private static Response ok(int messages, int statuses) {
    return Response.ok("{\"messages\":" + messages + ",\"statuses\":" + statuses + "}", MediaType.APPLICATION_JSON).build();
  }

  private static Response unauthorized() {
    return Problem.response(401, "Unauthorized",
        "the request must carry a valid " + MetaSignature.HEADER + " from the tenant's Meta app");
  }

  private static Response unavailable(String detail) {
    return Response.fromResponse(Problem.response(503, "Unavailable", detail)).header("Retry-After", "2").build();
  }

  private static boolean constantTimeEquals(String expected, String given) {
    byte[] a = expected == null ? new byte[0] : expected.getBytes(StandardCharsets.UTF_8);
    byte[] b = given == null ? new byte[1] : given.getBytes(StandardCharsets.UTF_8);
    return expected != null && !expected.isEmpty() && MessageDigest.isEqual(a, b);
  }
}
