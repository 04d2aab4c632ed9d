package dev.baton.intake.delivery;

import dev.baton.testsupport.EmbeddedKafka;
import dev.baton.testsupport.TestRedis;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Like {@code BatonTestResource}, but the tenants' callbacks reach {@link PartnerCallbacks}, one
 * behaviour per tenant, and delivery retries long enough (12 attempts, 1 s attempt deadline) for
 * a test to watch the other tenants while one is being retried. The two tenants are known only
 * here, so messages left behind by these tests are dead-lettered, never delivered, by the other
 * test classes' applications.
 */
public class PartnerTestResource implements QuarkusTestResourceLifecycleManager {
  /** The tenant whose partner is failing or slow. */
  public static final String SLOW = "slowco";
  /** The tenant that must not notice. */
  public static final String FAST = "fastco";

  private static PartnerCallbacks partners;

  public static synchronized PartnerCallbacks partners() {
    if (partners == null) {
      partners = new PartnerCallbacks();
    }
    return partners;
  }

  /** A tenants file with {@link #SLOW} and {@link #FAST}, callbacks on {@code baseUrl}. */
  public static Path tenantsFile(String baseUrl, String... tenants) {
    StringBuilder yaml = new StringBuilder("version: \"partner-test\"\ntenants:\n");
    for (String t : tenants) {
      yaml.append("  - id: ").append(t).append('\n')
          .append("    name: ").append(t).append('\n')
          .append("    webhookSecretEnv: ").append(secretEnv(t)).append('\n')
          .append("    callbackUrl: ").append(baseUrl).append("/callback/").append(t).append('\n');
    }
    try {
      Path file = Files.createTempFile("baton-partner-tenants-", ".yaml");
      Files.writeString(file, yaml);
      file.toFile().deleteOnExit();
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The variable naming the tenant's webhook secret (resolved through config in the tests). */
  public static String secretEnv(String tenant) {
    return "BATON_SECRET_" + tenant.toUpperCase(java.util.Locale.ROOT).replace('-', '_');
  }

  @Override
  public Map<String, String> start() {
    TestRedis.requireRunning();
    return Map.ofEntries(
        Map.entry("kafka.bootstrap.servers", EmbeddedKafka.get().bootstrapServers()),
        Map.entry("baton.redis.host", TestRedis.host()),
        Map.entry("baton.redis.port", String.valueOf(TestRedis.port())),
        Map.entry("baton.tenants-file", tenantsFile(partners().baseUrl(), SLOW, FAST).toString()),
        Map.entry(secretEnv(SLOW), "test-secret-slow"),
        Map.entry(secretEnv(FAST), "test-secret-fast"),
        Map.entry("intake.delivery.max-attempts", "12"),
        Map.entry("intake.delivery.initial-backoff", "200ms"),
        Map.entry("intake.delivery.max-backoff", "500ms"),
        Map.entry("intake.delivery.request-timeout", "1s"),
        Map.entry("intake.delivery.deadline", "40s"),
        // Commit often, so a test sees what is (not) committed without waiting long.
        Map.entry("mp.messaging.incoming.outbound-messages.auto.commit.interval.ms", "500"));
  }

  @Override
  public void stop() {
    partners().reset();
  }
}
