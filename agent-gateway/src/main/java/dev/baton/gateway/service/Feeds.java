package dev.baton.gateway.service;

import java.time.Duration;
import org.jboss.logging.Logger;

/** How the feeds apply a record to Redis: retried while Redis is unreachable, never dropped. */
final class Feeds {
  private static final Logger LOG = Logger.getLogger(Feeds.class);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

  private Feeds() {}

  /**
   * Runs {@code apply} until it succeeds. The record is acknowledged only after, so a Redis
   * outage pauses the feed (and the partition's later records wait behind it, in order) instead
   * of losing what was in flight; each step is idempotent, so a retry after a partial success
   * changes nothing twice.
   */
  static void untilApplied(String what, Runnable apply) {
    long backoff = 100;
    for (int attempt = 1; ; attempt++) {
      try {
        apply.run();
        return;
      } catch (redis.clients.jedis.exceptions.JedisConnectionException e) {
        // Anything else (a record the script refuses) is the record's fault: the caller dead-letters it.
        if (attempt == 1 || attempt % 20 == 0) {
          LOG.errorf("cannot apply %s to Redis (attempt %d), retrying: %s", what, attempt, e.getMessage());
        }
        try {
          Thread.sleep(backoff);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while applying " + what, ie);
        }
        backoff = Math.min(MAX_BACKOFF.toMillis(), backoff * 2);
      }
    }
  }
}
