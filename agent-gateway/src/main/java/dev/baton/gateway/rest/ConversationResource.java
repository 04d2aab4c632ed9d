package dev.baton.gateway.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.gateway.auth.AgentAuthenticator;
import dev.baton.gateway.auth.AuthenticatedAgent;
import dev.baton.gateway.service.AuditLog;
import dev.baton.gateway.service.ConversationViews;
import dev.baton.gateway.service.HandoffStore;
import dev.baton.gateway.service.TranscriptStore;
import dev.baton.gateway.service.TypingNotices;
import dev.baton.schemas.IntentFeedback;
import dev.baton.schemas.SchemaVersions;
import dev.baton.schemas.serde.Json;
import dev.baton.schemas.topic.Topics;
import dev.baton.support.kafka.KafkaPublisher;
import dev.baton.tenant.Agent;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;

/**
 * The conversations an agent works: the desktop's tabs ({@code GET /v1/agent/conversations}),
 * one conversation with its handoff and the customer's other conversations ({@code GET …/{id}}),
 * the correction of a customer turn's intent ({@code POST …/{id}/intent}), published on
 * {@code intent-feedback} for routing-service's retraining, and the owner's typing notice to a web
 * chat visitor ({@code POST …/{id}/typing}). Everything is of the agent's tenant
 * only: another tenant's conversation id is unknown (404), whatever it is.
 */
@Tag(name = "Conversations", description = "The conversations an agent may see")
@SecurityRequirement(name = "agent-token")
@APIResponse(responseCode = "200", description = "The answer", content = @Content(mediaType = MediaType.APPLICATION_JSON))
@APIResponse(responseCode = "401", description = "No, an unknown or an expired agent token")
@APIResponse(responseCode = "429", description = "Too many failed sign-ins from this address (Retry-After)")
@APIResponse(responseCode = "400", description = "An invalid parameter or body (the field named in errors)")
@APIResponse(responseCode = "403", description = "The conversation is in a queue the agent does not work")
@APIResponse(responseCode = "415", description = "The body is not application/json")
@APIResponse(responseCode = "404", description = "No such conversation for this tenant")
@Path("/v1/agent/conversations")
@Produces(MediaType.APPLICATION_JSON)
public class ConversationResource {
  private static final Logger LOG = Logger.getLogger(ConversationResource.class);
  private static final Pattern INTENT = Pattern.compile("[a-z][a-z0-9_]{0,63}");
  private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(10);

  private final AgentAuthenticator auth;
  private final Agents agents;
  private final ConversationViews views;
  private final HandoffStore handoffs;
  private final TranscriptStore transcripts;
  private final KafkaPublisher publisher;
  private final AuditLog audit;
  private final TypingNotices typing;

  public ConversationResource(AgentAuthenticator auth, Agents agents, ConversationViews views, HandoffStore handoffs,
      TranscriptStore transcripts, KafkaPublisher publisher, AuditLog audit, TypingNotices typing) {
    this.typing = typing;
    this.auth = auth;
    this.agents = agents;
    this.views = views;
    this.handoffs = handoffs;
    this.transcripts = transcripts;
    this.publisher = publisher;
    this.audit = audit;
  }

  @Operation(summary = "List the queue, the agent's own or all open conversations (view)")
  @GET
  @Blocking
  public Response list(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @QueryParam("view") String view,
      @QueryParam("q") String query) {
    AuthenticatedAgent who = auth.require(authorization);
    String tab = view == null ? "unassigned" : view;
    if (!ConversationViews.TABS.contains(tab)) {
      throw Problem.field(400, "Invalid view", "view", "must be one of " + String.join(", ", ConversationViews.TABS));
    }
    if (query != null && query.length() > 200) {
      throw Problem.field(400, "Invalid search", "q", "must be at most 200 characters");
    }
    Map<String, List<ObjectNode>> tabs = unavailableIfDown(() -> views.tabs(who.tenantId(), agents.of(who), query));
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("view", tab);
    body.putArray("conversations").addAll(tabs.get(tab));
    ObjectNode counts = body.putObject("counts");
    tabs.forEach((name, list) -> counts.put(name, list.size()));
    return ok(body);
  }

