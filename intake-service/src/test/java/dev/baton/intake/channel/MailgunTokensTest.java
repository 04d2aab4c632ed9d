package dev.baton.intake.channel;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.testsupport.TestRedis;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/** Used Mailgun tokens, against the real Redis; each test has its own signing keys and tokens. */
class MailgunTokensTest {
  private static RedisClient redis;
  private static MailgunTokens tokens;

  @BeforeAll
  static void start() {
    TestRedis.requireRunning();
    redis = RedisClient.create(TestRedis.host(), TestRedis.port());
    tokens = new MailgunTokens(redis);
  }

  @AfterAll
  static void stop() {
    redis.close();
  }

  @Test
  void aTokenIsTakenOncePerSigningKeyWhicheverTenantItIsPostedTo() {
    // Two tenants of one Mailgun account share its key: the tenant is not part of the claim at all.
    String shared = "key-" + UUID.randomUUID();
    String token = EmailSamples.token();
    assertTrue(tokens.claim(shared, token, Duration.ofMinutes(1)));
    assertFalse(tokens.claim(shared, token, Duration.ofMinutes(1)), "the replay to the second tenant");
    assertTrue(tokens.claim("key-" + UUID.randomUUID(), token, Duration.ofMinutes(1)), "another account's key");
    assertTrue(redis.exists(MailgunTokens.key(shared, token)));
    assertFalse(MailgunTokens.key(shared, token).contains(shared), "the signing key itself is not stored");

    tokens.release(shared, token);
    assertTrue(tokens.claim(shared, token, Duration.ofMinutes(1)), "released when its webhook was not stored");
  }
}
