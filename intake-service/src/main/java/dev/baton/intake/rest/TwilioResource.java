package dev.baton.intake.rest;

import dev.baton.intake.channel.ChannelIntake;
import dev.baton.intake.channel.CustomerServiceWindow;
import dev.baton.intake.channel.FormBody;
import dev.baton.intake.channel.SentMessages;
import dev.baton.intake.channel.TwilioErrors;
import dev.baton.intake.channel.TwilioEvents;
import dev.baton.intake.channel.TwilioSentMessages;
import dev.baton.intake.channel.WhatsAppEvents;
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
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;
import redis.clients.jedis.exceptions.JedisException;

/**
 * A tenant's Twilio numbers: the messaging webhook ({@code /v1/channels/twilio/<tenant>/messages},
 * SMS, MMS and WhatsApp through Twilio), configured as the number's "A message comes in" URL; and
 * the status callback of the messages Baton sends ({@code .../message-status}, named in each
 * message's {@code StatusCallback}).
 *
 * <p>Authenticated by {@code X-Twilio-Signature} over the public URL Twilio called and every POST
 * parameter ({@link TwilioSignature}), with the tenant's auth token or, while rotating, the
 * previous one; the account and the receiving number must be the tenant's. Every failure of
 * authentication gets the same 401. Answered with empty TwiML once the message is stored.
 */
@Tag(name = "Twilio messaging", description = "Twilio's SMS, MMS and WhatsApp webhooks of a tenant, signed with X-Twilio-Signature")
@APIResponse(responseCode = "401", description = "Unknown tenant, no Twilio channel, or a wrong signature (one answer for all)")
@APIResponse(responseCode = "503", description = "Not stored; Twilio retries")
@Path("/v1/channels/twilio/{tenantId}")
public class TwilioResource {
  private static final Logger LOG = Logger.getLogger(TwilioResource.class);
  private static final String SOURCE = "twilio-messages";
  static final String EMPTY_TWIML = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>";

  private final TwilioAuth auth;
  private final ChannelIntake intake;
  private final IntakeConfig config;
  private final CustomerServiceWindow window;
  private final TwilioSentMessages sent;
  private final DeliveryStatuses statuses;

  public TwilioResource(TwilioAuth auth, ChannelIntake intake, IntakeConfig config, CustomerServiceWindow window,
      TwilioSentMessages sent, DeliveryStatuses statuses) {
    this.auth = auth;
    this.intake = intake;
    this.config = config;
    this.window = window;
    this.sent = sent;
    this.statuses = statuses;
  }

  @Operation(summary = "Receive an inbound message (answered with empty TwiML)")
  @APIResponse(responseCode = "200", description = "Stored: empty TwiML", content = @Content(mediaType = MediaType.TEXT_XML))
  @POST
  @Path("/messages")
  @Produces({MediaType.TEXT_XML, Problem.MEDIA_TYPE})
  public Response message(
      @Context RoutingContext request,
      @PathParam("tenantId") String tenantId,
      @HeaderParam(dev.baton.intake.channel.TwilioSignature.HEADER) String signature) {
    Optional<TwilioAuth.Authenticated> caller = auth.authenticate(request, tenantId, signature);
    if (caller.isEmpty()) {
      return TwilioAuth.unauthorized();
    }
    TenantConfig tenant = caller.get().tenant();
    Map<String, List<String>> params = caller.get().params();
    byte[] body = RequestLimits.body(request);
    Channels.Twilio twilio = tenant.channels().twilio();
    boolean whatsapp = TwilioEvents.isWhatsApp(params);
    String to = FormBody.first(params, "To");
    String ownTo = to == null ? null : to.replaceFirst("^whatsapp:", "");
    boolean ours = whatsapp ? ownTo != null && ownTo.equals(twilio.whatsappNumber()) : twilio.numbers().contains(ownTo);
    try {
      if (!ours) {
        intake.deadLetter(SOURCE, tenant.id(), body, "message " + FormBody.first(params, "MessageSid")
            + " to " + to + ", not a number of tenant " + tenant.id());
        return twiml();
      }
      List<ConversationEvent> events;
      try {
        events = TwilioEvents.toEvents(tenant.id(), params, Instant.now(), config.maxTextLength());
      } catch (WhatsAppEvents.Unreadable e) {
        intake.deadLetter(SOURCE, tenant.id(), body, "message cannot be read: " + e.getMessage());
        return twiml();
      }
      intake.accept(events);
      if (whatsapp) {
        window.customerWrote(tenant.id(), events.get(0).customer().phone(), Instant.now(), Instant.now());
      }
      return twiml();
    } catch (ChannelIntake.InFlight e) {
      return unavailable(e.getMessage());
    } catch (PublishException e) {
      LOG.errorf("tenant %s: Twilio message not stored, broker failed: %s", tenant.id(), e.getMessage());
      return unavailable("the message could not be stored; Twilio will retry it");
    } catch (JedisException e) {
      BatonMetrics.countRedisFailure(e, "twilio-webhook");
      LOG.errorf("tenant %s: Twilio message not stored, Redis failed: %s", tenant.id(), e.toString());
      return unavailable("the message could not be stored; Twilio will retry it");
    }
  }

