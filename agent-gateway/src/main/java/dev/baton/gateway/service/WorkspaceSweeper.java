package dev.baton.gateway.service;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.gateway.auth.AuthenticatedAgent;
import dev.baton.gateway.config.GatewayConfig;
import dev.baton.schemas.AgentAction;
import dev.baton.schemas.SchemaVersions;
import dev.baton.schemas.topic.Topics;
import dev.baton.support.kafka.KafkaPublisher;
import dev.baton.tenant.Agent;
import dev.baton.tenant.TenantConfig;
import dev.baton.tenant.TenantDirectory;
import dev.baton.tenant.Workspace;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.SetParams;

/**
 * What the workspace does by itself, every {@code gateway.workspace.sweep-interval}, per tenant,
 * by one gateway instance at a time (a short Redis lock per tenant):
 * <ul>
 *   <li>an agent not heard from within the presence TTL goes offline (a {@code presence} event),
 *       and their conversations return to the queue;
 *   <li>a conversation whose customer has waited for its agent's reply longer than the tenant's
 *       {@code reassignAfterNoReply} returns to the queue;
 *   <li>in {@code offer} mode, each waiting conversation is offered to the longest-idle online
 *       agent with the skill and spare capacity, and an offer not accepted within the tenant's
 *       {@code offerTimeout} moves on to the next agent;
 *   <li>each waiting conversation's place in its queue goes to the handoff service
 *       ({@code QUEUE_STATUS}), whose timers tell the customer.
 * </ul>
 * Returning a conversation is a {@code RELEASE} action for the engine, which decides (the owner
 * may have resolved it meanwhile); its id is derived from the assignment, so two sweeps of the
 * same assignment release it once. Each is written to the audit log.
 */
@ApplicationScoped
public class WorkspaceSweeper {
  private static final Logger LOG = Logger.getLogger(WorkspaceSweeper.class);
  private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(5);

  private final RedisClient redis;
  private final TenantDirectory tenants;
  private final Presence presence;
  private final ConversationViews views;
  private final EventLog log;
  private final KafkaPublisher publisher;
  private final AuditLog audit;
  private final GatewayConfig config;
  private final Clock clock = Clock.systemUTC();

  public WorkspaceSweeper(RedisClient redis, TenantDirectory tenants, Presence presence, ConversationViews views,
      EventLog log, KafkaPublisher publisher, AuditLog audit, GatewayConfig config) {
    this.redis = redis;
    this.tenants = tenants;
    this.presence = presence;
    this.views = views;
    this.log = log;
    this.publisher = publisher;
    this.audit = audit;
    this.config = config;
  }

