package dev.baton.testsupport;

import dev.baton.schemas.Conversational;
import dev.baton.schemas.topic.Topic;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Writes to and reads from registry topics on the test broker, with the registry's serdes. */
public final class TestTopics {
  private TestTopics() {}

  /** Publishes a conversation's record under its conversation key, as the services do. */
  public static <V extends Conversational> void publish(Topic<String, V> topic, V value) {
    publish(topic, value.conversationKey(), value);
  }

  public static <V> void publish(Topic<String, V> topic, String key, V value) {
    publishRaw(topic, key, topic.valueSerde().serializer().serialize(topic.name(), value));
  }

  /** Publishes bytes as they are, e.g. a poison record. */
  public static void publishRaw(Topic<String, ?> topic, String key, byte[] value) {
    try (var producer =
        new KafkaProducer<>(
            Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedKafka.get().bootstrapServers()),
            new ByteArraySerializer(), new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(topic.name(), key.getBytes(StandardCharsets.UTF_8), value)).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot publish to " + topic.name(), e);
    }
  }

  /**
   * Every record matching {@code filter} seen from the start of the topic within {@code wait}.
   * A record the topic's serde cannot read matches nothing: a dead-letter topic also holds records
   * as they were read (written by a channel's {@code dead-letter-queue} strategy), see {@link #readRaw}.
   */
  public static <V> List<V> read(Topic<String, V> topic, Predicate<V> filter, Duration wait) {
    return read(EmbeddedKafka.get().bootstrapServers(), topic, filter, wait);
  }

  /** As {@link #read(Topic, Predicate, Duration)}, from another broker (e.g. a {@link KafkaBrokerProcess}). */
  public static <V> List<V> read(String bootstrapServers, Topic<String, V> topic, Predicate<V> filter, Duration wait) {
    List<V> out = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> r : readRaw(bootstrapServers, topic, x -> true, wait)) {
      V value;
      try {
        value = topic.valueSerde().deserializer().deserialize(topic.name(), r.value());
      } catch (SerializationException e) {
        continue;
      }
      if (value != null && filter.test(value)) {
        out.add(value);
      }
    }
    return out;
  }

  /** Every record, as bytes with its headers, matching {@code filter} from the start of the topic within {@code wait}. */
  public static List<ConsumerRecord<String, byte[]>> readRaw(
      Topic<String, ?> topic, Predicate<ConsumerRecord<String, byte[]>> filter, Duration wait) {
    return readRaw(EmbeddedKafka.get().bootstrapServers(), topic, filter, wait);
  }

  private static List<ConsumerRecord<String, byte[]>> readRaw(String bootstrapServers,
      Topic<String, ?> topic, Predicate<ConsumerRecord<String, byte[]>> filter, Duration wait) {
    List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
    try (var consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                // Only what a transaction committed: what any real consumer of Baton would see.
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic.name()));
      long deadline = System.nanoTime() + wait.toNanos();
      while (System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> {
          if (filter.test(r)) {
            out.add(r);
          }
        });
      }
    }
    return out;
  }

  /**
   * Every record matching {@code filter} that the topic holds now, read to its end as it is at the
   * call (committed records only) and no further: for what was published before the call returned,
   * such as what the intake publishes before it answers a webhook, so that a test proves "once"
   * without waiting out a window.
   */
  public static <V> List<V> readPublished(Topic<String, V> topic, Predicate<V> filter) {
    List<V> out = new ArrayList<>();
    try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedKafka.get().bootstrapServers(),
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions); // read_committed: the last stable offsets
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("cannot read " + topic.name() + " to its end " + end);
        }
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          V value;
          try {
            value = topic.valueSerde().deserializer().deserialize(topic.name(), r.value());
          } catch (SerializationException e) {
            continue;
          }
          if (value != null && filter.test(value)) {
            out.add(value);
          }
        }
      }
    }
    return out;
  }

  /** The value of a record's header as text, or null. */
  public static String header(ConsumerRecord<?, ?> record, String name) {
    Header h = record.headers().lastHeader(name);
    return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
