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
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Everything written to a topic from the moment it is created on: {@link #until} waits for a
 * record, {@link #drain} returns all that arrived up to the topic's current end.
 */
final class TopicTail<V> implements AutoCloseable {
  private final Topic<String, V> topic;
  private final KafkaConsumer<String, byte[]> consumer;
  private final List<V> seen = new ArrayList<>();

  TopicTail(Topic<String, V> topic) {
    this.topic = topic;
    consumer = new KafkaConsumer<>(
        Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedKafka.get().bootstrapServers(),
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
        topic.keySerde().deserializer(), new ByteArrayDeserializer());
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
      poll();
    }
  }

  /** Every record up to the current end of every partition. */
  List<V> drain() {
    var ends = consumer.endOffsets(consumer.assignment());
    while (ends.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
      poll();
    }
    return List.copyOf(seen);
  }

  /**
   * What the topic's serde reads. A dead-letter topic also holds records as they were read (a
   * channel's dead-letter strategy writes them): those are skipped; on any other topic a record
   * the serde cannot read fails the test.
   */
  private void poll() {
    boolean deadLetters = topic.name().endsWith("-dlq");
    consumer.poll(Duration.ofMillis(100)).forEach(r -> {
      V value;
      try {
        value = topic.valueSerde().deserializer().deserialize(topic.name(), r.value());
      } catch (SerializationException e) {
        if (deadLetters) {
          return;
        }
        throw e;
      }
      if (value != null) {
        seen.add(value);
      }
    });
  }

  @Override
  public void close() {
    consumer.close();
  }
}
