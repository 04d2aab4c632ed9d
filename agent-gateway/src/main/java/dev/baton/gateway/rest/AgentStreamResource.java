package dev.baton.gateway.rest;

import dev.baton.gateway.auth.AgentAuthenticator;
import dev.baton.gateway.auth.AuthenticatedAgent;
import dev.baton.gateway.service.HandoffFeed;
import dev.baton.gateway.service.HandoffStore;
import dev.baton.schemas.HandoffRecord;
import dev.baton.schemas.serde.Json;
import io.smallrye.mutiny.Multi;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * {@code GET /v1/agent/stream}: Server-Sent Events of the handoffs of the agent's tenant. Each
 * event is named {@code handoff}, has the handoff id as its SSE {@code id} and the handoff record
 * as JSON data. On connect, the recent handoffs (after {@code Last-Event-ID} when the browser
 * reconnects) are sent first; a comment every 15 s keeps idle connections open through proxies.
 */
@Path("/v1/agent/stream")
public class AgentStreamResource {
  private static final int REPLAY = 50;

  private final AgentAuthenticator auth;
  private final HandoffStore store;
  private final HandoffFeed feed;
  private final Duration heartbeat;

  public AgentStreamResource(AgentAuthenticator auth, HandoffStore store, HandoffFeed feed,
      @ConfigProperty(name = "gateway.heartbeat", defaultValue = "15s") Duration heartbeat) {
    this.auth = auth;
    this.store = store;
    this.feed = feed;
    this.heartbeat = heartbeat;
  }

  @GET
  @Produces(MediaType.SERVER_SENT_EVENTS)
  public Multi<OutboundSseEvent> stream(
      @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
      @HeaderParam("Last-Event-ID") String lastEventId,
      @Context Sse sse) {
    AuthenticatedAgent agent = auth.authenticate(authorization)
        .orElseThrow(() -> Problem.of(401, "Unauthorized", "send Authorization: Bearer <agent token>"));
    // Live is subscribed before the replay is read, so no handoff falls between the two; one
    // that is in both is sent once.
    Multi<HandoffRecord> live = feed.live(agent.tenantId());
    Multi<HandoffRecord> replay = Multi.createFrom().item(() -> store.since(agent.tenantId(), lastEventId, REPLAY))
        .onItem().<HandoffRecord>disjoint();
    Multi<OutboundSseEvent> handoffs = Multi.createBy().merging().streams(live, replay)
        .select().distinct(HandoffRecord::handoffId)
        .map(h -> sse.newEventBuilder().id(h.handoffId()).name("handoff").data(Json.write(h)).build());
    Multi<OutboundSseEvent> beats = Multi.createFrom().ticks().every(heartbeat)
        .map(t -> sse.newEventBuilder().comment("keep-alive").build());
    return Multi.createBy().merging().streams(handoffs, beats);
  }
}
