package dev.baton.handoff.streams;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.baton.handoff.topology.HandoffTopology;
import dev.baton.schemas.topic.Topics;
import dev.baton.testsupport.BatonTestResource;
import dev.baton.testsupport.EmbeddedKafka;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

/** The changelogs Kafka Streams creates for the service's stores take the topics' record limit. */
@QuarkusTest
@QuarkusTestResource(BatonTestResource.class)
class ChangelogTopicsTest {

  @Test
  void bothChangelogsTakeTheSameRecordLimitAsEveryBatonTopic() throws Exception {
    List<String> changelogs = List.of(StreamsLifecycle.changelog(HandoffTopology.CONVERSATION_STORE),
        StreamsLifecycle.changelog(HandoffTopology.DEADLINE_STORE));
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
        EmbeddedKafka.get().bootstrapServers()))) {
      // Created by Kafka Streams once the service has joined its group.
      await().atMost(Duration.ofSeconds(60))
          .until(() -> admin.listTopics().names().get(10, TimeUnit.SECONDS).containsAll(changelogs));
      for (String changelog : changelogs) {
        var resource = new ConfigResource(ConfigResource.Type.TOPIC, changelog);
        var config = admin.describeConfigs(List.of(resource)).all().get(10, TimeUnit.SECONDS).get(resource);
        assertEquals(String.valueOf(Topics.MAX_MESSAGE_BYTES), config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG).value(),
            changelog);
      }
    }
  }
}
