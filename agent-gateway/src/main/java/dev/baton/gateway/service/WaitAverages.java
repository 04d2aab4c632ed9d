package dev.baton.gateway.service;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import redis.clients.jedis.RedisClient;

/**
 * Each tenant's recent average wait from queue to agent, an exponentially weighted moving average
 * (each new wait weighs {@value #WEIGHT}) kept in Redis so every instance estimates alike. What
 * the queue notices' expected wait is computed from.
 */
@ApplicationScoped
public class WaitAverages {
  static final double WEIGHT = 0.2;
  private static final String ADD = """
      local old = tonumber(redis.call('GET', KEYS[1]))
      local sample = tonumber(ARGV[1])
      local new = old and (old * (1 - tonumber(ARGV[2])) + sample * tonumber(ARGV[2])) or sample
      redis.call('SET', KEYS[1], string.format('%.1f', new), 'EX', 604800)
      return 1
      """;

  private final RedisClient redis;

  public WaitAverages(RedisClient redis) {
    this.redis = redis;
  }

  public void add(String tenantId, long waitSeconds) {
    OffEventLoop.check();
    redis.eval(ADD, List.of(WorkspaceSweeper.waitKey(tenantId)), List.of(Long.toString(waitSeconds),
        Double.toString(WEIGHT)));
  }
}
