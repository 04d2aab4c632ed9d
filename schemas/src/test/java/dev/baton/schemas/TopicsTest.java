package dev.baton.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.schemas.topic.Topic;
import dev.baton.schemas.topic.Topics;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TopicsTest {

  @Test
  void topicNamesAreUniqueAndKebabCase() {
    Set<String> names = new HashSet<>();
    for (Topic<String, ?> topic : Topics.all()) {
      assertTrue(names.add(topic.name()), "duplicate topic " + topic.name());
      assertTrue(topic.name().matches("[a-z]+(-[a-z]+)*"), topic.name());
    }
    assertEquals(Topics.pipeline().size() * 2, names.size());
  }

  @Test
  void onlyTheStateTopicIsCompacted() {
    List<String> compacted =
        Topics.all().stream().filter(Topic::compacted).map(Topic::name).toList();
    assertEquals(List.of("conversation-state"), compacted);
  }

  @Test
  void constantNamesMatchTheRegistry() {
    assertEquals(Topics.Names.CONVERSATION_EVENTS, Topics.CONVERSATION_EVENTS.name());
    assertEquals(Topics.Names.SENTIMENT_SCORED_EVENTS, Topics.SENTIMENT_SCORED_EVENTS.name());
    assertEquals(Topics.Names.ENRICHED_EVENTS, Topics.ENRICHED_EVENTS.name());
    assertEquals(Topics.Names.HANDOFFS, Topics.HANDOFFS.name());
    assertEquals(Topics.Names.OUTBOUND_MESSAGES, Topics.OUTBOUND_MESSAGES.name());
    assertEquals("handoffs-dlq", Topics.deadLetterOf(Topics.HANDOFFS).name());
    assertEquals(Topics.Names.AGENT_ACTION_RESULTS, Topics.AGENT_ACTION_RESULTS.name());
    assertEquals("agent-action-results-dlq", Topics.deadLetterOf(Topics.AGENT_ACTION_RESULTS).name());
    assertTrue(Topics.pipeline().contains(Topics.AGENT_ACTION_RESULTS));
    assertEquals("delivery-statuses-dlq", Topics.deadLetterOf(Topics.DELIVERY_STATUSES).name());
    assertTrue(Topics.pipeline().contains(Topics.DELIVERY_STATUSES));
  }

  @Test
  void theTurnsTopicKeepsTurnsLongerThanTheGatewayShowsThemAndOthersKeepTheBrokersRetention() {
    // The agent gateway keeps a conversation's turns 30 days after its last one.
    assertTrue(Topics.CONVERSATION_TURNS.retention().compareTo(java.time.Duration.ofDays(30)) >= 0);
    assertEquals(Topics.DEFAULT_TURNS_RETENTION, Topics.CONVERSATION_TURNS.retention());
    List<String> withRetention =
        Topics.all().stream().filter(t -> t.retention() != null).map(Topic::name).toList();
    assertEquals(List.of("conversation-turns"), withRetention);
  }
}
