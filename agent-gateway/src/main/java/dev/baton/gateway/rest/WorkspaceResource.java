package dev.baton.gateway.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.gateway.auth.AgentAuthenticator;
import dev.baton.gateway.auth.AuthenticatedAgent;
import dev.baton.gateway.service.ConversationViews;
import dev.baton.gateway.service.Presence;
import dev.baton.schemas.serde.Json;
import dev.baton.tenant.Agent;
import dev.baton.tenant.TenantConfig;
import dev.baton.tenant.Workspace;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Who is signed in and how their tenant works ({@code GET /v1/agent/me}), their presence
 * ({@code PUT /v1/agent/presence}), and the supervisor's live view of the tenant's agents and
 * queue ({@code GET /v1/agent/supervisor}, supervisors only).
 */
@Tag(name = "Workspace", description = "The agent, its presence and the supervisor's overview")
@SecurityRequirement(name = "agent-token")
@APIResponse(responseCode = "200", description = "The answer", content = @Content(mediaType = MediaType.APPLICATION_JSON))
@APIResponse(responseCode = "401", description = "No, an unknown or an expired agent token")
@APIResponse(responseCode = "429", description = "Too many failed sign-ins from this address (Retry-After)")
@Path("/v1/agent")
@Produces(MediaType.APPLICATION_JSON)
public class WorkspaceResource {
  private final AgentAuthenticator auth;
  private final Agents agents;
  private final Presence presence;
  private final ConversationViews views;

  public WorkspaceResource(AgentAuthenticator auth, Agents agents, Presence presence, ConversationViews views) {
    this.auth = auth;
    this.agents = agents;
    this.presence = presence;
    this.views = views;
  }

  @Operation(summary = "Who the token signs in as")
  @GET
  @Blocking
  @Path("/me")
  public Response me(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
    AuthenticatedAgent who = auth.require(authorization);
    Agent agent = agents.of(who);
    TenantConfig tenant = agents.tenant(who);
    Workspace w = tenant.workspace();
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("tenantId", tenant.id());
    body.put("tenantName", tenant.name());
    body.put("agentId", agent.id());
    body.put("name", agent.name());
    body.put("role", agent.role());
    body.set("skills", strings(agent.skills()));
    body.put("capacity", agent.capacity());
    body.put("presence", ConversationResource.unavailableIfDown(() -> presence.status(tenant.id(), agent.id())));
    body.put("load", ConversationResource.unavailableIfDown(() -> views.load(tenant.id(), agent.id())));
    body.put("routingMode", w.routingMode());
    body.set("resolutionCodes", strings(w.resolutionCodes()));
    ArrayNode canned = body.putArray("cannedReplies");
    w.cannedReplies().forEach(c -> canned.addObject().put("title", c.title()).put("text", c.text()));
    ArrayNode people = body.putArray("agents");
    tenant.agents().forEach(a -> people.addObject().put("agentId", a.id()).put("name", a.name()));
    body.set("skillsOfTenant", strings(List.copyOf(AgentActionResource.skillsOf(tenant))));
    return ConversationResource.ok(body);
  }

  @Operation(summary = "Set the agent's presence (available, away, ...)")
  @APIResponse(responseCode = "400", description = "Not a presence")
  @APIResponse(responseCode = "415", description = "The body is not application/json")
  @PUT
  @Blocking
  @Path("/presence")
  public Response setPresence(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
      @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, byte[] body) {
    AuthenticatedAgent who = auth.require(authorization);
    if (!AgentActionResource.isJson(contentType)) {
      throw Problem.field(415, "Unsupported media type", "Content-Type", "must be application/json");
    }
    JsonNode json;
    try {
      json = body == null || body.length == 0 ? null : AgentActionResource.STRICT_JSON.readTree(body);
    } catch (IOException e) {
      json = null;
    }
    if (json == null || !json.isObject()) {
      throw Problem.field(400, "Invalid body", "body", "must be a JSON object");
    }
    json.fieldNames().forEachRemaining(f -> {
      if (!f.equals("status")) {
        throw Problem.field(400, "Invalid body", f, "unknown field (known: status)");
      }
    });
    String status = json.path("status").isTextual() ? json.get("status").asText() : null;
    if (status == null || !Presence.STATUSES.contains(status)) {
      throw Problem.field(400, "Invalid presence", "status", "must be one of " + String.join(", ", Presence.STATUSES));
    }
    Agent agent = agents.of(who);
    ConversationResource.unavailableIfDown(() -> {
      presence.set(who.tenantId(), agent, status);
      return null;
    });
    ObjectNode answer = Json.MAPPER.createObjectNode();
    answer.put("status", status);
    return ConversationResource.ok(answer);
  }

  @Operation(summary = "The tenant's queues and agents (supervisors only)")
  @APIResponse(responseCode = "403", description = "Not a supervisor")
  @GET
  @Blocking
  @Path("/supervisor")
  public Response supervisor(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
    AuthenticatedAgent who = auth.require(authorization);
    if (!who.supervisor()) {
      throw Problem.of(403, "Supervisors only", "the supervisor view is for agents with role supervisor");
    }
    TenantConfig tenant = agents.tenant(who);
    ObjectNode body = Json.MAPPER.createObjectNode();
    ArrayNode list = body.putArray("agents");
    int online = 0;
    for (Agent a : tenant.agents()) {
      String status = ConversationResource.unavailableIfDown(() -> presence.status(tenant.id(), a.id()));
      online += Presence.ONLINE.equals(status) ? 1 : 0;
      ObjectNode row = list.addObject();
      row.put("agentId", a.id());
      row.put("name", a.name());
      row.put("role", a.role());
      row.put("presence", status);
      row.put("load", ConversationResource.unavailableIfDown(() -> views.load(tenant.id(), a.id())));
      row.put("capacity", a.capacity());
      row.set("skills", strings(a.skills()));
    }
    List<ObjectNode> waiting = ConversationResource.unavailableIfDown(() -> views.queue(tenant.id(), agents.of(who)));
    long longest = 0;
    Instant now = Instant.now();
    for (ObjectNode v : waiting) {
      try {
        longest = Math.max(longest, Duration.between(Instant.parse(ConversationViews.text(v, "waitingSince")), now)
            .toSeconds());
      } catch (RuntimeException ignored) {
        // A view without a waiting time does not count towards the longest wait.
      }
    }
    body.put("waiting", waiting.size());
    body.put("longestWaitSeconds", longest);
    body.put("agentsOnline", online);
    return ConversationResource.ok(body);
  }

  private static ArrayNode strings(List<String> values) {
    ArrayNode out = Json.MAPPER.createArrayNode();
    values.forEach(out::add);
    return out;
  }
}