  /**
   * Twilio's status callback of a message Baton sent: {@code MessageSid}, {@code MessageStatus}
   * ({@code SmsStatus} is its legacy copy) and, on a failure, {@code ErrorCode}. queued, sending and
   * sent are {@code SENT}; delivered {@code DELIVERED}; read (WhatsApp) {@code READ}; failed and
   * undelivered {@code FAILED} with the code; other values (accepted, scheduled, canceled, ...)
   * are ignored, as is a SID Baton did not send. Statuses move forward only ({@link
   * DeliveryStatuses}), so Twilio's out-of-order or repeated callbacks change nothing.
   */
  @Operation(summary = "Receive the status callback of a message Baton sent")
  @APIResponse(responseCode = "200", description = "Applied (or not a message Baton sent): empty TwiML", content = @Content(mediaType = MediaType.TEXT_XML))
  @POST
  @Path("/message-status")
  @Produces({MediaType.TEXT_XML, Problem.MEDIA_TYPE})
  public Response messageStatus(
      @Context RoutingContext request,
      @PathParam("tenantId") String tenantId,
      @HeaderParam(dev.baton.intake.channel.TwilioSignature.HEADER) String signature) {
    Optional<TwilioAuth.Authenticated> caller = auth.authenticate(request, tenantId, signature);
    if (caller.isEmpty()) {
      return TwilioAuth.unauthorized();
    }
    TenantConfig tenant = caller.get().tenant();
    String sid = caller.get().param("MessageSid");
    String reported = caller.get().param("MessageStatus");
    if (reported == null) {
      reported = caller.get().param("SmsStatus");
    }
    DeliveryStatus.Status status = switch (String.valueOf(reported)) {
      case "queued", "sending", "sent" -> DeliveryStatus.Status.SENT;
      case "delivered" -> DeliveryStatus.Status.DELIVERED;
      case "read" -> DeliveryStatus.Status.READ;
      case "failed", "undelivered" -> DeliveryStatus.Status.FAILED;
      default -> null;
    };
    try {
      Optional<SentMessages.Sent> message = status == null ? Optional.empty() : sent.lookup(tenant.id(), sid);
      if (message.isEmpty()) {
        LOG.debugf("tenant %s: Twilio status '%s' of %s ignored (not a status Baton tracks, or not a message it sent)",
            tenant.id(), DeadLetters.bounded(String.valueOf(reported)), DeadLetters.bounded(String.valueOf(sid)));
        return twiml();
      }
      SentMessages.Sent m = message.get();
      List<String> errors = List.of();
      String code = caller.get().param("ErrorCode");
      if (status == DeliveryStatus.Status.FAILED && code != null && code.matches("[0-9]{1,8}")) {
        errors = List.of(TwilioErrors.describe(Integer.parseInt(code)));
      }
      statuses.report(new DeliveryStatus(SchemaVersions.CURRENT, tenant.id(), m.conversationId(), m.messageId(),
          m.channel() == null ? Channel.SMS : m.channel(), status, Instant.now(), "twilio", sid, errors));
      return twiml();
    } catch (PublishException e) {
      LOG.errorf("tenant %s: Twilio message status not published, broker failed: %s", tenant.id(), e.getMessage());
      return unavailable("the status could not be stored");
    } catch (JedisException e) {
      BatonMetrics.countRedisFailure(e, "twilio-webhook");
      LOG.errorf("tenant %s: Twilio message status not stored, Redis failed: %s", tenant.id(), e.toString());
      return unavailable("the status could not be stored");
    }
  }

  static Response twiml() {
    return Response.ok(EMPTY_TWIML, MediaType.TEXT_XML).build();
  }

  static Response unavailable(String detail) {
    return Response.fromResponse(Problem.response(503, "Unavailable", detail)).header("Retry-After", "2").build();
  }
}
