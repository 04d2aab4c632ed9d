package dev.baton.gateway.rest;

import dev.baton.gateway.auth.AgentAuthenticator;
import dev.baton.gateway.auth.AuthenticatedAgent;
import dev.baton.gateway.config.GatewayConfig;
import dev.baton.gateway.service.HandoffStore;
import dev.baton.gateway.service.LiveHandoffs;
import dev.baton.gateway.service.RelayedHandoff;
import dev.baton.gateway.service.StreamConnections;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /v1/agent/stream}: Server-Sent Events of the handoffs of the agent's tenant. Each
 * event is named {@code handoff}, has the handoff id as its SSE {@code id} and the handoff record
 * as JSON data. On connect, the recent handoffs (all kept ones after {@code Last-Event-ID} when
 * the browser reconnects) are sent first, then new ones; a comment every {@code gateway.heartbeat}
 * keeps idle connections open through proxies.
 *
 * <p>Bounded per connection: live handoffs are filtered by tenant before they are buffered, at
 * most {@code gateway.stream.buffer} wait for a client that does not read (then the stream sends
 * an {@code overflow} event and ends, and the client resumes with {@code Last-Event-ID}), the
 * handoff ids remembered to send one that is both in the replay and live once are bounded too,
 * and an agent has at most {@code gateway.stream.max-connections-per-agent} streams (the next
 * gets 429). The replay reads Redis on a worker thread, never on the event loop.
 */
@Path("/v1/agent/stream")
public class AgentStreamResource {
  private static final int PAGE = 50;

  private final AgentAuthenticator auth;
  private final HandoffStore store;
  private final LiveHandoffs live;
  private final StreamConnections connections;
  private final GatewayConfig config;

  public AgentStreamResource(AgentAuthenticator auth, HandoffStore store, LiveHandoffs live,
      StreamConnections connections, GatewayConfig config) {
    this.auth = auth;
    this.store = store;
    this.live = live;
    this.connections = connections;
    this.config = config;
  }

  @GET
  @Produces(MediaType.SERVER_SENT_EVENTS)
  public Multi<OutboundSseEvent> stream(
      @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
      @HeaderParam("Last-Event-ID") String lastEventId,
      @Context Sse sse) {
    AuthenticatedAgent agent = auth.require(authorization);
    String who = agent.tenantId() + "/" + agent.agentId();
    int max = config.stream().maxConnectionsPerAgent();
    if (!connections.tryOpen(who, max)) {
      throw Problem.of(429, "Too many streams", "at most " + max + " open streams per agent; close one and retry");
    }
    try {
      return handoffs(agent.tenantId(), lastEventId, sse).onTermination().invoke(() -> connections.close(who));
    } catch (RuntimeException e) {
      connections.close(who);
      throw e;
    }
  }

  private Multi<OutboundSseEvent> handoffs(String tenantId, String lastEventId, Sse sse) {
    int buffer = config.stream().buffer();
    // Live is subscribed before the replay is read, so no handoff falls between the two; one
    // that is in both is sent once.
    Multi<RelayedHandoff> fresh = live.live(tenantId, buffer);
    Multi<RelayedHandoff> replay = Uni.createFrom().item(() -> store.idsSince(tenantId, lastEventId, config.stream().replay()))
        .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
        .onItem().transformToMulti(ids -> Multi.createFrom().iterable(pages(ids)))
        // One page at a time, as the client reads: a long replay is not held in memory at once.
        .onItem().transformToUniAndConcatenate(ids -> Uni.createFrom().item(() -> store.load(tenantId, ids))
            .runSubscriptionOn(Infrastructure.getDefaultWorkerPool()))
        .onItem().<RelayedHandoff>disjoint();
    SentIds sent = new SentIds(config.stream().dedupWindow());
    Multi<OutboundSseEvent> handoffs = Multi.createBy().merging().streams(fresh, replay)
        .select().where(h -> sent.firstTime(h.handoffId()))
        .map(h -> sse.newEventBuilder().id(h.handoffId()).name("handoff").data(h.json()).build());
    Multi<OutboundSseEvent> beats = Multi.createFrom().ticks().every(config.heartbeat())
        .onOverflow().drop()
        .map(t -> sse.newEventBuilder().comment("keep-alive").build());
    return Multi.createBy().merging().streams(handoffs, beats)
        .onFailure(LiveHandoffs.Overflow.class).recoverWithItem(e -> sse.newEventBuilder().name("overflow")
            .data("{\"reconnect\":true,\"detail\":\"" + e.getMessage() + "; reconnect with Last-Event-ID\"}")
            .build());
  }

  private static List<List<String>> pages(List<String> ids) {
    List<List<String>> out = new java.util.ArrayList<>();
    for (int i = 0; i < ids.size(); i += PAGE) {
      out.add(ids.subList(i, Math.min(ids.size(), i + PAGE)));
    }
    return out;
  }

  /** The ids this connection sent lately: bounded, oldest forgotten first. */
  static final class SentIds {
    private final Map<String, Boolean> ids;

    SentIds(int capacity) {
      this.ids = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
          return size() > capacity;
        }
      };
    }

    synchronized boolean firstTime(String id) {
      return ids.put(id, Boolean.TRUE) == null;
    }
  }
}