  @Scheduled(every = "${gateway.workspace.sweep-interval:2s}", delayed = "2s",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void sweep() {
    for (TenantConfig tenant : tenants.all()) {
      try {
        if (lock(tenant.id())) {
          sweep(tenant);
        }
      } catch (RuntimeException e) {
        // One tenant's trouble (Redis away, a broker hiccup) never stops the others' sweep.
        LOG.warnf("workspace sweep of %s failed: %s", tenant.id(), e.getMessage());
      }
    }
  }

  private boolean lock(String tenantId) {
    long hold = Math.max(1000, config.workspace().sweepInterval().toMillis() - 200);
    return "OK".equals(redis.set("baton:" + tenantId + ":sweep-lock", "1", SetParams.setParams().nx().px(hold)));
  }

  void sweep(TenantConfig tenant) {
    String t = tenant.id();
    for (String agentId : presence.expired(t)) {
      tenant.agent(agentId).ifPresent(a -> {
        presence.wentOffline(t, a);
        for (ObjectNode v : views.mine(t, agentId)) {
          release(tenant, v, agentId + " went offline");
        }
      });
    }
    Duration patience = tenant.workspace().reassignAfterNoReply();
    Instant now = clock.instant();
    for (Agent a : tenant.agents()) {
      for (ObjectNode v : views.mine(t, a.id())) {
        Instant waiting = instant(v, "awaitingReplySince");
        if (waiting != null && waiting.plus(patience).isBefore(now)) {
          release(tenant, v, a.id() + " did not reply within " + humane(patience));
        }
      }
    }
    List<ObjectNode> queue = views.queue(t, new Agent(AgentAction.SYSTEM_AGENT, "Baton", null, Agent.SUPERVISOR));
    if (tenant.workspace().offers()) {
      offer(tenant, queue, now);
    }
    queueStatus(tenant, queue, now);
  }

  private void release(TenantConfig tenant, ObjectNode view, String why) {
    String conv = ConversationViews.text(view, "conversationId");
    String actionId = AgentAction.SYSTEM_AGENT + ":release:" + conv + ":" + ConversationViews.text(view, "claimedAt");
    AgentAction release = new AgentAction(SchemaVersions.CURRENT, actionId, AgentAction.Type.RELEASE, tenant.id(),
        conv, AgentAction.SYSTEM_AGENT, why, clock.instant(), null, null, null, null);
    if (publish(release)) {
      audit.record(system(tenant), "REASSIGN", conv, "returned to the queue: " + why);
    }
  }

  /** Offers each waiting conversation to one available agent at a time, longest idle first. */
  private void offer(TenantConfig tenant, List<ObjectNode> queue, Instant now) {
    String t = tenant.id();
    Workspace w = tenant.workspace();
    Map<String, Integer> spare = new HashMap<>();
    for (Agent a : tenant.agents()) {
      if (Presence.ONLINE.equals(presence.status(t, a.id()))) {
        spare.put(a.id(), (int) (a.capacity() - views.load(t, a.id())));
      }
    }
    for (ObjectNode v : queue) {
      if ("offered".equals(ConversationViews.text(v, "status"))) {
        String to = ConversationViews.text(v, "offeredTo");
        Instant expires = instant(v, "offerExpiresAt");
        if (expires != null && expires.isBefore(now)) {
          ObjectNode p = EventLog.patch();
          p.put("status", "queued");
          p.putNull("offeredTo");
          p.putNull("offerExpiresAt");
          p.put("declined", ConversationViews.text(v, "declined") + "," + to);
          ObjectNode extra = EventLog.patch();
          extra.put("from", to);
          extra.putNull("to");
          extra.put("why", "offer to " + to + " not accepted within " + w.offerTimeout().toSeconds() + " s");
          log.apply(EventLog.Change.of(t, ConversationViews.text(v, "conversationId"), p).event("reassigned", extra)
              .existingOnly());
        } else {
          spare.computeIfPresent(to, (k, n) -> n - 1);
        }
      }
    }
    Map<String, Double> idle = presence.idleSince(t);
    for (ObjectNode v : queue) {
      if (!"queued".equals(ConversationViews.text(v, "status"))) {
        continue;
      }
      String skill = ConversationViews.text(v, "skill");
      List<String> declined = Arrays.asList(ConversationViews.text(v, "declined").split(","));
      Agent pick = tenant.agents().stream()
          .filter(a -> spare.getOrDefault(a.id(), 0) > 0 && a.works(skill) && !declined.contains(a.id()))
          .min(Comparator.comparingDouble(a -> idle.getOrDefault(a.id(), 0.0)))
          .orElse(null);
      if (pick == null) {
        continue;
      }
      spare.computeIfPresent(pick.id(), (k, n) -> n - 1);
      ObjectNode p = EventLog.patch();
      p.put("status", "offered");
      p.put("offeredTo", pick.id());
      Instant expires = now.plus(w.offerTimeout());
      p.put("offerExpiresAt", expires.toString());
      ObjectNode extra = EventLog.patch();
      extra.put("offeredTo", pick.id());
      extra.put("expiresAt", expires.toString());
      log.apply(EventLog.Change.of(t, ConversationViews.text(v, "conversationId"), p).event("offered", extra)
          .existingOnly());
      // Offering counts as getting work: the next offer goes to someone idle longer.
      presence.busy(t, pick.id());
    }
  }

  /** Tells the engine each waiting conversation's place, when it changed. */
  private void queueStatus(TenantConfig tenant, List<ObjectNode> queue, Instant now) {
    String t = tenant.id();
    Map<String, Integer> positions = new HashMap<>();
    Map<String, Integer> available = new HashMap<>();
    Double averageWait = averageWait(t);
    for (ObjectNode v : queue) {
      String skill = ConversationViews.text(v, "skill");
      int position = positions.merge(skill, 1, Integer::sum);
      int agentsFree = available.computeIfAbsent(skill, s -> (int) tenant.agents().stream()
          .filter(a -> !a.supervisor() || a.skills().contains(s))
          .filter(a -> a.works(s) && Presence.ONLINE.equals(presence.status(t, a.id()))
              && views.load(t, a.id()) < a.capacity())
          .count());
      Integer wait = averageWait == null ? null
          : (int) Math.round(averageWait * position / Math.max(1, agentsFree));
      String signature = position + "|" + agentsFree + "|" + (wait == null ? "-" : Integer.toString(wait / 60));
      if (signature.equals(ConversationViews.text(v, "queueStatusSent"))) {
        continue;
      }
      String conv = ConversationViews.text(v, "conversationId");
      AgentAction status = new AgentAction(SchemaVersions.CURRENT,
          AgentAction.SYSTEM_AGENT + ":queue:" + conv + ":" + ConversationViews.text(v, "waitingSinceMs") + ":" + signature,
          AgentAction.Type.QUEUE_STATUS, t, conv, AgentAction.SYSTEM_AGENT, null, now, null, null, null,
          new AgentAction.QueueStatus(position, wait, agentsFree));
      if (publish(status)) {
        ObjectNode p = EventLog.patch();
        p.put("queueStatusSent", signature);
        p.put("queuePosition", position);
        log.apply(EventLog.Change.of(t, conv, p).existingOnly());
      }
    }
  }

  /** The tenant's recent average wait from queue to agent, in seconds; null before the first claim. */
  private Double averageWait(String tenantId) {
    String v = redis.get(waitKey(tenantId));
    return v == null ? null : Double.valueOf(v);
  }

  static String waitKey(String tenantId) {
    return "baton:" + tenantId + ":average-wait";
  }

  private boolean publish(AgentAction action) {
    try {
      publisher.publish(Topics.AGENT_ACTIONS, action, PUBLISH_TIMEOUT);
      return true;
    } catch (KafkaPublisher.PublishException e) {
      LOG.warnf("cannot publish %s for %s (next sweep retries): %s", action.type(), action.conversationKey(),
          e.getMessage());
      return false;
    }
  }

  /** "10 min", "45 s". */
  static String humane(Duration d) {
    return d.toSeconds() >= 120 && d.toSeconds() % 60 == 0 ? d.toMinutes() + " min" : d.toSeconds() + " s";
  }

  private static AuthenticatedAgent system(TenantConfig tenant) {
    return new AuthenticatedAgent(tenant.id(), AgentAction.SYSTEM_AGENT, "Baton", true);
  }

  private static Instant instant(ObjectNode v, String field) {
    String s = ConversationViews.text(v, field);
    try {
      return s.isEmpty() ? null : Instant.parse(s);
    } catch (RuntimeException e) {
      return null;
    }
  }
}
