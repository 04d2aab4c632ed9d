package dev.baton.intake.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.intake.config.IntakeConfig;
import dev.baton.intake.service.EventDeduplicator.Claim;
import dev.baton.intake.service.EventValidator;
import dev.baton.intake.service.IntakeService;
import dev.baton.support.kafka.KafkaPublisher.PublishException;
import dev.baton.schemas.serde.Json;
import dev.baton.tenant.TenantConfig;
import dev.baton.tenant.TenantDirectory;
import dev.baton.tenant.WebhookSignature;
import dev.baton.tenant.WebhookSignature.Verdict;
import jakarta.ws.rs.Consumes;
import java.io.IOException;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * {@code POST /v1/events}: the generic, channel-neutral webhook. The body is read as bytes because
 * the signature covers the exact bytes sent. Runs on a worker thread (blocking return type): it
 * waits for Redis and for the broker's acknowledgement.
 */
@Path("/v1/events")
public class EventResource {
  private static final Logger LOG = Logger.getLogger(EventResource.class);

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

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
  public Response receive(
      byte[] body,
      @HeaderParam(WebhookSignature.TIMESTAMP_HEADER) String timestamp,
      @HeaderParam(WebhookSignature.SIGNATURE_HEADER) String signature) {
    if (body == null || body.length == 0) {
      return Problem.response(400, "Invalid event", "the request body is empty");
    }
    if (body.length > config.maxBodyBytes()) {
      return Problem.response(413, "Payload too large",
          "the body is " + body.length + " bytes; the limit is " + config.maxBodyBytes());
    }
    JsonNode json;
    try {
      json = Json.MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      return Problem.response(400, "Invalid event", "the body is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      return Problem.response(400, "Invalid event", "the body could not be read: " + e.getMessage());
    }
    // The tenant is needed to find the secret; an unknown tenant gets the same 401 as a bad
    // signature so that tenant ids cannot be probed.
    String tenantId = json.path("tenantId").asText(null);
    TenantConfig tenant = tenants.find(tenantId).orElse(null);
    Verdict verdict =
        WebhookSignature.verify(
            tenant == null ? null : tenant.webhookSecret(), timestamp, signature, body,
            Instant.now(), config.signatureTolerance());
    if (verdict != Verdict.VALID) {
      LOG.infof("refused webhook for tenant %s: %s", tenantId, verdict);
      return Problem.response(401, "Invalid signature",
          "the request must carry " + WebhookSignature.TIMESTAMP_HEADER + " and a valid "
              + WebhookSignature.SIGNATURE_HEADER + " for its tenant (" + verdict.name().toLowerCase() + ")");
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
      return Response.fromResponse(
              Problem.response(503, "Unavailable", "the event could not be stored; retry it with the same eventId"))
          .header("Retry-After", "2")
          .build();
    }
  }
}
