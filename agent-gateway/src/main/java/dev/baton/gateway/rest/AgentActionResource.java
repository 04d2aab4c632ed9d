package dev.baton.gateway.rest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.baton.gateway.auth.AgentAuthenticator;
import dev.baton.gateway.auth.AuthenticatedAgent;
import dev.baton.gateway.service.ActionResults;
import dev.baton.gateway.service.AuditLog;
import dev.baton.gateway.service.ConversationViews;
import dev.baton.gateway.service.IdempotencyKeys;
import dev.baton.schemas.AgentAction;
import dev.baton.schemas.AgentActionResult;
import dev.baton.schemas.Owner;
import dev.baton.schemas.SchemaVersions;
import dev.baton.schemas.serde.Json;
import dev.baton.schemas.topic.Topics;
import dev.baton.support.kafka.KafkaPublisher;
import dev.baton.support.kafka.KafkaPublisher.PublishException;
import dev.baton.tenant.Agent;
import dev.baton.tenant.TenantConfig;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;

/**
 * Claim, reply, hand back and resolve: each publishes an {@link AgentAction} to {@code
 * agent-actions}, then waits (up to {@code gateway.action-result-timeout}, without holding a
 * thread) for the handoff service's {@link AgentActionResult} and answers with it: 200 applied or
 * duplicate, 409 refused (naming the owner if another agent has the conversation), 404 no such
 * conversation in the agent's tenant, 202 {@code PENDING} if no result came in time (the action is
 * stored and will be applied). An {@code Idempotency-Key} header becomes the action id, so a
 * retried click is applied once; the same key for a different action is refused (409).
 *
 * <p>Checked in this order, each failure a problem body naming what is at fault: the token (401,
 * before anything in the request is looked at), the conversation id and {@code Idempotency-Key}
 * (400), the content type of a body (415 unless JSON), the body (400: a JSON object; for a reply
 * {@code text} a non-blank string of at most 4000 characters; no other fields), the key's earlier
 * use (409). The body is read as bytes so that none of this depends on how a framework would
 * have bound it. Every authenticated request is written to the {@link AuditLog} with its outcome.
 */
@Tag(name = "Actions", description = "What an agent does to a conversation; each answers with the handoff service's result, or 202 PENDING")
@SecurityRequirement(name = "agent-token")
@APIResponse(responseCode = "200", description = "Applied, or a duplicate of an applied action: the outcome and the owner", content = @Content(mediaType = MediaType.APPLICATION_JSON))
@APIResponse(responseCode = "202", description = "Stored, but no result in time: outcome PENDING (the stream tells the rest)", content = @Content(mediaType = MediaType.APPLICATION_JSON))
@APIResponse(responseCode = "401", description = "No, an unknown or an expired agent token")
@APIResponse(responseCode = "429", description = "Too many failed sign-ins from this address (Retry-After)")
@APIResponse(responseCode = "400", description = "Invalid body, conversation id or Idempotency-Key (the field named in errors)")
@APIResponse(responseCode = "403", description = "The agent may not act on this conversation")
@APIResponse(responseCode = "404", description = "No such conversation for this tenant")
@APIResponse(responseCode = "409", description = "Another agent owns the conversation, or the Idempotency-Key was used for another action")
@APIResponse(responseCode = "415", description = "The body is not application/json")
@APIResponse(responseCode = "503", description = "The action could not be stored; retry with the same Idempotency-Key")
@Path("/v1/agent/conversations")
@Produces(MediaType.APPLICATION_JSON)
public class AgentActionResource {
  static final Pattern ID = Pattern.compile("[A-Za-z0-9._:@+\\-]{1,128}");
  static final String ID_RULE = "must be 1-128 letters, digits or . _ : @ + -";
  private static final int MAX_REPLY = 4000;
  private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(10);
  private static final Logger LOG = Logger.getLogger(AgentActionResource.class);
  /** Every agent's body is read so: a key given twice, or anything after the JSON value, is refused. */
  static final ObjectReader STRICT_JSON = Json.MAPPER.reader()
      .with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private final AgentAuthenticator auth;
  private final KafkaPublisher publisher;
  private final IdempotencyKeys keys;
  private final AuditLog audit;
  private final ActionResults results;
  private final Agents agents;
  private final ConversationViews views;

  public AgentActionResource(AgentAuthenticator auth, KafkaPublisher publisher, IdempotencyKeys keys, AuditLog audit,
      ActionResults results, Agents agents, ConversationViews views) {
    this.auth = auth;
    this.publisher = publisher;
    this.keys = keys;
    this.audit = audit;
    this.results = results;
    this.agents = agents;
    this.views = views;
  }

