package dev.baton.support;

import dev.baton.schemas.topic.TopicProvisioner;
import dev.baton.support.kafka.KafkaSettings;
import dev.baton.tenant.TenantDirectory;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.time.Duration;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import redis.clients.jedis.RedisClient;

/**
 * What every Baton service needs, configured by the same keys everywhere:
 *
 * <ul>
 *   <li>{@code baton.tenants-file}: the tenants YAML; secrets it names are resolved through config
 *       (environment variables first);
 *   <li>{@code baton.redis.host} / {@code baton.redis.port};
 *   <li>{@code baton.topics.provision} / {@code baton.topics.partitions} /
 *       {@code baton.topics.replication}: create missing topics at
 *       start and align the record limit and retention of those that exist (turn off where the
 *       platform owns topics); {@code baton.topics.turns-retention}: how long
 *       {@code conversation-turns} keeps a turn.
 * </ul>
 */
@ApplicationScoped
public class SharedBeans {
  private static final Logger LOG = Logger.getLogger(SharedBeans.class);

  /** Runs before the messaging consumers and streams start, so their topics exist. */
  void provisionTopics(
      @Observes @Priority(1) StartupEvent ev,
      KafkaSettings kafka,
      @ConfigProperty(name = "baton.topics.provision", defaultValue = "true") boolean provision,
      @ConfigProperty(name = "baton.topics.partitions", defaultValue = "3") int partitions,
      @ConfigProperty(name = "baton.topics.replication", defaultValue = "1") short replication,
      @ConfigProperty(name = "baton.topics.turns-retention", defaultValue = "90d") Duration turnsRetention)
      throws Exception {
    if (provision) {
      var result = TopicProvisioner.ensure(kafka.common(),
          new TopicProvisioner.Settings(partitions, replication, turnsRetention));
      if (!result.created().isEmpty()) {
        LOG.infof("created topics %s", result.created());
      }
      if (!result.aligned().isEmpty()) {
        LOG.infof("aligned topic settings %s", result.aligned());
      }
    }
  }

  @Produces
  @Singleton
  TenantDirectory tenants(@ConfigProperty(name = "baton.tenants-file") String file) {
    Config config = ConfigProvider.getConfig();
    TenantDirectory dir =
        TenantDirectory.load(Path.of(file), name -> config.getOptionalValue(name, String.class).orElse(null));
    LOG.infof("loaded %d tenants from %s (rules version %s)", dir.all().size(), file, dir.version());
    return dir;
  }

  @Produces
  @Singleton
  RedisClient redis(
      @ConfigProperty(name = "baton.redis.host", defaultValue = "127.0.0.1") String host,
      @ConfigProperty(name = "baton.redis.port", defaultValue = "6379") int port) {
    return RedisClient.create(host, port);
  }

  void closeRedis(@Disposes RedisClient redis) {
    redis.close();
  }
}
