package dev.baton.gateway.rest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.baton.gateway.auth.AgentAuthenticator;
import dev.baton.gateway.auth.AuthenticatedAgent;
import dev.baton.gateway.service.AuditLog;
import dev.baton.gateway.service.IdempotencyKeys;
import dev.baton.schemas.AgentAction;
import dev.baton.schemas.SchemaVersions;
import dev.baton.schemas.serde.Json;
import dev.baton.schemas.topic.Topics;
import dev.baton.support.kafka.KafkaPublisher;
import dev.baton.support.kafka.KafkaPublisher.PublishException;
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
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * Claim, reply, hand back and resolve: each publishes an {@link AgentAction} to {@code
 * agent-actions}; the handoff service applies it to the conversation (and refuses it, to its
 * dead-letter topic, if the agent does not own the conversation). An {@code Idempotency-Key}
 * header becomes the action id, so a retried click is applied once; the same key for a different
 * action is refused (409).
 *
 * <p>Checked in this order, each failure a problem body naming what is at fault: the token (401,
 * before anything in the request is looked at), the conversation id and {@code Idempotency-Key}
 * (400), the content type of a body (415 unless JSON), the body (400: a JSON object; for a reply
 * {@code text} a non-blank string of at most 4000 characters; no other fields), the key's earlier
 * use (409). The body is read as bytes so that none of this depends on how a framework would
 * have bound it. Every authenticated request is written to the {@link AuditLog} with its outcome.
 */
@Path("/v1/agent/conversations")
@Produces(MediaType.APPLICATION_JSON)
public class AgentActionResource {
  static final Pattern ID = Pattern.compile("[A-Za-z0-9._:@+\\-]{1,128}");
  static final String ID_RULE = "must be 1-128 letters, digits or . _ : @ + -";
  private static final int MAX_REPLY = 4000;
  private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(10);
  private static final Logger LOG = Logger.getLogger(AgentActionResource.class);
  private static final ObjectReader BODY = Json.MAPPER.reader()
      .with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private final AgentAuthenticator auth;
  private final KafkaPublisher publisher;
  private final IdempotencyKeys keys;
  private final AuditLog audit;

  public AgentActionResource(AgentAuthenticator auth, KafkaPublisher publisher, IdempotencyKeys keys, AuditLog audit) {
    this.auth = auth;
    this.publisher = publisher;
    this.keys = keys;
    this.audit = audit;
  }

  @POST
  @Path("/{conversationId}/claim")
  public Response claim(@PathParam("conversationId") String id, @HeaderParam(HttpHeaders.AUTHORIZATION) String a,
      @HeaderParam("Idempotency-Key") String key, @HeaderParam(HttpHeaders.CONTENT_TYPE) String type, byte[] body) {
    return act(AgentAction.Type.CLAIM, id, a, key, type, body);
  }

  @POST
  @Path("/{conversationId}/reply")
  public Response reply(@PathParam("conversationId") String id, @HeaderParam(HttpHeaders.AUTHORIZATION) String a,
      @HeaderParam("Idempotency-Key") String key, @HeaderParam(HttpHeaders.CONTENT_TYPE) String type, byte[] body) {
    return act(AgentAction.Type.REPLY, id, a, key, type, body);
  }

  @POST
  @Path("/{conversationId}/hand-back")
  public Response handBack(@PathParam("conversationId") String id, @HeaderParam(HttpHeaders.AUTHORIZATION) String a,
      @HeaderParam("Idempotency-Key") String key, @HeaderParam(HttpHeaders.CONTENT_TYPE) String type, byte[] body) {
    return act(AgentAction.Type.HAND_BACK, id, a, key, type, body);
  }

  @POST
  @Path("/{conversationId}/resolve")
  public Response resolve(@PathParam("conversationId") String id, @HeaderParam(HttpHeaders.AUTHORIZATION) String a,
      @HeaderParam("Idempotency-Key") String key, @HeaderParam(HttpHeaders.CONTENT_TYPE) String type, byte[] body) {
    return act(AgentAction.Type.RESOLVE, id, a, key, type, body);
  }

