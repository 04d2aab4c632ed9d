package dev.baton.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.intake.Webhooks.Answer;
import dev.baton.support.kafka.DeadBrokerProducer;
import dev.baton.testsupport.BatonTestResource;
import dev.baton.testsupport.TestTenants;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A dead broker answers 503 in bounded time (the producer's max.block.ms), and keeps no claim. */
@QuarkusTest
@QuarkusTestResource(BatonTestResource.class)
@TestProfile(EventResourceBrokerDownTest.BrokerDown.class)
class EventResourceBrokerDownTest {

  public static class BrokerDown implements QuarkusTestProfile {
    @Override
    public Set<Class<?>> getEnabledAlternatives() {
      return Set.of(DeadBrokerProducer.class);
    }

    @Override
    public Map<String, String> getConfigOverrides() {
      // Longer than max.block.ms, so that the bound comes from the producer.
      return Map.of("intake.publish-timeout", "30s");
    }
  }

  @Test
  void aDeadBrokerIsA503WithinMaxBlock() {
    String body = EventResourceHardeningTest.event("");
    long start = System.nanoTime();
    Answer a = Webhooks.postSigned(body, TestTenants.SECRET);
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertEquals(503, a.status(), a.body());
    assertEquals("2", a.headers().get("retry-after"));
    System.out.println("dead broker answered 503 after " + took.toMillis() + " ms");
    // max.block.ms is 5 s (Kafka's default, 60 s, held the request for a minute).
    assertTrue(took.compareTo(Duration.ofSeconds(9)) < 0, "took " + took);
    // The claim was released: the retry is not answered 409.
    assertEquals(503, Webhooks.postSigned(body, TestTenants.SECRET).status());
  }
}
