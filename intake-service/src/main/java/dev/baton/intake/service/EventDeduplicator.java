package dev.baton.intake.service;

import dev.baton.intake.config.IntakeConfig;
import jakarta.enterprise.context.ApplicationScoped;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.SetParams;

/**
 * Remembers event ids in Redis ({@code baton:<tenant>:event:<eventId>}) so that a retried webhook
 * is accepted but published once. A claim is {@code pending} until the broker confirms, then
 * {@code published}; a failed publish releases it so the retry can succeed.
 */
@ApplicationScoped
public class EventDeduplicator {
  private static final String PENDING = "pending";
  private static final String PUBLISHED = "published";

  public enum Claim {
    /** First time: go ahead and publish. */
    NEW,
    /** Already published: answer as if accepted. */
    DUPLICATE,
    /** Another request with this id is publishing right now: ask the sender to retry. */
    IN_FLIGHT
  }

  private final RedisClient redis;
  private final long ttlSeconds;

  public EventDeduplicator(RedisClient redis, IntakeConfig config) {
    this.redis = redis;
    this.ttlSeconds = config.dedupTtl().toSeconds();
  }

  public Claim claim(String tenantId, String eventId) {
    String key = key(tenantId, eventId);
    if ("OK".equals(redis.set(key, PENDING, SetParams.setParams().nx().ex(ttlSeconds)))) {
      return Claim.NEW;
    }
    return PUBLISHED.equals(redis.get(key)) ? Claim.DUPLICATE : Claim.IN_FLIGHT;
  }

  public void confirm(String tenantId, String eventId) {
    redis.set(key(tenantId, eventId), PUBLISHED, SetParams.setParams().ex(ttlSeconds));
  }

  public void release(String tenantId, String eventId) {
    redis.del(key(tenantId, eventId));
  }

  static String key(String tenantId, String eventId) {
    return "baton:" + tenantId + ":event:" + eventId;
  }
}
