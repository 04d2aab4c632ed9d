package dev.baton.gateway.service;

import dev.baton.schemas.HandoffRecord;
import dev.baton.schemas.serde.Json;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.SetParams;

/**
 * Recent handoffs per tenant in Redis, so an agent who connects (or reconnects with
 * {@code Last-Event-ID}) sees what is waiting: {@code baton:<tenant>:handoff:<id>} holds the
 * record, {@code baton:<tenant>:handoff-log} orders the ids by arrival.
 */
@ApplicationScoped
public class HandoffStore {
  static final Duration KEEP = Duration.ofDays(7);
  private static final int MAX_PER_TENANT = 1000;

  private final RedisClient redis;

  public HandoffStore(RedisClient redis) {
    this.redis = redis;
  }

  /** Stores a handoff; false when it was already stored (a redelivery). */
  public boolean add(HandoffRecord h) {
    String key = recordKey(h.tenantId(), h.handoffId());
    boolean added = "OK".equals(redis.set(key, Json.write(h), SetParams.setParams().nx().ex(KEEP.toSeconds())));
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

  /** The tenant's handoffs after {@code lastSeenId} (or the latest {@code limit}), oldest first. */
  public List<HandoffRecord> since(String tenantId, String lastSeenId, int limit) {
    String index = indexKey(tenantId);
    List<String> ids;
    Long rank = lastSeenId == null ? null : redis.zrank(index, lastSeenId);
    if (rank != null) {
      ids = redis.zrange(index, rank + 1, rank + limit);
    } else {
      ids = redis.zrange(index, -limit, -1);
    }
    List<HandoffRecord> out = new ArrayList<>();
    for (String id : ids) {
      String json = redis.get(recordKey(tenantId, id));
      if (json != null) {
        out.add(Json.read(json, HandoffRecord.class));
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
