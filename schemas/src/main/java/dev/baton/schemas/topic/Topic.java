package dev.baton.schemas.topic;

import java.util.Objects;
import org.apache.kafka.common.serialization.Serde;

/**
 * A Kafka topic with the serdes of its key and value, so that a producer and a consumer of the
 * same topic cannot disagree on the format. Every Baton topic is keyed by
 * {@link dev.baton.schemas.ConversationKey} ({@code <tenantId>/<conversationId>}).
 *
 * @param compacted the topic keeps the latest value per key (a state topic) instead of a log
 */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde, boolean compacted) {
  public Topic {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(keySerde, "keySerde");
    Objects.requireNonNull(valueSerde, "valueSerde");
  }

  /** The dead-letter topic for records of this topic that could not be processed. */
  public String deadLetterName() {
    return name + "-dlq";
  }
}
