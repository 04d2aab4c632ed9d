package dev.baton.gateway.rest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.gateway.auth.AgentAuthenticator;
import dev.baton.gateway.auth.AuthenticatedAgent;
import dev.baton.gateway.config.GatewayConfig;
import dev.baton.gateway.service.Audience;
import dev.baton.gateway.service.ConversationViews;
import dev.baton.gateway.service.EventLog;
import dev.baton.gateway.service.LiveLog;
import dev.baton.gateway.service.LogEntry;
import dev.baton.gateway.service.Presence;
import dev.baton.gateway.service.StreamConnections;
import dev.baton.tenant.Agent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;
import redis.clients.jedis.StreamEntryID;

/**
 * {@code GET /v1/agent/stream}: the agent's Server-Sent Events, typed as in API.md ({@code
 * handoff}, {@code offered}, {@code claimed}, {@code message}, {@code updated}, {@code resolved},
 * {@code handed-back}, {@code reassigned}, {@code presence}, {@code reset}), each the tenant's
 * events this agent may see ({@link Audience}). An event's {@code id} is its position in the
 * tenant's {@link EventLog}: with {@code Last-Event-ID} the stream resumes exactly after it, every
 * missed event once and in order, however long the client was away while the log still holds the
 * position. Without one, or with a position the log no longer holds (trimmed, expired, unknown),
 * the stream starts with a {@code reset} event: a snapshot of the agent's queue and open
 * conversations at a position, followed by everything after it.
 *
 * <p>The stream reads the log at the client's pace (an event is read when the previous one has
 * been written), so a slow client holds no memory and misses nothing; a caught-up one is served
 * from the instance's in-memory tail ({@link LiveLog}). While open, the stream keeps the agent's
 * presence alive, and a comment every {@code gateway.heartbeat} keeps idle connections open
 * through proxies. At most {@code gateway.stream.max-connections-per-agent} streams per agent.
 */
@Tag(name = "Stream", description = "The agent's live events (server-sent events, resumable with Last-Event-ID)")
@SecurityRequirement(name = "agent-token")
@APIResponse(responseCode = "200", description = "The stream of events", content = @Content(mediaType = MediaType.SERVER_SENT_EVENTS))
@APIResponse(responseCode = "401", description = "No, an unknown or an expired agent token")
@APIResponse(responseCode = "429", description = "Too many failed sign-ins from this address (Retry-After)")
@Path("/v1/agent/stream")
public class AgentStreamResource {
  private static final Logger LOG = Logger.getLogger(AgentStreamResource.class);
  private static final Pattern POSITION = Pattern.compile("\\d{1,19}-\\d{1,19}");
  private static final int BATCH = 200;

  private final AgentAuthenticator auth;
  private final Agents agents;
  private final EventLog log;
  private final LiveLog live;
  private final ConversationViews views;
  private final Presence presence;
  private final StreamConnections connections;
  private final GatewayConfig config;

  public AgentStreamResource(AgentAuthenticator auth, Agents agents, EventLog log, LiveLog live,
      ConversationViews views, Presence presence, StreamConnections connections, GatewayConfig config) {
    this.auth = auth;
    this.agents = agents;
    this.log = log;
    this.live = live;
    this.views = views;
    this.presence = presence;
    this.connections = connections;
    this.config = config;
  }

  @Operation(summary = "Open the agent's event stream")
  @GET
  @Produces(MediaType.SERVER_SENT_EVENTS)
  public Multi<OutboundSseEvent> stream(
      @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
      @HeaderParam("Last-Event-ID") String lastEventId,
      @Context Sse sse) {
    AuthenticatedAgent who = auth.require(authorization);
    Agent agent = agents.of(who);
    String tenant = who.tenantId();
    String connection = tenant + "/" + who.agentId();
    int max = config.stream().maxConnectionsPerAgent();
    if (!connections.tryOpen(connection, max)) {
      throw Problem.of(429, "Too many streams", "at most " + max + " open streams per agent; close one and retry");
    }
    AtomicReference<StreamEntryID> cursor = new AtomicReference<>();
    AtomicLong lastHeartbeat = new AtomicLong(System.currentTimeMillis());
    long presenceEvery = config.presence().ttl().toMillis() / 3;
    Multi<OutboundSseEvent> start = Uni.createFrom().item(() -> {
          presence.heartbeat(tenant, agent);
          return opening(tenant, agent, lastEventId, cursor, sse);
        })
        .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
        .onItem().transformToMulti(Multi.createFrom()::iterable);
    Multi<OutboundSseEvent> events = Multi.createBy().repeating()
        .uni(() -> live.after(tenant, cursor.get(), BATCH, config.heartbeat()))
        .indefinitely()
        .onItem().transformToUniAndConcatenate(batch -> {
          List<OutboundSseEvent> out = new ArrayList<>(batch.size());
          for (LogEntry e : batch) {
            cursor.set(e.id());
            if (Audience.sees(agent, e)) {
              out.add(sse.newEventBuilder().id(e.id().toString()).name(e.type()).data(e.data()).build());
            }
          }
          long now = System.currentTimeMillis();
          if (batch.isEmpty() || now - lastHeartbeat.get() > presenceEvery) {
            lastHeartbeat.set(now);
            if (batch.isEmpty()) {
              out.add(sse.newEventBuilder().comment("keep-alive").build());
            }
            return Uni.createFrom().item(() -> {
              try {
                presence.heartbeat(tenant, agent);
              } catch (RuntimeException ex) {
                LOG.warnf("cannot refresh the presence of %s: %s", agent.id(), ex.getMessage());
              }
              return out;
            }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
          }
          return Uni.createFrom().item(out);
        })
        .onItem().transformToMultiAndConcatenate(Multi.createFrom()::iterable);
    return Multi.createBy().concatenating().streams(start, events)
        .onTermination().invoke(() -> connections.close(connection));
  }

  /** Where the stream starts: after the client's position, or a reset with a snapshot. */
  private List<OutboundSseEvent> opening(String tenant, Agent agent, String lastEventId,
      AtomicReference<StreamEntryID> cursor, Sse sse) {
    String reason = null;
    StreamEntryID position = null;
    StreamEntryID end = log.last(tenant);
    if (lastEventId == null || lastEventId.isBlank()) {
      reason = "connected";
    } else if (!POSITION.matcher(lastEventId.trim()).matches()) {
      reason = "unknown position";
    } else {
      position = new StreamEntryID(lastEventId.trim());
      if (position.compareTo(end) > 0) {
        reason = "unknown position";
      } else if (log.trimmedAfter(tenant, position)) {
        reason = "position older than the log's retention";
      }
    }
    if (reason == null) {
      cursor.set(position);
      return List.of();
    }
    // The position first, then the snapshot: whatever changes in between is also in the events
    // after the position, and applying an event to a view that already has it changes nothing.
    StreamEntryID at = end;
    cursor.set(at);
    ObjectNode data = EventLog.patch();
    data.put("type", "reset");
    data.put("reason", reason);
    ArrayNode list = data.putArray("conversations");
    Map<String, ObjectNode> snapshot = new LinkedHashMap<>();
    for (ObjectNode v : views.mine(tenant, agent.id())) {
      snapshot.put(ConversationViews.text(v, "conversationId"), v);
    }
    for (ObjectNode v : agent.supervisor() ? views.open(tenant, agent) : views.queue(tenant, agent)) {
      snapshot.putIfAbsent(ConversationViews.text(v, "conversationId"), v);
    }
    snapshot.values().forEach(list::add);
    return List.of(sse.newEventBuilder().id(at.toString()).name("reset").data(data.toString()).build());
  }
}
