package dev.baton.intake.service;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.intake.service.EventDeduplicator.Claim;
import dev.baton.testsupport.TestRedis;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/** Against the real Redis; each test uses its own tenant id. */
class EventDeduplicatorTest {
  private static RedisClient redis;

  @BeforeAll
  static void connect() {
    TestRedis.requireRunning();
    redis = RedisClient.create(TestRedis.host(), TestRedis.port());
  }

  @AfterAll
  static void close() {
    redis.close();
  }

  @Test
  void aPendingClaimExpiresSoonButAPublishedOneIsKeptForTheDedupTtl() {
    EventDeduplicator dedup = new EventDeduplicator(redis, Duration.ofHours(24), Duration.ofSeconds(30));
    String tenant = "t-" + UUID.randomUUID();
    assertEquals(Claim.NEW, dedup.claim(tenant, "ev-1"));
    long pendingTtl = redis.ttl(EventDeduplicator.key(tenant, "ev-1"));
    assertTrue(pendingTtl > 0 && pendingTtl <= 30, "pending TTL " + pendingTtl);
    assertEquals(Claim.IN_FLIGHT, dedup.claim(tenant, "ev-1"));

    dedup.confirm(tenant, "ev-1");
    long publishedTtl = redis.ttl(EventDeduplicator.key(tenant, "ev-1"));
    assertTrue(publishedTtl > 23 * 3600, "published TTL " + publishedTtl);
    assertEquals(Claim.DUPLICATE, dedup.claim(tenant, "ev-1"));
  }

  @Test
  void aClaimOrphanedByACrashLetsTheRetryThroughAfterTheClaimTimeout() {
    EventDeduplicator dedup = new EventDeduplicator(redis, Duration.ofHours(24), Duration.ofMillis(300));
    String tenant = "t-" + UUID.randomUUID();
    assertEquals(Claim.NEW, dedup.claim(tenant, "ev-1"));
    // The process died here: neither confirm nor release ran.
    assertEquals(Claim.IN_FLIGHT, dedup.claim(tenant, "ev-1"));
    await().atMost(Duration.ofSeconds(5)).until(() -> dedup.claim(tenant, "ev-1") == Claim.NEW);
  }
}
