package dev.baton.intake;

import dev.baton.schemas.topic.Topic;
import dev.baton.testsupport.EmbeddedKafka;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/** Reads a registry topic from the start, for assertions on what a service published. */
final class TopicReader {
  private TopicReader() {}

  /** Every record matching {@code filter} seen within {@code wait}. */
  static <V> List<V> read(Topic<String, V> topic, Predicate<V> filter, Duration wait) {
    List<V> out = new ArrayList<>();
    try (var consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedKafka.get().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
            topic.keySerde().deserializer(),
            topic.valueSerde().deserializer())) {
      consumer.subscribe(List.of(topic.name()));
      long deadline = System.nanoTime() + wait.toNanos();
      while (System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> {
          if (r.value() != null && filter.test(r.value())) {
            out.add(r.value());
          }
        });
      }
    }
    return out;
  }
}
