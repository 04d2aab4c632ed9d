package dev.baton.support.kafka;

import dev.baton.testsupport.FreePorts;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;

/** The production producer settings, pointed at a port where no broker listens. */
@Alternative
@Singleton
public class DeadBrokerProducer {
  @Produces
  @Singleton
  KafkaProducer<byte[], byte[]> producer() {
    return new ProducerFactory().producer(
        new KafkaSettings(Map.of("bootstrap.servers", "127.0.0.1:" + FreePorts.next())), "intake-test-dead-broker",
        new SimpleMeterRegistry());
  }

  void close(@Disposes KafkaProducer<byte[], byte[]> producer) {
    producer.close(java.time.Duration.ZERO);
  }
}
