package dev.baton.support.metrics;

import dev.baton.schemas.topic.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Baton's own Prometheus metrics, shared by every service (Kafka clients, HTTP and the JVM are
 * measured by Quarkus's Micrometer binders). Names follow Prometheus conventions once exported:
 * {@code baton_events_consumed_total{topic,tenant}}, {@code baton_events_produced_total{topic,tenant}},
 * {@code baton_dead_letters_total{topic}} (the dead-letter topic), {@code baton_redis_errors_total{operation}}.
 * Dead-letter counters start at zero for every dead-letter topic, so an alert on their increase
 * sees the first one.
 *
 * <p>The {@code tenant} label is bounded: the first {@code baton.metrics.max-tenant-labels}
 * tenants seen are named, every later one is {@code other}, so a flood of made-up tenant ids
 * cannot grow the series without limit. Meters are cached per label set: the hot path pays a map
 * lookup, not a registry lookup.
 */
@ApplicationScoped
@Startup
public class BatonMetrics {
  public static final String OTHER_TENANT = "other";

  private final MeterRegistry registry;
  private final int maxTenantLabels;
  private final Set<String> namedTenants = ConcurrentHashMap.newKeySet();
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();

  public BatonMetrics(MeterRegistry registry,
      @ConfigProperty(name = "baton.metrics.max-tenant-labels", defaultValue = "100") int maxTenantLabels) {
    this.registry = registry;
    this.maxTenantLabels = maxTenantLabels;
    for (var topic : Topics.pipeline()) {
      counter("baton.dead.letters", "records put on a dead-letter topic", "topic", topic.deadLetterName());
    }
  }

  /** {@code tenant} as a label value: itself while the bound allows, else {@code other}. */
  public String tenantLabel(String tenant) {
    if (tenant == null || tenant.isEmpty()) {
      return OTHER_TENANT;
    }
    if (namedTenants.contains(tenant)) {
      return tenant;
    }
    synchronized (namedTenants) {
      if (namedTenants.size() < maxTenantLabels) {
        namedTenants.add(tenant);
        return tenant;
      }
    }
    return namedTenants.contains(tenant) ? tenant : OTHER_TENANT;
  }

  /** One record of {@code topic} read for {@code tenant}. */
  public void consumed(String topic, String tenant) {
    counter("baton.events.consumed", "records read, per topic and tenant", "topic", topic, "tenant", tenantLabel(tenant))
        .increment();
  }

  /** One record written to {@code topic} for {@code tenant}. */
  public void produced(String topic, String tenant) {
    counter("baton.events.produced", "records written, per topic and tenant", "topic", topic, "tenant",
        tenantLabel(tenant)).increment();
  }

  /** One record put on the dead-letter topic {@code deadLetterTopic}. */
  public void deadLettered(String deadLetterTopic) {
    counter("baton.dead.letters", "records put on a dead-letter topic", "topic", deadLetterTopic).increment();
  }

  /**
   * Counts {@code e} in {@code baton_redis_errors_total{operation}} if it is a Redis failure (the
   * request was refused with a 503, or answered without Redis); other exceptions are not counted.
   * Static, on Micrometer's global registry (Quarkus adds its Prometheus registry to it), so that
   * every place that handles a Redis failure can count it in one line.
   */
  public static void countRedisFailure(Throwable e, String operation) {
    if (e instanceof JedisException) {
      Metrics.counter("baton.redis.errors", "operation", operation).increment();
    }
  }

  /** A counter named {@code name} with the given label pairs, created once. */
  public Counter counter(String name, String description, String... labels) {
    return counters.computeIfAbsent(key(name, labels),
        k -> Counter.builder(name).description(description).tags(labels).register(registry));
  }

  /**
   * A latency timer exported as a Prometheus histogram (buckets from {@code min} to {@code max}),
   * so percentiles can be aggregated across instances.
   */
  public Timer timer(String name, String description, Duration min, Duration max, String... labels) {
    return timers.computeIfAbsent(key(name, labels), k -> Timer.builder(name).description(description).tags(labels)
        .publishPercentileHistogram().minimumExpectedValue(min).maximumExpectedValue(max).register(registry));
  }

  public MeterRegistry registry() {
    return registry;
  }

  private static String key(String name, String... labels) {
    return name + '\u0000' + String.join("\u0000", labels);
  }
}
