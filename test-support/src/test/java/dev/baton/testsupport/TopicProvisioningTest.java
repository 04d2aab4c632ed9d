package dev.baton.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.schemas.topic.TopicProvisioner;
import dev.baton.schemas.topic.Topics;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

/** The topic provisioner against the real broker, read back with describeConfigs. */
class TopicProvisioningTest {
  private static final String LIMIT = String.valueOf(Topics.MAX_MESSAGE_BYTES);

  private static Admin admin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedKafka.get().bootstrapServers()));
  }

  private static ConfigResource topic(String name) {
    return new ConfigResource(ConfigResource.Type.TOPIC, name);
  }

  private static Config describe(Admin admin, String name) throws Exception {
    return admin.describeConfigs(List.of(topic(name))).all().get(10, TimeUnit.SECONDS).get(topic(name));
  }

  /**
   * The value of {@code key} on topic {@code name} once it reads {@code expected} (a change is
   * committed by the controller and reaches the broker's view shortly after), or as it reads after
   * 10 s.
   */
  private static String settled(Admin admin, String name, String key, String expected) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    String value = describe(admin, name).get(key).value();
    while (!expected.equals(value) && System.nanoTime() < deadline) {
      Thread.onSpinWait();
      value = describe(admin, name).get(key).value();
    }
    return value;
  }

  /** Waits, at most 10 s, until the broker lists {@code names} (shortly after they are created). */
  private static void awaitListed(Admin admin, Collection<String> names) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!admin.listTopics().names().get(10, TimeUnit.SECONDS).containsAll(names) && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
  }

  private static void set(Admin admin, String name, String key, String value) throws Exception {
    admin.incrementalAlterConfigs(Map.of(topic(name),
            List.of(new AlterConfigOp(new ConfigEntry(key, value), AlterConfigOp.OpType.SET))))
        .all().get(10, TimeUnit.SECONDS);
    assertEquals(value, settled(admin, name, key, value));
  }

  @Test
  void everyTopicItCreatedHasTheRecordLimitAndTheTurnsTopicItsRetention() throws Exception {
    try (Admin admin = admin()) { // the broker is provisioned when it starts
      awaitListed(admin, Topics.all().stream().map(t -> t.name()).toList());
      for (var t : Topics.all()) {
        assertEquals(LIMIT, describe(admin, t.name()).get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG).value(), t.name());
      }
      ConfigEntry turns = describe(admin, Topics.CONVERSATION_TURNS.name()).get(TopicConfig.RETENTION_MS_CONFIG);
      assertEquals(String.valueOf(Topics.DEFAULT_TURNS_RETENTION.toMillis()), turns.value());
      assertEquals(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG, turns.source());
      ConfigEntry handoffs = describe(admin, Topics.HANDOFFS.name()).get(TopicConfig.RETENTION_MS_CONFIG);
      assertTrue(handoffs.source() != ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG, "others keep the broker's");
    }
  }

  @Test
  void anExistingTopicIsBroughtInLineWithTheRecordLimitAndTheTurnsRetentionItIsGiven() throws Exception {
    String handoffs = Topics.HANDOFFS.name();
    String turns = Topics.CONVERSATION_TURNS.name();
    try (Admin admin = admin()) {
      try {
        // As if created before the registry stated them, or changed by hand since.
        set(admin, handoffs, TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "65536");
        set(admin, turns, TopicConfig.RETENTION_MS_CONFIG, String.valueOf(Duration.ofDays(7).toMillis()));

        var result = TopicProvisioner.ensure(EmbeddedKafka.get().bootstrapServers(),
            new TopicProvisioner.Settings(2, (short) 1, Duration.ofDays(120)));

        assertEquals(List.of(), result.created());
        assertEquals(Map.of(handoffs, Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, LIMIT),
                turns, Map.of(TopicConfig.RETENTION_MS_CONFIG, String.valueOf(Duration.ofDays(120).toMillis()))),
            result.aligned());
        assertEquals(LIMIT, settled(admin, handoffs, TopicConfig.MAX_MESSAGE_BYTES_CONFIG, LIMIT));
        String days120 = String.valueOf(Duration.ofDays(120).toMillis());
        assertEquals(days120, settled(admin, turns, TopicConfig.RETENTION_MS_CONFIG, days120));
        assertEquals(TopicConfig.CLEANUP_POLICY_COMPACT,
            describe(admin, Topics.CONVERSATION_STATE.name()).get(TopicConfig.CLEANUP_POLICY_CONFIG).value());

        assertEquals(Map.of(), TopicProvisioner.ensure(EmbeddedKafka.get().bootstrapServers(),
            new TopicProvisioner.Settings(2, (short) 1, Duration.ofDays(120))).aligned(), "nothing left to change");
      } finally {
        TopicProvisioner.ensure(EmbeddedKafka.get().bootstrapServers(), 2, (short) 1);
        settled(admin, turns, TopicConfig.RETENTION_MS_CONFIG, String.valueOf(Topics.DEFAULT_TURNS_RETENTION.toMillis()));
      }
    }
  }

  @Test
  void aTopicOutsideTheRegistryIsAlignedOnlyIfItExists() throws Exception {
    String changelog = "provisioning-test-" + UUID.randomUUID() + "-store-changelog";
    String missing = "provisioning-test-" + UUID.randomUUID() + "-missing";
    try (Admin admin = admin()) {
      admin.createTopics(List.of(new NewTopic(changelog, 1, (short) 1))).all().get(10, TimeUnit.SECONDS);
      awaitListed(admin, List.of(changelog)); // as a changelog Kafka Streams created earlier
      var limit = Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, LIMIT);

      var aligned = TopicProvisioner.alignExisting(EmbeddedKafka.get().bootstrapServers(),
          Map.of(changelog, limit, missing, limit));

      assertEquals(Map.of(changelog, limit), aligned);
      assertEquals(LIMIT, settled(admin, changelog, TopicConfig.MAX_MESSAGE_BYTES_CONFIG, LIMIT));
      assertTrue(!admin.listTopics().names().get(10, TimeUnit.SECONDS).contains(missing), "nothing is created");
    }
  }
}
