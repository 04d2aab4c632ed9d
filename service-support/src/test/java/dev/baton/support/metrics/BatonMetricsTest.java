package dev.baton.support.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.baton.schemas.topic.Topics;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.exceptions.JedisConnectionException;

class BatonMetricsTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final BatonMetrics metrics = new BatonMetrics(registry, 3);

  @Test
  void tenantsBeyondTheBoundShareOneLabelSoMadeUpIdsCannotGrowTheSeries() {
    IntStream.range(0, 1000).forEach(i -> metrics.consumed("conversation-events", "tenant-" + i));
    metrics.consumed("conversation-events", "tenant-0");

    assertEquals(4, registry.find("baton.events.consumed").counters().size(), "three tenants and other");
    assertEquals(2.0, registry.get("baton.events.consumed").tag("tenant", "tenant-0").counter().count());
    assertEquals(997.0, registry.get("baton.events.consumed").tag("tenant", BatonMetrics.OTHER_TENANT).counter().count());
    assertEquals(BatonMetrics.OTHER_TENANT, metrics.tenantLabel(null));
  }

  @Test
  void everyDeadLetterTopicIsExportedFromZeroSoTheFirstDeadLetterIsAnIncrease() {
    for (var topic : Topics.pipeline()) {
      assertEquals(0.0, registry.get("baton.dead.letters").tag("topic", topic.deadLetterName()).counter().count());
    }
    metrics.deadLettered("outbound-messages-dlq");
    assertEquals(1.0, registry.get("baton.dead.letters").tag("topic", "outbound-messages-dlq").counter().count());
  }

  @Test
  void onlyRedisFailuresCountAsRedisErrors() {
    SimpleMeterRegistry global = new SimpleMeterRegistry();
    Metrics.addRegistry(global);
    try {
      BatonMetrics.countRedisFailure(new JedisConnectionException("down"), "events-webhook");
      BatonMetrics.countRedisFailure(new IllegalStateException("not redis"), "events-webhook");
      assertEquals(1.0, global.get("baton.redis.errors").tag("operation", "events-webhook").counter().count());
    } finally {
      Metrics.removeRegistry(global);
    }
  }
}
