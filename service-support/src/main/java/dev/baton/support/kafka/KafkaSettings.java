package dev.baton.support.kafka;

import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.Map;

/**
 * The Kafka client settings an operator gives every client of a service: each {@code kafka.*}
 * property (or {@code KAFKA_*} environment variable), such as {@code bootstrap.servers},
 * {@code security.protocol}, {@code sasl.mechanism}, {@code sasl.jaas.config}, {@code ssl.*} or
 * {@code client.rack}. The messaging channels take them from Quarkus directly; the clients Baton
 * creates itself (the request-path producer, the topic provisioner's admin client, the handoff
 * service's Kafka Streams) take them from here, so one setting reaches every connection.
 */
@ApplicationScoped
public class KafkaSettings {
  private final Map<String, Object> common;

  /** Quarkus gathers the {@code kafka.*} settings, environment variables included, in this bean. */
  @Inject
  public KafkaSettings(@Identifier("default-kafka-broker") Map<String, Object> common) {
    this.common = Map.copyOf(common);
  }

  /** The operator's settings; keys as Kafka names them. */
  public Map<String, Object> common() {
    return common;
  }

  /**
   * The operator's settings under {@code fixed}: a setting Baton relies on for correctness (acks,
   * idempotence, isolation, record limits) is not the operator's to change.
   */
  public Map<String, Object> with(Map<String, Object> fixed) {
    Map<String, Object> merged = new HashMap<>(common);
    merged.putAll(fixed);
    return merged;
  }
}
