package dev.baton.gateway.service;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.gateway.config.GatewayConfig;
import dev.baton.tenant.Agent;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.RedisClient;

/**
 * Agents' presence in Redis: {@code baton:<tenant>:presence} holds each agent's chosen status
 * (online or away), {@code baton:<tenant>:presence-seen} when each was last heard from (a
 * heartbeat: an open stream, a presence call). An agent not heard from for {@code
 * gateway.presence.ttl} is offline, whatever they chose; the {@link WorkspaceSweeper} notices it
 * once (across instances), says so on the log and reassigns their conversations.
 * {@code baton:<tenant>:idle-since} orders agents by when they last got a conversation, for
 * offers to the longest idle. Every method blocks: call it from a worker thread.
 */
@ApplicationScoped
public class Presence {
  public static final String ONLINE = "online";
  public static final String AWAY = "away";
  public static final String OFFLINE = "offline";
  public static final List<String> STATUSES = List.of(ONLINE, AWAY, OFFLINE);

  private final RedisClient redis;
  private final EventLog log;
  private final ConversationViews views;
  private final Duration ttl;
  private final Clock clock;

  public Presence(RedisClient redis, EventLog log, ConversationViews views, GatewayConfig config) {
    this.redis = redis;
    this.log = log;
    this.views = views;
    this.ttl = config.presence().ttl();
    this.clock = Clock.systemUTC();
  }

  /** Sets the agent's status; logs a {@code presence} event when it changed. */
  public void set(String tenantId, Agent agent, String status) {
    OffEventLoop.check();
    if (OFFLINE.equals(status)) {
      redis.zrem(seenKey(tenantId), agent.id());
    } else {
      redis.zadd(seenKey(tenantId), clock.millis(), agent.id());
    }
    String before = redis.hget(key(tenantId), agent.id());
    redis.hset(key(tenantId), agent.id(), status);
    if (!status.equals(before == null ? OFFLINE : before)) {
      announce(tenantId, agent, status);
    }
  }

  /** A sign of life from an open stream: online unless the agent chose away. */
  public void heartbeat(String tenantId, Agent agent) {
    OffEventLoop.check();
    redis.zadd(seenKey(tenantId), clock.millis(), agent.id());
    String status = redis.hget(key(tenantId), agent.id());
    if (status == null || OFFLINE.equals(status)) {
      redis.hset(key(tenantId), agent.id(), ONLINE);
      announce(tenantId, agent, ONLINE);
    }
  }

  public String status(String tenantId, String agentId) {
    OffEventLoop.check();
    Double seen = redis.zscore(seenKey(tenantId), agentId);
    if (seen == null || seen < clock.millis() - ttl.toMillis()) {
      return OFFLINE;
    }
    String status = redis.hget(key(tenantId), agentId);
    return status == null ? OFFLINE : status;
  }

  /**
   * Agents not heard from within the TTL that this caller is the first to notice (the removal
   * from the seen set is atomic, so of several instances exactly one gets each agent).
   */
  public List<String> expired(String tenantId) {
    OffEventLoop.check();
    long cutoff = clock.millis() - ttl.toMillis();
    return redis.zrangeByScore(seenKey(tenantId), Double.NEGATIVE_INFINITY, cutoff).stream()
        .filter(agent -> redis.zrem(seenKey(tenantId), agent) == 1)
        .toList();
  }

  public void wentOffline(String tenantId, Agent agent) {
    redis.hset(key(tenantId), agent.id(), OFFLINE);
    announce(tenantId, agent, OFFLINE);
  }

  /** The agent got a conversation now: last in line for the next offer. */
  public void busy(String tenantId, String agentId) {
    redis.zadd(idleKey(tenantId), clock.millis(), agentId);
  }

  /** When the agent last got a conversation (0 = never). */
  public Map<String, Double> idleSince(String tenantId) {
    return Map.copyOf(redis.zrangeWithScores(idleKey(tenantId), 0, -1).stream()
        .collect(java.util.stream.Collectors.toMap(t -> t.getElement(), t -> t.getScore())));
  }

  private void announce(String tenantId, Agent agent, String status) {
    ObjectNode data = EventLog.patch();
    data.put("agentId", agent.id());
    data.put("name", agent.name());
    data.put("status", status);
    data.put("load", views.load(tenantId, agent.id()));
    data.put("capacity", agent.capacity());
    log.append(tenantId, "presence", data);
  }

  static String key(String tenantId) {
    return "baton:" + tenantId + ":presence";
  }

  static String seenKey(String tenantId) {
    return "baton:" + tenantId + ":presence-seen";
  }

  static String idleKey(String tenantId) {
    return "baton:" + tenantId + ":idle-since";
  }
}
