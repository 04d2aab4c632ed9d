package dev.baton.schemas.topic;

import java.time.Duration;
import java.util.Objects;
import org.apache.kafka.common.serialization.Serde;

/**
 * A Kafka topic with the serdes of its key and value, so that a producer and a consumer of the
 * same topic cannot disagree on the format. Every Baton topic is keyed by
 * {@link dev.baton.schemas.ConversationKey} ({@code <tenantId>/<conversationId>}).
 *
 * @param compacted the topic keeps the latest value per key (a state topic) instead of a log
 * @param retention how long the topic keeps a record by default; null leaves it to the broker
 *     (7 days unless the cluster says otherwise). The provisioner may be told another value.
 */
public record Topic<K, V>(
    String name, Serde<K> keySerde, Serde<V> valueSerde, boolean compacted, Duration retention) {
  public Topic {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(keySerde, "keySerde");
    Objects.requireNonNull(valueSerde, "valueSerde");
    if (retention != null && (retention.isNegative() || retention.isZero())) {
      throw new IllegalArgumentException("retention of " + name + " must be positive");
    }
  }

  /** A topic with the broker's retention. */
  public Topic(String name, Serde<K> keySerde, Serde<V> valueSerde, boolean compacted) {
    this(name, keySerde, valueSerde, compacted, null);
  }

  /** The dead-letter topic for records of this topic that could not be processed. */
  public String deadLetterName() {
    return name + "-dlq";
  }
}
