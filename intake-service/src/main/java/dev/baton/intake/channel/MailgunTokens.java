package dev.baton.intake.channel;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.SetParams;

/**
 * Mailgun's webhook tokens already used, per tenant ({@code baton:<tenant>:mailgun:token:<token>},
 * {@code SET NX} with a time to live): with the timestamp's age bounded by the same window, a
 * signed body captured on the way cannot be posted again. A token is released when its webhook
 * could not be stored, so that Mailgun's own retry of it is taken. Redis errors reach the caller.
 */
@ApplicationScoped
public class MailgunTokens {
  private final RedisClient redis;

  public MailgunTokens(RedisClient redis) {
    this.redis = redis;
  }

  /** True when the token was not used before; it is then remembered for {@code ttl}. */
  public boolean claim(String tenantId, String token, Duration ttl) {
    return "OK".equals(redis.set(key(tenantId, token), "1", SetParams.setParams().nx().ex(ttl.toSeconds())));
  }

  /** Forgets the token (its webhook was not stored, and Mailgun will retry it). */
  public void release(String tenantId, String token) {
    redis.del(key(tenantId, token));
  }

  static String key(String tenantId, String token) {
    return "baton:" + tenantId + ":mailgun:token:" + token;
  }
}
