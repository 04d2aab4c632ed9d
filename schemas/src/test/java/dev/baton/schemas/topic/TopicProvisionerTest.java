package dev.baton.schemas.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

/** What the provisioner states per topic; {@code TopicProvisioningTest} in test-support runs it on a broker. */
class TopicProvisionerTest {
  private final TopicProvisioner.Settings defaults = new TopicProvisioner.Settings(3, (short) 1);

  @Test
  void everyTopicStatesTheRecordLimit() {
    for (Topic<String, ?> topic : Topics.all()) {
      assertEquals(String.valueOf(Topics.MAX_MESSAGE_BYTES),
          TopicProvisioner.configOf(topic, defaults).get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG), topic.name());
    }
  }

  @Test
  void theTurnsTopicKeepsTheRegistrysRetentionUnlessToldOtherwise() {
    assertEquals(String.valueOf(Duration.ofDays(90).toMillis()),
        TopicProvisioner.configOf(Topics.CONVERSATION_TURNS, defaults).get(TopicConfig.RETENTION_MS_CONFIG));
    var longer = new TopicProvisioner.Settings(3, (short) 1, Duration.ofDays(365));
    assertEquals(String.valueOf(Duration.ofDays(365).toMillis()),
        TopicProvisioner.configOf(Topics.CONVERSATION_TURNS, longer).get(TopicConfig.RETENTION_MS_CONFIG));
    assertNull(TopicProvisioner.configOf(Topics.HANDOFFS, longer).get(TopicConfig.RETENTION_MS_CONFIG),
        "other topics keep the broker's");
    assertThrows(IllegalArgumentException.class, () -> new TopicProvisioner.Settings(3, (short) 1, Duration.ZERO));
  }

  @Test
  void onlyTheStateTopicIsCreatedCompactedAndThatIsNeverAlignedLater() {
    assertEquals(TopicConfig.CLEANUP_POLICY_COMPACT,
        TopicProvisioner.configOf(Topics.CONVERSATION_STATE, defaults).get(TopicConfig.CLEANUP_POLICY_CONFIG));
    assertNull(TopicProvisioner.configOf(Topics.HANDOFFS, defaults).get(TopicConfig.CLEANUP_POLICY_CONFIG));
    assertEquals(java.util.Set.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, TopicConfig.RETENTION_MS_CONFIG),
        TopicProvisioner.ALIGNED);
  }
}
