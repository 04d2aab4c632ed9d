package dev.baton.gateway.service;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.SetParams;

/**
 * Recent handoffs per tenant in Redis, so an agent who connects (or reconnects with
 * {@code Last-Event-ID}) sees what is waiting: {@code baton:<tenant>:handoff:<id>} holds the
 * record, {@code baton:<tenant>:handoff-log} orders the ids by arrival (the newest
 * {@value #MAX_PER_TENANT}). Every method blocks: call it from a worker thread.
 */
@ApplicationScoped
public class HandoffStore {
  static final Duration KEEP = Duration.ofDays(7);
  static final int MAX_PER_TENANT = 1000;
  private static final int MAX_EVENT_ID = 512;

  private final RedisClient redis;

  public HandoffStore(RedisClient redis) {
    this.redis = redis;
  }

  /** Stores a handoff; false when it was already stored (a redelivery). */
  public boolean add(RelayedHandoff h) {
    OffEventLoop.check();
    String key = recordKey(h.tenantId(), h.handoffId());
    boolean added = "OK".equals(redis.set(key, h.json(), SetParams.setParams().nx().ex(KEEP.toSeconds())));
    if (added) {
      String index = indexKey(h.tenantId());
      // Scored by arrival sequence, not by timestamp: two handoffs in the same millisecond must
      // still have a definite order for Last-Event-ID to resume between them.
      long seq = redis.incr(index + ":seq");
      redis.zadd(index, seq, h.handoffId());
      redis.zremrangeByRank(index, 0, -MAX_PER_TENANT - 1);
      redis.expire(index, KEEP.toSeconds());
      redis.expire(index + ":seq", KEEP.toSeconds());
    }
    return added;
  }

  /**
   * The ids to replay, oldest first: every kept one after {@code lastSeenId} when it is known
   * (so a reconnect after an overflow loses nothing that is still kept), else the latest
   * {@code fresh}.
   */
  public List<String> idsSince(String tenantId, String lastSeenId, int fresh) {
    OffEventLoop.check();
    String index = indexKey(tenantId);
    Long rank = lastSeenId == null || lastSeenId.length() > MAX_EVENT_ID ? null : redis.zrank(index, lastSeenId);
    if (rank != null) {
      return redis.zrange(index, rank + 1, -1);
    }
    return fresh <= 0 ? List.of() : redis.zrange(index, -fresh, -1);
  }

  /** The stored handoffs of these ids, in the same order; expired ones are left out. */
  public List<RelayedHandoff> load(String tenantId, List<String> ids) {
    OffEventLoop.check();
    if (ids.isEmpty()) {
      return List.of();
    }
    List<String> json = redis.mget(ids.stream().map(id -> recordKey(tenantId, id)).toArray(String[]::new));
    List<RelayedHandoff> out = new ArrayList<>();
    for (int i = 0; i < ids.size(); i++) {
      if (json.get(i) != null) {
        out.add(new RelayedHandoff(ids.get(i), tenantId, json.get(i)));
      }
    }
    return out;
  }

  static String recordKey(String tenantId, String handoffId) {
    return "baton:" + tenantId + ":handoff:" + handoffId;
  }

  static String indexKey(String tenantId) {
    return "baton:" + tenantId + ":handoff-log";
  }
}
