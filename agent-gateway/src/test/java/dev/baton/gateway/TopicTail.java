package dev.baton.gateway;

import dev.baton.schemas.topic.Topic;
import dev.baton.testsupport.EmbeddedKafka;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Everything written to a topic from the moment it is created on: {@link #until} waits for a
 * record, {@link #drain} returns all that arrived up to the topic's current end.
 */
final class TopicTail<V> implements AutoCloseable {
  private final KafkaConsumer<String, V> consumer;
  private final List<V> seen = new ArrayList<>();

  TopicTail(Topic<String, V> topic) {
    consumer = new KafkaConsumer<>(
        Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedKafka.get().bootstrapServers(),
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
        topic.keySerde().deserializer(), topic.valueSerde().deserializer());
    List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
        .map(p -> new TopicPartition(topic.name(), p.partition())).toList();
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(consumer::position);
  }

  /** The first record (since the start of the tail) that matches, waiting up to {@code wait}. */
  V until(Predicate<V> match, Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    while (true) {
      for (V v : seen) {
        if (match.test(v)) {
          return v;
        }
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no matching record within " + wait + "; saw " + seen);
      }
      consumer.poll(Duration.ofMillis(100)).forEach(r -> seen.add(r.value()));
    }
  }

  /** Every record up to the current end of every partition. */
  List<V> drain() {
    var ends = consumer.endOffsets(consumer.assignment());
    while (ends.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
      consumer.poll(Duration.ofMillis(100)).forEach(r -> seen.add(r.value()));
    }
    return List.copyOf(seen);
  }

  @Override
  public void close() {
    consumer.close();
  }
}
