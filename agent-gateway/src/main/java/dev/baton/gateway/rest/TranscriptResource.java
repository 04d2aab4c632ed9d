package dev.baton.gateway.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.gateway.auth.AgentAuthenticator;
import dev.baton.gateway.auth.AuthenticatedAgent;
import dev.baton.gateway.config.GatewayConfig;
import dev.baton.gateway.service.AuditLog;
import dev.baton.gateway.service.DeliveryStore;
import dev.baton.gateway.service.TranscriptStore;
import dev.baton.schemas.serde.Json;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;

/**
 * {@code GET /v1/agent/conversations/{conversationId}/transcript?from=<seq>&limit=<n>}: the whole
 * conversation, every turn as the handoff service numbered it on {@code conversation-turns},
 * paged: {@code {"turns":[ConversationTurn...],"next":<seq of the next page or null>,"total":n}}.
 * Only in the agent's own tenant (the token says which): another tenant's conversation with the
 * same id is never visible. 404 for a conversation with no kept turns. Each read is audited. A
 * turn whose message has a delivery status ({@link DeliveryStore}) carries it as {@code delivery}.
 * Query parameters are taken as text so that a bad one is a 400 naming it (not a bare 404).
 */
@Tag(name = "Conversations")
@SecurityRequirement(name = "agent-token")
@APIResponse(responseCode = "200", description = "A page of turns with the next page's cursor", content = @Content(mediaType = MediaType.APPLICATION_JSON))
@APIResponse(responseCode = "401", description = "No, an unknown or an expired agent token")
@APIResponse(responseCode = "429", description = "Too many failed sign-ins from this address (Retry-After)")
@APIResponse(responseCode = "400", description = "An invalid parameter")
@APIResponse(responseCode = "404", description = "No such conversation for this tenant")
@Path("/v1/agent/conversations/{conversationId}/transcript")
@Produces(MediaType.APPLICATION_JSON)
public class TranscriptResource {
  private static final Logger LOG = Logger.getLogger(TranscriptResource.class);

  private final AgentAuthenticator auth;
  private final TranscriptStore transcripts;
  private final DeliveryStore deliveries;
  private final AuditLog audit;
  private final GatewayConfig config;

  public TranscriptResource(AgentAuthenticator auth, TranscriptStore transcripts, DeliveryStore deliveries,
      AuditLog audit, GatewayConfig config) {
    this.auth = auth;
    this.transcripts = transcripts;
    this.deliveries = deliveries;
    this.audit = audit;
    this.config = config;
  }

  @Operation(summary = "The conversation's transcript, oldest first, a page at a time")
  @GET
  public Response transcript(@PathParam("conversationId") String conversationId,
      @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
      @QueryParam("from") String from, @QueryParam("limit") String limit) {
    AuthenticatedAgent agent = auth.require(authorization);
    boolean validId = conversationId != null && AgentActionResource.ID.matcher(conversationId).matches();
    String audited = validId ? conversationId : null;
    try {
      if (!validId) {
        throw Problem.field(400, "Invalid conversation", "conversationId", AgentActionResource.ID_RULE);
      }
      long start = Params.number("from", from, 0, 0, Long.MAX_VALUE / 2);
      int max = config.transcript().maxLimit();
      int n = (int) Params.number("limit", limit, config.transcript().defaultLimit(), 1, max);
      TranscriptStore.Page page;
      List<ObjectNode> records = new ArrayList<>();
      Map<String, JsonNode> statuses;
      try {
        page = transcripts.page(agent.tenantId(), conversationId, start, n)
            .orElseThrow(() -> Problem.field(404, "Unknown conversation", "conversationId",
                "no transcript is kept for this conversation in your tenant"));
        List<String> messageIds = new ArrayList<>();
        for (String turn : page.turns()) {
          ObjectNode record = (ObjectNode) Json.MAPPER.readTree(turn);
          records.add(record);
          JsonNode eventId = record.path("turn").path("eventId");
          if (eventId.isTextual()) {
            messageIds.add(eventId.asText());
          }
        }
        statuses = deliveries.of(agent.tenantId(), conversationId, messageIds);
      } catch (WebApplicationException e) {
        throw e;
      } catch (java.io.IOException e) {
        throw new UncheckedIOException(e);
      } catch (RuntimeException e) {
        LOG.errorf("cannot read transcript: %s", e.getMessage());
        throw Problem.of(503, "Unavailable", "the transcript could not be read; retry");
      }
      ObjectNode body = Json.MAPPER.createObjectNode();
      ArrayNode turns = body.putArray("turns");
      for (ObjectNode record : records) {
        JsonNode delivery = statuses.get(record.path("turn").path("eventId").asText(""));
        if (delivery != null) {
          record.set("delivery", delivery);
        }
        turns.add(record);
      }
      if (page.next() == null) {
        body.putNull("next");
      } else {
        body.put("next", page.next());
      }
      body.put("total", page.total());
      record(agent, audited, "read " + page.turns().size() + " turns from " + start);
      return Response.ok(Json.write(body), MediaType.APPLICATION_JSON).build();
    } catch (WebApplicationException e) {
      record(agent, audited, "refused " + e.getResponse().getStatus());
      throw e;
    }
  }

  private void record(AuthenticatedAgent agent, String conversationId, String outcome) {
    try {
      audit.record(agent, "TRANSCRIPT_READ", conversationId, outcome);
    } catch (RuntimeException e) {
      LOG.errorf("cannot write the audit entry (transcript read of %s by %s): %s", conversationId, agent.agentId(),
          e.getMessage());
    }
  }
}
