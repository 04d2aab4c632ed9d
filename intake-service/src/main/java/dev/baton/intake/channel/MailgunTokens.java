package dev.baton.intake.channel;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.SetParams;

/**
 * Mailgun's webhook tokens already used, per signing key ({@code
 * baton:mailgun:token:<h(signing key)>:<token>}, {@code SET NX} with a time to live): with the
 * timestamp's age bounded by the same window, a signed body captured on the way cannot be posted
 * again. Keyed by the key, not the tenant: tenants of one Mailgun account share its signing key, so
 * a triple signed for one would otherwise be taken once by each. A token is released when its
 * webhook could not be stored, so that Mailgun's own retry of it is taken. Redis errors reach the
 * caller.
 */
@ApplicationScoped
public class MailgunTokens {
  private final RedisClient redis;

  public MailgunTokens(RedisClient redis) {
    this.redis = redis;
  }

  /** True when the token was not used before with this signing key; it is then remembered for {@code ttl}. */
  public boolean claim(String signingKey, String token, Duration ttl) {
    return "OK".equals(redis.set(key(signingKey, token), "1", SetParams.setParams().nx().ex(ttl.toSeconds())));
  }

  /** Forgets the token (its webhook was not stored, and Mailgun will retry it). */
  public void release(String signingKey, String token) {
    redis.del(key(signingKey, token));
  }

  /** The key's hash only: the signing key itself is a secret and stays out of Redis. */
  static String key(String signingKey, String token) {
    return "baton:mailgun:token:" + EmailThreads.hash(signingKey) + ":" + token;
  }
}
