package dev.baton.gateway.service;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.SetParams;

/**
 * The handoff records, as the handoff service wrote them, for the conversation view's summary,
 * audit and collected data: {@code baton:<tenant>:handoff:<id>}, and the newest handoff id of each
 * conversation. Every method blocks: call it from a worker thread.
 */
@ApplicationScoped
public class HandoffStore {
  static final Duration KEEP = Duration.ofDays(30);

  private final RedisClient redis;

  public HandoffStore(RedisClient redis) {
    this.redis = redis;
  }

  /** Stores (or replaces, for an updated record) a handoff. */
  public void put(RelayedHandoff h) {
    OffEventLoop.check();
    redis.set(recordKey(h.tenantId(), h.handoffId()), h.json(), SetParams.setParams().ex(KEEP.toSeconds()));
  }

  /** The stored handoff record's JSON, or null. */
  public String get(String tenantId, String handoffId) {
    OffEventLoop.check();
    return redis.get(recordKey(tenantId, handoffId));
  }

  static String recordKey(String tenantId, String handoffId) {
    return "baton:" + tenantId + ":handoff:" + handoffId;
  }
}