  private Response act(AgentAction.Type type, String conversationId, String authorization, String key,
      String contentType, byte[] body) {
    AuthenticatedAgent agent = auth.require(authorization);
    String auditedConversation = conversationId != null && ID.matcher(conversationId).matches() ? conversationId : null;
    try {
      Response response = publish(agent, type, conversationId, key, contentType, body);
      record(agent, type.name(), auditedConversation, "accepted");
      return response;
    } catch (WebApplicationException e) {
      record(agent, type.name(), auditedConversation, "refused " + e.getResponse().getStatus());
      throw e;
    }
  }

  private Response publish(AuthenticatedAgent agent, AgentAction.Type type, String conversationId, String key,
      String contentType, byte[] body) {
    if (conversationId == null || !ID.matcher(conversationId).matches()) {
      throw Problem.field(400, "Invalid conversation", "conversationId", ID_RULE);
    }
    if (key != null && !ID.matcher(key).matches()) {
      throw Problem.field(400, "Invalid idempotency key", "Idempotency-Key", ID_RULE);
    }
    String text = text(type, contentType, body);
    String actionId = agent.agentId() + ":" + (key != null ? key : UUID.randomUUID().toString());
    if (key != null) {
      IdempotencyKeys.Use use;
      try {
        use = keys.use(agent.tenantId(), agent.agentId(), key, type, conversationId, text);
      } catch (RuntimeException e) {
        LOG.errorf("cannot check Idempotency-Key of %s: %s", agent.agentId(), e.getMessage());
        throw Problem.of(503, "Unavailable", "the action could not be checked; retry with the same Idempotency-Key");
      }
      if (use == IdempotencyKeys.Use.CONFLICT) {
        throw Problem.field(409, "Idempotency key reused", "Idempotency-Key",
            "was already used for a different action; use a new key for a new action");
      }
    }
    AgentAction action = new AgentAction(SchemaVersions.CURRENT, actionId, type, agent.tenantId(), conversationId,
        agent.agentId(), text, Instant.now());
    try {
      publisher.publish(Topics.AGENT_ACTIONS, action, PUBLISH_TIMEOUT);
    } catch (PublishException e) {
      throw Problem.of(503, "Unavailable", "the action could not be stored; retry with the same Idempotency-Key");
    }
    return Response.accepted(Map.of("actionId", actionId, "type", type.name(), "conversationId", conversationId)).build();
  }

  /** The reply's text (null for the other actions) from a body that must be exactly as documented. */
  private static String text(AgentAction.Type type, String contentType, byte[] body) {
    boolean empty = body == null || body.length == 0;
    if (!empty && !isJson(contentType)) {
      throw Problem.field(415, "Unsupported media type", "Content-Type", "must be application/json");
    }
    JsonNode json = empty ? null : parse(body);
    Set<String> allowed = type == AgentAction.Type.REPLY ? Set.of("text") : Set.of();
    if (json != null) {
      for (Iterator<String> it = json.fieldNames(); it.hasNext(); ) {
        String field = it.next();
        if (!allowed.contains(field)) {
          throw Problem.field(400, "Invalid body", field, "unknown field (" + (allowed.isEmpty()
              ? "this action takes no body fields" : "known: " + String.join(", ", allowed)) + ")");
        }
      }
    }
    if (type != AgentAction.Type.REPLY) {
      return null;
    }
    JsonNode text = json == null ? null : json.get("text");
    if (text == null || text.isNull()) {
      throw Problem.field(400, "Invalid reply", "text", "is required");
    }
    if (!text.isTextual()) {
      throw Problem.field(400, "Invalid reply", "text", "must be a string");
    }
    if (text.asText().isBlank()) {
      throw Problem.field(400, "Invalid reply", "text", "is required");
    }
    if (text.asText().length() > MAX_REPLY) {
      throw Problem.field(400, "Invalid reply", "text", "must be at most " + MAX_REPLY + " characters");
    }
    return text.asText();
  }

  private static JsonNode parse(byte[] body) {
    JsonNode json;
    try {
      json = BODY.readTree(body);
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
