package dev.baton.intake.config;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The Kafka producer of the intake; the tenant directory and Redis come from service-support. */
@ApplicationScoped
public class Infrastructure {

  /**
   * Plain producer: the request thread waits for the broker's acknowledgement before answering
   * 202, and on failure the dedup claim is released so the sender's retry goes through.
   */
  @Produces
  @Singleton
  KafkaProducer<byte[], byte[]> producer(
      @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers) {
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
