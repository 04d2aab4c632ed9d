package dev.baton.intake.config;

import dev.baton.schemas.topic.TopicProvisioner;
import dev.baton.tenant.TenantDirectory;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import redis.clients.jedis.RedisClient;

/** The shared clients of the service, created once. */
@ApplicationScoped
public class Infrastructure {
  private static final Logger LOG = Logger.getLogger(Infrastructure.class);

  private final String bootstrapServers;
  private final boolean provisionTopics;
  private final int partitions;

  public Infrastructure(
      @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers,
      @ConfigProperty(name = "baton.topics.provision", defaultValue = "true") boolean provisionTopics,
      @ConfigProperty(name = "baton.topics.partitions", defaultValue = "3") int partitions) {
    this.bootstrapServers = bootstrapServers;
    this.provisionTopics = provisionTopics;
    this.partitions = partitions;
  }

  void onStart(@Observes StartupEvent ev) throws Exception {
    if (provisionTopics) {
      LOG.infof("topics created: %s", TopicProvisioner.ensure(bootstrapServers, partitions, (short) 1));
    }
  }

  @Produces
  @Singleton
  TenantDirectory tenants(@ConfigProperty(name = "baton.tenants-file") String file) {
    // Secrets named in the file are looked up through config: environment first, so a
    // Kubernetes secret or the run script's secrets file provides them.
    Config config = ConfigProvider.getConfig();
    TenantDirectory dir =
        TenantDirectory.load(Path.of(file), name -> config.getOptionalValue(name, String.class).orElse(null));
    dir.all().stream()
        .filter(t -> t.webhookSecret() == null)
        .forEach(t -> LOG.warnf("tenant %s has no webhook secret set: its webhooks will be refused", t.id()));
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

  /**
   * Plain producer: the request thread waits for the broker's acknowledgement before answering
   * 202, and on failure the dedup claim is released so the sender's retry goes through.
   */
  @Produces
  @Singleton
  KafkaProducer<byte[], byte[]> producer() {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
            ProducerConfig.ACKS_CONFIG, "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
            ProducerConfig.LINGER_MS_CONFIG, 1,
            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000,
            ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
            ProducerConfig.CLIENT_ID_CONFIG, "intake-service"),
        new ByteArraySerializer(),
        new ByteArraySerializer());
  }

  void closeProducer(@Disposes KafkaProducer<byte[], byte[]> producer) {
    producer.close();
  }
}
