package dev.baton.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.HashMap;
import java.util.Map;

/**
 * Points a {@code @QuarkusTest} at the JVM's real test broker, the real Redis, and a tenants file
 * whose callbacks reach {@link #callbacks()}. The broker is shared by every test class of the
 * JVM; tests keep apart by unique conversation and event ids.
 */
public class BatonTestResource implements QuarkusTestResourceLifecycleManager {
  private static CallbackReceiver callbacks;

  /** The receiver standing in for the tenants' callback endpoints. */
  public static synchronized CallbackReceiver callbacks() {
    if (callbacks == null) {
      callbacks = new CallbackReceiver();
    }
    return callbacks;
  }

  @Override
  public Map<String, String> start() {
    TestRedis.requireRunning();
    Map<String, String> config = new HashMap<>(TestTenants.SECRETS);
    config.put("kafka.bootstrap.servers", EmbeddedKafka.get().bootstrapServers());
    config.put("baton.redis.host", TestRedis.host());
    config.put("baton.redis.port", String.valueOf(TestRedis.port()));
    config.put("baton.tenants-file", TestTenants.write(callbacks().url("")).toString());
    return config;
  }

  @Override
  public void stop() {
    // The broker lives for the whole JVM; its shutdown hook stops it.
  }
}
