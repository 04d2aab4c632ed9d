package dev.baton.intake.service;

import dev.baton.intake.config.IntakeConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.SetParams;

/**
 * Remembers event ids in Redis ({@code baton:<tenant>:event:<eventId>}) so that a retried webhook
 * is accepted but published once. A claim is {@code pending} until the broker confirms, then
 * {@code published}; a failed publish releases it so the retry can succeed. Only {@code published}
 * is kept for {@code intake.dedup-ttl}: {@code pending} expires after {@code intake.claim-timeout},
 * so a claim orphaned by a crash does not turn away the sender's retries for a day.
 *
 * <p>Redis errors ({@link redis.clients.jedis.exceptions.JedisException}) are thrown to the caller,
 * which answers 503.
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
  private final long claimMillis;

  @Inject
  public EventDeduplicator(RedisClient redis, IntakeConfig config) {
    this(redis, config.dedupTtl(), config.claimTimeout());
  }

  EventDeduplicator(RedisClient redis, Duration dedupTtl, Duration claimTimeout) {
    this.redis = redis;
    this.ttlSeconds = dedupTtl.toSeconds();
    this.claimMillis = Math.max(1, claimTimeout.toMillis());
  }

  public Claim claim(String tenantId, String eventId) {
    String key = key(tenantId, eventId);
    if ("OK".equals(redis.set(key, PENDING, SetParams.setParams().nx().px(claimMillis)))) {
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
