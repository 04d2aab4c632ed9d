package dev.baton.support.messaging;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.baton.testsupport.EmbeddedKafka;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

class ConsumersReadyTest {
  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final String events = "events-" + run;
  private final String turns = "turns-" + run;

  private Config config() {
    return new SmallRyeConfigBuilder().withSources(new PropertiesConfigSource(Map.of(
        "mp.messaging.incoming.events.connector", "smallrye-kafka",
        "mp.messaging.incoming.events.topic", events,
        "mp.messaging.incoming.events.group.id", "stage-" + run,
        "mp.messaging.incoming." + turns + ".connector", "smallrye-kafka",
        "mp.messaging.incoming." + turns + ".group.id", "feed-" + run,
        "mp.messaging.incoming.off.connector", "smallrye-kafka",
        "mp.messaging.incoming.off.group.id", "off-" + run,
        "mp.messaging.incoming.off.enabled", "false",
        "mp.messaging.incoming.memory.connector", "smallrye-in-memory"), "test", 100)).build();
  }

  @Test
  void theKafkaChannelsAreReadFromTheConfigurationWithTheirTopicsAndGroups() {
    assertEquals(List.of(
            new ConsumersReady.Channel("events", events, "stage-" + run),
            new ConsumersReady.Channel(turns, turns, "feed-" + run)),
        ConsumersReady.channels(config()));
  }

  @Test
  void notReadyUntilEveryChannelHasJoinedItsGroupOnARealBroker() throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", EmbeddedKafka.get().bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(events, Optional.of(2), Optional.empty()),
          new NewTopic(turns, Optional.of(1), Optional.empty()))).all().get();
    }
    ConsumerAssignments assignments = new ConsumerAssignments();
    ConsumersReady ready = new ConsumersReady(assignments, config());
    HealthCheckResponse before = ready.call();
    assertEquals(HealthCheckResponse.Status.DOWN, before.getStatus());
    assertEquals(Optional.of(Map.of("waitingForPartitions", "events," + turns)), before.getData());

    try (var stage = joined(assignments, "stage-" + run, events)) {
      HealthCheckResponse half = ready.call();
      assertEquals(HealthCheckResponse.Status.DOWN, half.getStatus());
      assertEquals(Optional.of(Map.of("waitingForPartitions", turns)), half.getData());
      try (var feed = joined(assignments, "feed-" + run, turns)) {
        assertEquals(HealthCheckResponse.Status.UP, ready.call().getStatus());
      }
    }
  }

  /** A consumer of {@code topic} in {@code group}, polled until the group has given it partitions. */
  private static KafkaConsumer<String, String> joined(ConsumerAssignments assignments, String group, String topic) {
    var consumer = new KafkaConsumer<>(Map.<String, Object>of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedKafka.get().bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, group), new StringDeserializer(), new StringDeserializer());
    consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
      @Override
      public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        assignments.onPartitionsAssigned(consumer, partitions);
      }

      @Override
      public void onPartitionsRevoked(Collection<TopicPartition> partitions) {}
    });
    await(group + " assigned").atMost(Duration.ofSeconds(30))
        .until(() -> {
          consumer.poll(Duration.ofMillis(100));
          return assignments.assigned(group, topic);
        });
    return consumer;
  }
}
