package dev.baton.gateway.rest;

import dev.baton.gateway.auth.AgentAuthenticator;
import dev.baton.gateway.auth.AuthenticatedAgent;
import dev.baton.schemas.AgentAction;
import dev.baton.schemas.SchemaVersions;
import dev.baton.schemas.topic.Topics;
import dev.baton.support.kafka.KafkaPublisher;
import dev.baton.support.kafka.KafkaPublisher.PublishException;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Claim, reply, hand back and resolve: each publishes an {@link AgentAction} to {@code
 * agent-actions}; the handoff service applies it to the conversation (and refuses it, to its
 * dead-letter topic, if the agent does not own the conversation). An {@code Idempotency-Key}
 * header becomes the action id, so a retried click is applied once.
 */
@Path("/v1/agent/conversations/{conversationId}")
@Produces(MediaType.APPLICATION_JSON)
public class AgentActionResource {
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:@+\\-]{1,128}");
  private static final int MAX_REPLY = 4000;
  private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(10);

  /** Body of a reply. */
  public record ReplyBody(String text) {}

  private final AgentAuthenticator auth;
  private final KafkaPublisher publisher;

  public AgentActionResource(AgentAuthenticator auth, KafkaPublisher publisher) {
    this.auth = auth;
    this.publisher = publisher;
  }

  @POST
  @Path("/claim")
  public Response claim(@PathParam("conversationId") String id, @HeaderParam(HttpHeaders.AUTHORIZATION) String a,
      @HeaderParam("Idempotency-Key") String key) {
    return publish(AgentAction.Type.CLAIM, id, a, key, null);
  }

  @POST
  @Path("/reply")
  public Response reply(@PathParam("conversationId") String id, @HeaderParam(HttpHeaders.AUTHORIZATION) String a,
      @HeaderParam("Idempotency-Key") String key, ReplyBody body) {
    if (body == null || body.text() == null || body.text().isBlank()) {
      throw Problem.of(400, "Invalid reply", "text: is required");
    }
    if (body.text().length() > MAX_REPLY) {
      throw Problem.of(400, "Invalid reply", "text: must be at most " + MAX_REPLY + " characters");
    }
    return publish(AgentAction.Type.REPLY, id, a, key, body.text());
  }

  @POST
  @Path("/hand-back")
  public Response handBack(@PathParam("conversationId") String id, @HeaderParam(HttpHeaders.AUTHORIZATION) String a,
      @HeaderParam("Idempotency-Key") String key) {
    return publish(AgentAction.Type.HAND_BACK, id, a, key, null);
  }

  @POST
  @Path("/resolve")
  public Response resolve(@PathParam("conversationId") String id, @HeaderParam(HttpHeaders.AUTHORIZATION) String a,
      @HeaderParam("Idempotency-Key") String key) {
    return publish(AgentAction.Type.RESOLVE, id, a, key, null);
  }

  private Response publish(AgentAction.Type type, String conversationId, String authorization, String key, String text) {
    AuthenticatedAgent agent = auth.authenticate(authorization)
        .orElseThrow(() -> Problem.of(401, "Unauthorized", "send Authorization: Bearer <agent token>"));
    if (!ID.matcher(conversationId).matches()) {
      throw Problem.of(400, "Invalid conversation", "conversationId: must be 1-128 letters, digits or . _ : @ + -");
    }
    if (key != null && !ID.matcher(key).matches()) {
      throw Problem.of(400, "Invalid idempotency key", "Idempotency-Key: must be 1-128 letters, digits or . _ : @ + -");
    }
    String actionId = agent.agentId() + ":" + (key != null ? key : UUID.randomUUID().toString());
    AgentAction action = new AgentAction(SchemaVersions.CURRENT, actionId, type, agent.tenantId(), conversationId,
        agent.agentId(), text, Instant.now());
    try {
      publisher.publish(Topics.AGENT_ACTIONS, action, PUBLISH_TIMEOUT);
    } catch (PublishException e) {
      throw Problem.of(503, "Unavailable", "the action could not be stored; retry with the same Idempotency-Key");
    }
    return Response.accepted(Map.of("actionId", actionId, "type", type.name(), "conversationId", conversationId)).build();
  }
}