  @Operation(summary = "Claim the conversation (take it from the queue)")
  @POST
  @Blocking
  @Path("/{conversationId}/claim")
  public Uni<Response> claim(@PathParam("conversationId") String id, @HeaderParam(HttpHeaders.AUTHORIZATION) String a,
      @HeaderParam("Idempotency-Key") String key, @HeaderParam(HttpHeaders.CONTENT_TYPE) String type, byte[] body) {
    return act(AgentAction.Type.CLAIM, id, a, key, type, body);
  }

  @Operation(summary = "Reply to the customer (text, at most 4000 characters)")
  @POST
  @Blocking
  @Path("/{conversationId}/reply")
  public Uni<Response> reply(@PathParam("conversationId") String id, @HeaderParam(HttpHeaders.AUTHORIZATION) String a,
      @HeaderParam("Idempotency-Key") String key, @HeaderParam(HttpHeaders.CONTENT_TYPE) String type, byte[] body) {
    return act(AgentAction.Type.REPLY, id, a, key, type, body);
  }

  @Operation(summary = "Add an internal note (never sent to the customer)")
  @POST
  @Blocking
  @Path("/{conversationId}/note")
  public Uni<Response> note(@PathParam("conversationId") String id, @HeaderParam(HttpHeaders.AUTHORIZATION) String a,
      @HeaderParam("Idempotency-Key") String key, @HeaderParam(HttpHeaders.CONTENT_TYPE) String type, byte[] body) {
    return act(AgentAction.Type.NOTE, id, a, key, type, body);
  }

  @Operation(summary = "Transfer the conversation to another queue or agent")
  @POST
  @Blocking
  @Path("/{conversationId}/transfer")
  public Uni<Response> transfer(@PathParam("conversationId") String id, @HeaderParam(HttpHeaders.AUTHORIZATION) String a,
      @HeaderParam("Idempotency-Key") String key, @HeaderParam(HttpHeaders.CONTENT_TYPE) String type, byte[] body) {
    return act(AgentAction.Type.TRANSFER, id, a, key, type, body);
  }

  @Operation(summary = "Hand the conversation back to the automated flow")
  @POST
  @Blocking
  @Path("/{conversationId}/hand-back")
  public Uni<Response> handBack(@PathParam("conversationId") String id, @HeaderParam(HttpHeaders.AUTHORIZATION) String a,
      @HeaderParam("Idempotency-Key") String key, @HeaderParam(HttpHeaders.CONTENT_TYPE) String type, byte[] body) {
    return act(AgentAction.Type.HAND_BACK, id, a, key, type, body);
  }

  @Operation(summary = "Resolve the conversation")
  @POST
  @Blocking
  @Path("/{conversationId}/resolve")
  public Uni<Response> resolve(@PathParam("conversationId") String id, @HeaderParam(HttpHeaders.AUTHORIZATION) String a,
      @HeaderParam("Idempotency-Key") String key, @HeaderParam(HttpHeaders.CONTENT_TYPE) String type, byte[] body) {
    return act(AgentAction.Type.RESOLVE, id, a, key, type, body);
  }

  private Uni<Response> act(AgentAction.Type type, String conversationId, String authorization, String key,
      String contentType, byte[] body) {
    AuthenticatedAgent agent = auth.require(authorization);
    String auditedConversation = conversationId != null && ID.matcher(conversationId).matches() ? conversationId : null;
    AgentAction action;
    Uni<Optional<AgentActionResult>> result;
    try {
      action = validate(agent, type, conversationId, key, contentType, body);
      // Registered before publishing, so that a result faster than this thread is not missed.
      result = results.expect(agent.tenantId(), action.actionId());
      try {
        publisher.publish(Topics.AGENT_ACTIONS, action, PUBLISH_TIMEOUT);
      } catch (PublishException e) {
        results.forget(agent.tenantId(), action.actionId());
        throw Problem.of(503, "Unavailable", "the action could not be stored; retry with the same Idempotency-Key");
      }
    } catch (WebApplicationException e) {
      record(agent, type.name(), auditedConversation, "refused " + e.getResponse().getStatus());
      throw e;
    }
    // The answer (and its audit entry, a Redis call) on a worker: the timeout fires on a timer thread.
    return result.emitOn(Infrastructure.getDefaultWorkerPool()).map(r -> {
      Response response = answer(agent, action, r);
      record(agent, type.name(), auditedConversation, auditOutcome(response, r));
      return response;
    });
  }

  private static String auditOutcome(Response response, Optional<AgentActionResult> result) {
    if (result.isEmpty()) {
      return "pending";
    }
    return switch (result.get().outcome()) {
      case APPLIED -> "applied";
      case DUPLICATE -> "duplicate";
      case REFUSED -> "refused " + response.getStatus();
    };
  }

