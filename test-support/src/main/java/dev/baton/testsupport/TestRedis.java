package dev.baton.testsupport;

import redis.clients.jedis.RedisClient;

/**
 * The real Redis the tests use: {@code BATON_REDIS_HOST}/{@code BATON_REDIS_PORT}, default
 * 127.0.0.1:6379. Tests isolate themselves with unique tenant ids rather than flushing, so a
 * shared Redis is safe.
 */
public final class TestRedis {
  private TestRedis() {}

  public static String host() {
    return System.getenv().getOrDefault("BATON_REDIS_HOST", "127.0.0.1");
  }

  public static int port() {
    return Integer.parseInt(System.getenv().getOrDefault("BATON_REDIS_PORT", "6379"));
  }

  /** Fails fast with a clear message when no Redis answers. */
  public static void requireRunning() {
    try (RedisClient client = RedisClient.create(host(), port())) {
      client.ping();
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "Redis is not answering on " + host() + ":" + port()
              + "; start it (see README: redis-server --daemonize yes ...)", e);
    }
  }
}