  @Operation(summary = "One conversation as the agent sees it")
  @GET
  @Blocking
  @Path("/{conversationId}")
  public Response get(@PathParam("conversationId") String conversationId,
      @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
    AuthenticatedAgent who = auth.require(authorization);
    requireId(conversationId);
    Agent agent = agents.of(who);
    ObjectNode view = unavailableIfDown(() -> views.get(who.tenantId(), conversationId))
        .orElseThrow(() -> unknown());
    if (!visible(agent, view)) {
      record(who, "CONVERSATION_READ", conversationId, "refused 403");
      throw Problem.of(403, "Not your conversation", "this conversation is in a queue you do not work");
    }
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.set("conversation", view);
    String handoffId = ConversationViews.text(view, "handoffId");
    String handoff = handoffId.isEmpty() ? null : unavailableIfDown(() -> handoffs.get(who.tenantId(), handoffId));
    body.set("handoff", handoff == null ? null : readTree(handoff));
    body.putArray("previous").addAll(unavailableIfDown(() -> views.previous(who.tenantId(), view, 10)));
    record(who, "CONVERSATION_READ", conversationId, "read");
    return ok(body);
  }

  @Operation(summary = "Correct the detected intent (feedback for the routing model)")
  @APIResponse(responseCode = "202", description = "The correction is stored; routing learns from it", content = @Content(mediaType = MediaType.APPLICATION_JSON))
  @POST
  @Blocking
  @Path("/{conversationId}/intent")
  public Response correctIntent(@PathParam("conversationId") String conversationId,
      @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
      @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, byte[] body) {
    AuthenticatedAgent who = auth.require(authorization);
    try {
      requireId(conversationId);
      if (!AgentActionResource.isJson(contentType)) {
        throw Problem.field(415, "Unsupported media type", "Content-Type", "must be application/json");
      }
      JsonNode json = parse(body);
      for (Iterator<String> it = json.fieldNames(); it.hasNext(); ) {
        String field = it.next();
        if (!Set.of("seq", "intent").contains(field)) {
          throw Problem.field(400, "Invalid body", field, "unknown field (known: intent, seq)");
        }
      }
      if (!json.path("seq").canConvertToLong() || !json.path("seq").isIntegralNumber() || json.get("seq").asLong() < 0) {
        throw Problem.field(400, "Invalid body", "seq", "must be the seq (a number from 0) of a customer turn");
      }
      String intent = json.path("intent").isTextual() ? json.get("intent").asText() : null;
      if (intent == null || !INTENT.matcher(intent).matches()) {
        throw Problem.field(400, "Invalid body", "intent", "must be an intent label: lower-case letters, digits, '_'");
      }
      long seq = json.get("seq").asLong();
      ObjectNode view = unavailableIfDown(() -> views.get(who.tenantId(), conversationId)).orElseThrow(() -> unknown());
      if (!visible(agents.of(who), view)) {
        throw Problem.of(403, "Not your conversation", "this conversation is in a queue you do not work");
      }
      TranscriptStore.Page page = unavailableIfDown(() -> transcripts.page(who.tenantId(), conversationId, seq, 1))
          .orElseThrow(() -> unknown());
      JsonNode turn = page.turns().isEmpty() ? null : readTree(page.turns().get(0));
      if (turn == null || turn.path("seq").asLong(-1) != seq) {
        throw Problem.field(404, "Unknown turn", "seq", "this conversation has no turn " + seq);
      }
      if (!"CUSTOMER".equals(turn.path("turn").path("speaker").asText())) {
        throw Problem.field(400, "Not a customer turn", "seq", "only what a customer wrote has an intent to correct");
      }
      JsonNode t = turn.path("turn");
      // The same correction of the same turn by the same agent is one example, however often sent.
      String feedbackId = who.agentId() + ":" + conversationId + ":" + seq + ":" + intent;
      IntentFeedback feedback = new IntentFeedback(SchemaVersions.CURRENT, feedbackId, who.tenantId(), conversationId,
          t.path("eventId").asText(null), t.path("text").asText(""), t.path("intent").isTextual()
              ? t.get("intent").asText() : null, intent, who.agentId(), Instant.now());
      try {
        publisher.publish(Topics.INTENT_FEEDBACK, feedback, PUBLISH_TIMEOUT);
      } catch (KafkaPublisher.PublishException e) {
        throw Problem.of(503, "Unavailable", "the correction could not be stored; retry");
      }
      record(who, "INTENT_CORRECTION", conversationId, "turn " + seq + " -> " + intent);
      ObjectNode answer = Json.MAPPER.createObjectNode();
      answer.put("feedbackId", feedbackId);
      answer.put("seq", seq);
      answer.put("predictedIntent", feedback.predictedIntent());
      answer.put("correctedIntent", intent);
      return Response.accepted(Json.write(answer)).type(MediaType.APPLICATION_JSON).build();
    } catch (WebApplicationException e) {
      if (e.getResponse().getStatus() != 401) {
        record(who, "INTENT_CORRECTION", validId(conversationId) ? conversationId : null,
            "refused " + e.getResponse().getStatus());
      }
      throw e;
    }
  }

