package dev.baton.intake.channel;

import jakarta.inject.Singleton;
import java.time.Duration;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.SetParams;

/**
 * The emails Baton sent ({@code baton:<tenant>:em:sent:<Message-ID>}), see {@link SentMessages}.
 * A reply's Message-ID is derived from its Baton message id, so a redelivered outbound message
 * finds its record and is not sent again, even where the delivered mark was not yet set.
 *
 * <p>A singleton (not proxied): it extends {@link SentMessages}, whose constructor takes the client.
 */
@Singleton
public class EmailSentMessages extends SentMessages {
  private final RedisClient redis;

  public EmailSentMessages(RedisClient redis) {
    super(redis, "em");
    this.redis = redis;
  }

  /**
   * Claims the sending of {@code id} for {@code ttl} ({@code baton:<tenant>:em:sending:<id>},
   * {@code SET NX}): true for the one delivery that may send it.
   */
  public boolean claim(String tenantId, String id, Duration ttl) {
    return "OK".equals(redis.set(claimKey(tenantId, id), "1", SetParams.setParams().nx().ex(ttl.toSeconds())));
  }

  /** Keeps the claim of a sent email as long as its sent record. */
  public void keep(String tenantId, String id) {
    redis.expire(claimKey(tenantId, id), TTL.toSeconds());
  }

  /** Gives the claim up: the attempt failed and a retry may send. */
  public void release(String tenantId, String id) {
    redis.del(claimKey(tenantId, id));
  }

  static String claimKey(String tenantId, String id) {
    return "baton:" + tenantId + ":em:sending:" + id;
  }
}