  /** The response for the handoff service's result, or 202 pending if there was none in time. */
  static Response answer(AuthenticatedAgent agent, AgentAction action, Optional<AgentActionResult> result) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("actionId", action.actionId());
    body.put("type", action.type().name());
    body.put("conversationId", action.conversationId());
    if (result.isEmpty()) {
      body.put("outcome", "PENDING");
      return Response.accepted(body).build();
    }
    AgentActionResult r = result.get();
    return switch (r.outcome()) {
      case APPLIED, DUPLICATE -> {
        body.put("outcome", r.outcome().name());
        body.put("owner", r.owner() == null ? null : r.owner().name());
        body.put("ownerAgentId", r.ownerAgentId());
        yield Response.ok(body).build();
      }
      case REFUSED -> refusal(agent, action, r).getResponse();
    };
  }

  private static WebApplicationException refusal(AuthenticatedAgent agent, AgentAction action, AgentActionResult r) {
    String verb = action.type().name().toLowerCase().replace('_', ' ');
    if (r.owner() == null) {
      return Problem.of(404, "Unknown conversation",
          "there is no conversation " + action.conversationId() + " in your tenant");
    }
    Map<String, Object> members = new LinkedHashMap<>();
    members.put("actionId", action.actionId());
    members.put("owner", r.owner().name());
    if (r.owner() == Owner.AGENT && r.ownerAgentId() != null && !r.ownerAgentId().equals(agent.agentId())
        && action.type() != AgentAction.Type.CLAIM) {
      members.put("ownerAgentId", r.ownerAgentId());
      return Problem.withMembers(403, "Not your conversation",
          "cannot " + verb + ": " + r.ownerAgentId() + " owns this conversation", members);
    }
    if (r.owner() == Owner.AGENT && r.ownerAgentId() != null && !r.ownerAgentId().equals(agent.agentId())) {
      members.put("ownerAgentId", r.ownerAgentId());
      return Problem.withMembers(409, "Owned by another agent",
          "cannot " + verb + ": " + r.ownerAgentId() + " owns this conversation", members);
    }
    String state = r.owner() == Owner.AGENT ? "yours" : r.owner().name();
    members.put("reason", r.reason());
    return Problem.withMembers(409, "Conflict with the conversation's state",
        "cannot " + verb + ": the conversation is " + state, members);
  }

  /** Every check before publishing, in order; the action to publish. */
  private AgentAction validate(AuthenticatedAgent agent, AgentAction.Type type, String conversationId, String key,
      String contentType, byte[] body) {
    if (conversationId == null || !ID.matcher(conversationId).matches()) {
      throw Problem.field(400, "Invalid conversation", "conversationId", ID_RULE);
    }
    if (key != null && !ID.matcher(key).matches()) {
      throw Problem.field(400, "Invalid idempotency key", "Idempotency-Key", ID_RULE);
    }
    Fields fields = fields(type, contentType, body, agents.tenant(agent));
    String actionId = agent.agentId() + ":" + (key != null ? key : UUID.randomUUID().toString());
    if (key != null) {
      IdempotencyKeys.Use use;
      try {
        use = keys.use(agent.tenantId(), agent.agentId(), key, type, conversationId, fields.fingerprint());
      } catch (RuntimeException e) {
        LOG.errorf("cannot check Idempotency-Key of %s: %s", agent.agentId(), e.getMessage());
        throw Problem.of(503, "Unavailable", "the action could not be checked; retry with the same Idempotency-Key");
      }
      if (use == IdempotencyKeys.Use.CONFLICT) {
        throw Problem.field(409, "Idempotency key reused", "Idempotency-Key",
            "was already used for a different action; use a new key for a new action");
      }
    }
    if (type == AgentAction.Type.CLAIM) {
      checkCapacity(agent, conversationId);
    }
    return new AgentAction(SchemaVersions.CURRENT, actionId, type, agent.tenantId(), conversationId,
        agent.agentId(), fields.text(), Instant.now(), fields.toAgent(), fields.toSkill(), fields.code(), null);
  }

  /** An agent at capacity cannot take another conversation; supervisors taking over are not counted. */
  private void checkCapacity(AuthenticatedAgent who, String conversationId) {
    Agent agent = agents.of(who);
    if (agent.supervisor()) {
      return;
    }
    long load;
    try {
      load = views.load(who.tenantId(), who.agentId());
    } catch (RuntimeException e) {
      // Capacity is a guard for people, not for correctness: the engine still decides the claim.
      LOG.warnf("cannot read the load of %s: %s", who.agentId(), e.getMessage());
      return;
    }
    if (load >= agent.capacity()) {
      throw Problem.withMembers(409, "At capacity", "you already have " + load + " open conversations (capacity "
          + agent.capacity() + "); resolve, hand back or transfer one first",
          Map.of("load", load, "capacity", agent.capacity()));
    }
  }

  /** The body fields an action takes; null where not given. */
  record Fields(String text, String toAgent, String toSkill, String code) {
    String fingerprint() {
      return String.join("\u0000", String.valueOf(text), String.valueOf(toAgent), String.valueOf(toSkill),
          String.valueOf(code));
    }
  }

  /** The action's fields from a body that must be exactly as documented (API.md). */
  private static Fields fields(AgentAction.Type type, String contentType, byte[] body, TenantConfig tenant) {
    boolean empty = body == null || body.length == 0;
    if (!empty && !isJson(contentType)) {
      throw Problem.field(415, "Unsupported media type", "Content-Type", "must be application/json");
    }
    JsonNode json = empty ? null : parse(body);
    Set<String> allowed = switch (type) {
      case REPLY, NOTE -> Set.of("text");
      case TRANSFER -> Set.of("toAgent", "toSkill");
      case HAND_BACK -> Set.of("message");
      case RESOLVE -> Set.of("code");
      default -> Set.of();
    };
    if (json != null) {
      for (Iterator<String> it = json.fieldNames(); it.hasNext(); ) {
        String field = it.next();
        if (!allowed.contains(field)) {
          throw Problem.field(400, "Invalid body", field, "unknown field (" + (allowed.isEmpty()
              ? "this action takes no body fields" : "known: " + String.join(", ", allowed)) + ")");
        }
      }
    }
    return switch (type) {
      case REPLY, NOTE -> new Fields(string(json, "text", true, MAX_REPLY), null, null, null);
      case HAND_BACK -> new Fields(string(json, "message", false, MAX_REPLY), null, null, null);
      case RESOLVE -> {
        String code = string(json, "code", false, 40);
        List<String> codes = tenant.workspace().resolutionCodes();
        if (code != null && !codes.contains(code)) {
          throw Problem.field(400, "Invalid resolution code", "code", "must be one of " + String.join(", ", codes));
        }
        yield new Fields(null, null, null, code == null ? codes.get(0) : code);
      }
      case TRANSFER -> {
        String toAgent = string(json, "toAgent", false, 64);
        String toSkill = string(json, "toSkill", false, 64);
        if ((toAgent == null) == (toSkill == null)) {
          throw Problem.field(400, "Invalid transfer", toAgent == null ? "toAgent" : "toSkill",
              "give exactly one of toAgent (an agent of your tenant) or toSkill (a queue)");
        }
        if (toAgent != null && tenant.agent(toAgent).isEmpty()) {
          throw Problem.field(400, "Invalid transfer", "toAgent", "is not an agent of your tenant");
        }
        if (toSkill != null && !skillsOf(tenant).contains(toSkill)) {
          throw Problem.field(400, "Invalid transfer", "toSkill", "must be one of " + String.join(", ", skillsOf(tenant)));
        }
        yield new Fields(null, toAgent, toSkill, null);
      }
      default -> new Fields(null, null, null, null);
    };
  }

  /** The tenant's queues: every skill intents route to, and every skill an agent works. */
  static java.util.SortedSet<String> skillsOf(TenantConfig tenant) {
    java.util.SortedSet<String> skills = new java.util.TreeSet<>(tenant.skills().values());
    skills.add(tenant.skillFor(null));
    tenant.agents().forEach(a -> skills.addAll(a.skills()));
    return skills;
  }

  private static String string(JsonNode json, String field, boolean required, int max) {
    JsonNode value = json == null ? null : json.get(field);
    if (value == null || value.isNull()) {
      if (required) {
        throw Problem.field(400, "Invalid body", field, "is required");
      }
      return null;
    }
    if (!value.isTextual()) {
      throw Problem.field(400, "Invalid body", field, "must be a string");
    }
    if (value.asText().isBlank()) {
      if (required) {
        throw Problem.field(400, "Invalid body", field, "is required");
      }
      return null;
    }
    if (value.asText().length() > max) {
      throw Problem.field(400, "Invalid body", field, "must be at most " + max + " characters");
    }
    return value.asText();
  }

  private static JsonNode parse(byte[] body) {
    JsonNode json;
    try {
      json = STRICT_JSON.readTree(body);
    } catch (IOException e) {
      throw Problem.field(400, "Invalid body", "body", "must be a JSON object");
    }
    if (json == null || !json.isObject()) {
      throw Problem.field(400, "Invalid body", "body", "must be a JSON object");
    }
    return json;
  }

  static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    try {
      MediaType media = MediaType.valueOf(contentType);
      return "application".equalsIgnoreCase(media.getType()) && "json".equalsIgnoreCase(media.getSubtype());
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private void record(AuthenticatedAgent agent, String action, String conversationId, String outcome) {
    try {
      audit.record(agent, action, conversationId, outcome);
    } catch (RuntimeException e) {
      // The action's own outcome stands; the gap in the audit log is reported here.
      LOG.errorf("cannot write the audit entry (%s %s by %s: %s): %s", action, conversationId, agent.agentId(),
          outcome, e.getMessage());
    }
  }
}