  /**
   * {@code POST …/{id}/typing}: the owner is typing a reply; a web chat visitor sees "<name> is
   * typing" ({@link TypingNotices}, at most one notice per conversation every few seconds). Only
   * the agent who owns the conversation may say so. Answers {@code {"told": true|false}}.
   */
  @Operation(summary = "Tell the customer the agent is typing")
  @POST
  @Blocking
  @Path("/{conversationId}/typing")
  public Response typing(@PathParam("conversationId") String conversationId,
      @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
    AuthenticatedAgent who = auth.require(authorization);
    requireId(conversationId);
    Agent agent = agents.of(who);
    ObjectNode view = unavailableIfDown(() -> views.get(who.tenantId(), conversationId)).orElseThrow(() -> unknown());
    if (!agent.id().equals(ConversationViews.text(view, "owner")) || !"assigned".equals(ConversationViews.text(view, "status"))) {
      throw Problem.of(403, "Not your conversation", "only the agent who owns the conversation can be typing in it");
    }
    boolean told = unavailableIfDown(() -> typing.agentTyping(who.tenantId(), conversationId, agent.name()));
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("told", told);
    return ok(body);
  }

  /** Supervisors see every conversation; agents those of their queues and their own. */
  static boolean visible(Agent agent, ObjectNode view) {
    return agent.supervisor() || agent.works(ConversationViews.text(view, "skill"))
        || agent.id().equals(ConversationViews.text(view, "owner"));
  }

  private static void requireId(String conversationId) {
    if (!validId(conversationId)) {
      throw Problem.field(400, "Invalid conversation", "conversationId", AgentActionResource.ID_RULE);
    }
  }

  private static boolean validId(String conversationId) {
    return conversationId != null && AgentActionResource.ID.matcher(conversationId).matches();
  }

  private static WebApplicationException unknown() {
    return Problem.field(404, "Unknown conversation", "conversationId",
        "there is no conversation with this id handed to agents in your tenant");
  }

  private static JsonNode parse(byte[] body) {
    if (body == null || body.length == 0) {
      throw Problem.field(400, "Invalid body", "body", "must be a JSON object");
    }
    try {
      JsonNode json = AgentActionResource.STRICT_JSON.readTree(body);
      if (json == null || !json.isObject()) {
        throw Problem.field(400, "Invalid body", "body", "must be a JSON object");
      }
      return json;
    } catch (IOException e) {
      throw Problem.field(400, "Invalid body", "body", "must be a JSON object");
    }
  }

  private static JsonNode readTree(String json) {
    try {
      return Json.MAPPER.readTree(json);
    } catch (IOException e) {
      throw new IllegalStateException("unreadable stored record", e);
    }
  }

  static <T> T unavailableIfDown(java.util.function.Supplier<T> read) {
    try {
      return read.get();
    } catch (WebApplicationException e) {
      throw e;
    } catch (RuntimeException e) {
      LOG.errorf("cannot read from Redis: %s", e.getMessage());
      throw Problem.of(503, "Unavailable", "the conversations could not be read; retry");
    }
  }

  static Response ok(JsonNode body) {
    return Response.ok(Json.write(body), MediaType.APPLICATION_JSON).build();
  }

  private void record(AuthenticatedAgent who, String action, String conversationId, String outcome) {
    try {
      audit.record(who, action, conversationId, outcome);
    } catch (RuntimeException e) {
      LOG.errorf("cannot write the audit entry (%s of %s by %s): %s", action, conversationId, who.agentId(),
          e.getMessage());
    }
  }
}
