package dev.baton.support.kafka;

import dev.baton.schemas.topic.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The plain producer behind {@link KafkaPublisher}, for services that answer a request only once
 * the broker has the record (intake webhooks, agent actions): {@code acks=all}, idempotent, and
 * bounded timeouts so a request fails (503) rather than hangs. Created only where injected.
 */
@ApplicationScoped
public class ProducerFactory {
  /** Longest {@code send()} may block waiting for metadata or buffer space. */
  public static final int MAX_BLOCK_MS = 5_000;

  @Produces
  @Singleton
  KafkaProducer<byte[], byte[]> producer(
      KafkaSettings settings,
      @ConfigProperty(name = "quarkus.application.name") String service,
      MeterRegistry registry) {
    var producer = new KafkaProducer<>(config(settings, service), new ByteArraySerializer(), new ByteArraySerializer());
    // The producer's own metrics (errors, retries, request latency) beside the channels' clients'.
    new KafkaClientMetrics(producer).bindTo(registry);
    return producer;
  }

  /** The producer's settings: the operator's (security, bootstrap servers, ...) under Baton's own. */
  static Map<String, Object> config(KafkaSettings settings, String service) {
    Map<String, Object> config = settings.with(fixed());
    config.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, service);
    return config;
  }

  private static Map<String, Object> fixed() {
    return Map.of(
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.LINGER_MS_CONFIG, 1,
        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000,
        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
        // send() blocks while it has no metadata for the topic (broker down): 60 s by default.
        // Bounded so that a dead broker answers 503 within max.block.ms + the caller's timeout.
        ProducerConfig.MAX_BLOCK_MS_CONFIG, MAX_BLOCK_MS,
        // The topics' own limit (max.message.bytes, set where they are provisioned), not Kafka's
        // default that happens to equal it: a record the broker would refuse fails here, at once.
        ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.MAX_MESSAGE_BYTES);
  }

  void close(@Disposes KafkaProducer<byte[], byte[]> producer) {
    producer.close();
  }
}
