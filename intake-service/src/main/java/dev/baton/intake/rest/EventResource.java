package dev.baton.intake.rest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.baton.intake.config.IntakeConfig;
import dev.baton.intake.service.EventDeduplicator.Claim;
import dev.baton.intake.service.EventValidator;
import dev.baton.intake.service.FieldError;
import dev.baton.intake.service.IntakeService;
import dev.baton.schemas.serde.Json;
import dev.baton.support.kafka.KafkaPublisher.PublishException;
import dev.baton.support.metrics.BatonMetrics;
import dev.baton.tenant.TenantConfig;
import dev.baton.tenant.TenantDirectory;
import dev.baton.tenant.WebhookSignature;
import dev.baton.tenant.WebhookSignature.Verdict;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;
import redis.clients.jedis.exceptions.JedisException;

/**
 * {@code POST /v1/events}: the generic, channel-neutral webhook. The body is read as bytes because
 * the signature covers the exact bytes sent; {@link RequestLimits} has read them, at most {@code
 * intake.max-body-bytes}, before this method runs. Runs on a worker thread (blocking return type): it
 * waits for Redis and for the broker's acknowledgement.
 *
 * <p>Nothing of an unauthenticated request is logged: every authentication failure gets the same
 * 401 answer, and only a bounded, escaped form of the claimed tenant id reaches a DEBUG line.
 */
@Tag(name = "Events", description = "Conversation events from a tenant's own systems, signed with its webhook secret")
@APIResponse(responseCode = "400", description = "The body is not a valid event (every bad field named in errors)")
@APIResponse(responseCode = "401", description = "Unknown tenant, missing, stale or wrong signature (one answer for all)")
@APIResponse(responseCode = "409", description = "The same eventId is being stored by a concurrent request; retry")
@APIResponse(responseCode = "413", description = "The body is larger than the intake takes")
@APIResponse(responseCode = "415", description = "The body is not application/json")
@APIResponse(responseCode = "503", description = "The event could not be stored; retry it")
@Path("/v1/events")
public class EventResource {
  private static final Logger LOG = Logger.getLogger(EventResource.class);
  /**
   * The intake's own reader: a field given twice and anything after the JSON value are errors. The
   * shared {@code Json.MAPPER} (Kafka serdes) is left as it is.
   */
  static final ObjectReader STRICT_READER =
      Json.MAPPER.reader()
          .with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final String DUPLICATE_FIELD = "Duplicate field";

  private final TenantDirectory tenants;
  private final EventValidator validator;
  private final IntakeService intake;
  private final IntakeConfig config;

  public EventResource(
      TenantDirectory tenants, EventValidator validator, IntakeService intake, IntakeConfig config) {
    this.tenants = tenants;
    this.validator = validator;
    this.intake = intake;
    this.config = config;
  }

  @Operation(summary = "Accept one signed conversation event", description = "Signed with HMAC-SHA256 over the timestamp and the body as sent (see the README); published once per event id.")
  @APIResponse(responseCode = "202", description = "Accepted, or already accepted (duplicate: true)", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Accepted.class)))
  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
  public Response receive(
      @Context RoutingContext request,
      @HeaderParam(WebhookSignature.TIMESTAMP_HEADER) String timestamp,
      @HeaderParam(WebhookSignature.SIGNATURE_HEADER) String signature) {
    // Read, within the limits, by RequestLimits before this method runs.
    byte[] body = RequestLimits.body(request);
    if (body == null || body.length == 0) {
      return Problem.response(400, "Invalid event", "the request body is empty");
    }
    JsonNode json;
    try {
      json = STRICT_READER.readTree(body);
    } catch (StreamReadException e) {
      if (String.valueOf(e.getOriginalMessage()).startsWith(DUPLICATE_FIELD)
          && e.getProcessor() != null) {
        String field = fieldPath(e.getProcessor());
        return Problem.response(400, "Invalid event", "a field appears more than once",
            List.of(new FieldError(field, "appears more than once")));
      }
      return Problem.response(400, "Invalid event", "the body is not valid JSON: " + e.getOriginalMessage());
    } catch (JsonProcessingException e) {
      return Problem.response(400, "Invalid event", "the body is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      return Problem.response(400, "Invalid event", "the body could not be read");
    }
    if (json == null || json.isMissingNode()) {
      return Problem.response(400, "Invalid event", "the request body is empty");
    }
    // The tenant is needed to find the secret. Every failure (unknown tenant, missing, malformed or
    // stale timestamp, wrong signature) gets the same answer after the same work, so that tenant
    // ids cannot be probed.
    JsonNode claimed = json.path("tenantId");
    String tenantId = claimed.isTextual() ? claimed.textValue() : null;
    TenantConfig tenant = tenants.find(tenantId).orElse(null);
    Verdict verdict =
        WebhookSignature.verify(
            tenant == null ? List.of() : tenant.acceptedWebhookSecrets(), timestamp, signature, body,
            Instant.now(), config.signatureTolerance());
    if (verdict != Verdict.VALID) {
      if (LOG.isDebugEnabled()) {
        LOG.debugf("refused unauthenticated webhook (claimed tenant %s): %s", LogSafe.bounded(tenantId), verdict);
      }
      return unauthorized();
    }
    EventValidator.Result result = validator.validate(json);
    if (!result.valid()) {
      return Problem.response(400, "Invalid event",
          result.errors().size() + " field(s) are invalid", result.errors());
    }
    try {
      Claim claim = intake.accept(result.event());
      if (claim == Claim.IN_FLIGHT) {
        return Problem.response(409, "Event in flight",
            "an event with this eventId is being published right now; retry shortly");
      }
      return Response.accepted(
              new Accepted(result.event().eventId(), result.event().conversationId(), claim == Claim.DUPLICATE))
          .type(MediaType.APPLICATION_JSON)
          .build();
    } catch (PublishException e) {
      LOG.errorf("event %s not published: %s", result.event().eventId(), e.getMessage());
      return unavailable();
    } catch (JedisException e) {
      BatonMetrics.countRedisFailure(e, "events-webhook");
      // Redis is where event ids are remembered: without it nothing is accepted, and nothing kept.
      LOG.errorf("event %s not accepted, Redis failed: %s", result.event().eventId(), e.toString());
      return unavailable();
    }
  }

  static Response unauthorized() {
    return Problem.response(401, "Unauthorized",
        "the request must carry " + WebhookSignature.TIMESTAMP_HEADER + " (unix seconds) and a valid "
            + WebhookSignature.SIGNATURE_HEADER + " for its tenant");
  }

  private static Response unavailable() {
    return Response.fromResponse(
            Problem.response(503, "Unavailable", "the event could not be stored; retry it with the same eventId"))
        .header("Retry-After", "2")
        .build();
  }

  /** The dotted path of the field the parser is on, e.g. {@code customer.name}. */
  private static String fieldPath(JsonParser parser) {
    String pointer = parser.getParsingContext().pathAsPointer().toString();
    String path = pointer.isEmpty() ? "(body)" : pointer.substring(1).replace("~1", "/").replace("~0", "~").replace('/', '.');
    return path.length() <= 128 ? path : path.substring(0, 128) + "...";
  }
}
