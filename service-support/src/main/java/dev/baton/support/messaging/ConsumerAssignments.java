package dev.baton.support.messaging;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Which of the service's consumers have joined their group and been given their partitions (an
 * empty share included: an instance beyond the partition count is ready and idle). Set on every
 * Kafka channel by {@code mp.messaging.connector.smallrye-kafka.consumer-rebalance-listener.name};
 * {@link ConsumersReady} reports the service ready once every channel is in.
 */
@ApplicationScoped
@Identifier(ConsumerAssignments.NAME)
public class ConsumerAssignments implements KafkaConsumerRebalanceListener {
  public static final String NAME = "baton-consumer-assignments";

  private final Set<String> assigned = ConcurrentHashMap.newKeySet();

  @Override
  public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
    String group = consumer.groupMetadata().groupId();
    for (String topic : consumer.subscription()) {
      assigned.add(key(group, topic));
    }
  }

  /** Whether the consumer of {@code topic} in {@code group} has had its first assignment. */
  public boolean assigned(String group, String topic) {
    return assigned.contains(key(group, topic));
  }

  private static String key(String group, String topic) {
    return group + "\u0000" + topic;
  }
}
