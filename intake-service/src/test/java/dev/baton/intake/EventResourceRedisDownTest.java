package dev.baton.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.intake.Webhooks.Answer;
import dev.baton.testsupport.BatonTestResource;
import dev.baton.testsupport.FreePorts;
import dev.baton.testsupport.TestTenants;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.Set;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/** Redis is where event ids are remembered: without it the intake answers 503, never 500. */
@QuarkusTest
@QuarkusTestResource(BatonTestResource.class)
@TestProfile(EventResourceRedisDownTest.RedisDown.class)
class EventResourceRedisDownTest {

  /** A Redis client pointed at a port where nothing listens. */
  @Alternative
  @Singleton
  public static class DeadRedis {
    @Produces
    @Singleton
    RedisClient redis() {
      return RedisClient.create("127.0.0.1", FreePorts.next());
    }
  }

  public static class RedisDown implements QuarkusTestProfile {
    @Override
    public Set<Class<?>> getEnabledAlternatives() {
      return Set.of(DeadRedis.class);
    }
  }

  @Test
  void aValidEventIsAnswered503WithRetryAfter() {
    Answer a = Webhooks.postSigned(EventResourceHardeningTest.event(""), TestTenants.SECRET);
    assertEquals(503, a.status(), a.body());
    assertTrue(a.contentType().startsWith("application/problem+json"), a.contentType());
    assertEquals("2", a.headers().get("retry-after"));
  }

  @Test
  void badInputIsStillA4xx() {
    assertEquals(401, Webhooks.postSigned(EventResourceHardeningTest.event(""), "wrong").status());
    assertEquals(400, Webhooks.postSigned("{\"tenantId\":\"acme\"}", TestTenants.SECRET).status());
  }
}
