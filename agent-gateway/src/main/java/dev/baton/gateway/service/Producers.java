package dev.baton.gateway.service;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The producer for agent actions; the request waits for the broker before answering 202. */
@ApplicationScoped
public class Producers {
  @Produces
  @Singleton
  KafkaProducer<byte[], byte[]> producer(@ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap) {
    return new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000,
        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
        ProducerConfig.CLIENT_ID_CONFIG, "agent-gateway"),
        new ByteArraySerializer(), new ByteArraySerializer());
  }

  void close(@Disposes KafkaProducer<byte[], byte[]> producer) {
    producer.close();
  }
}
