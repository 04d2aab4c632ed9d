package dev.baton.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.schemas.Channel;
import dev.baton.schemas.ConversationEvent;
import dev.baton.schemas.EnrichedEvent;
import dev.baton.schemas.EventType;
import dev.baton.schemas.HandoffRecord;
import dev.baton.schemas.Intent;
import dev.baton.schemas.OutboundMessage;
import dev.baton.schemas.ProposedReply;
import dev.baton.schemas.SchemaVersions;
import dev.baton.schemas.Sentiment;
import dev.baton.schemas.Speaker;
import dev.baton.schemas.topic.Topics;
import dev.baton.testsupport.EmbeddedKafka;
import dev.baton.testsupport.TestTenants;
import dev.baton.testsupport.TestTopics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * The handoff service killed with SIGKILL in the middle of a stream of conversations, then
 * restarted: every conversation still gets exactly one handoff, one bot reply before it and no
 * bot reply after it, even with every escalating message delivered twice.
 */
class HandoffCrashRecoveryTest {
  private static final int CONVERSATIONS = 300;

  private static EnrichedEvent say(String conversation, String text, String intent, String answer) {
    ConversationEvent e = new ConversationEvent(SchemaVersions.CURRENT, "ev-" + UUID.randomUUID(),
        EventType.CUSTOMER_MESSAGE, TestTenants.TENANT, conversation, Channel.SMS, Instant.now(), null, text, null, Map.of());
    return new EnrichedEvent(SchemaVersions.CURRENT, e, new Sentiment("neutral", 0, Map.of(), "t"),
        new Intent(intent, 0.95, "reception", "t"), List.of(), answer == null ? null : new ProposedReply(answer, "faq:" + intent));
  }

  @Test
  void killedAndRestartedMidStreamStillOneHandoffPerConversationAndNoBotReplyAfterIt() throws Exception {
    String prefix = "crash-" + UUID.randomUUID() + "-";
    try (BatonProcesses baton = new BatonProcesses("http://127.0.0.1:9", List.of("handoff-service"))) {
      baton.awaitReady(Duration.ofMinutes(2));
      var topic = Topics.ENRICHED_EVENTS;
      try (var producer = new KafkaProducer<>(Map.<String, Object>of(
          ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedKafka.get().bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
          topic.keySerde().serializer(), topic.valueSerde().serializer())) {
        for (int i = 0; i < CONVERSATIONS; i++) {
          String c = prefix + i;
          EnrichedEvent ask = say(c, "let me speak to a human", "contact_human_agent", null);
          for (EnrichedEvent e : List.of(say(c, "what are your opening hours", "opening_hours", "8 to 6"), ask, ask,
              say(c, "when do you open on friday", "opening_hours", "8 to 6"))) {
            producer.send(new ProducerRecord<>(topic.name(), e.conversationKey(), e));
          }
        }
        producer.flush();
      }

      await("some handoffs before the crash").atMost(Duration.ofSeconds(60)).until(() ->
          handoffs(prefix, Duration.ofMillis(300)).size() >= CONVERSATIONS / 10);
      baton.kill("handoff-service");
      int beforeRestart = handoffs(prefix, Duration.ofMillis(500)).size();
      baton.start("handoff-service");
      baton.awaitReady(Duration.ofMinutes(2));

      await("every conversation handed over").atMost(Duration.ofSeconds(120)).until(() ->
          handoffs(prefix, Duration.ofMillis(500)).stream().map(HandoffRecord::conversationId).distinct().count() == CONVERSATIONS);

      Map<String, Long> handoffsPer = handoffs(prefix, Duration.ofSeconds(2)).stream()
          .collect(Collectors.groupingBy(HandoffRecord::conversationId, Collectors.counting()));
      List<OutboundMessage> messages = TestTopics.read(Topics.OUTBOUND_MESSAGES,
          m -> m.conversationId().startsWith(prefix), Duration.ofSeconds(3));
      Map<String, List<OutboundMessage>> messagesPer = messages.stream()
          .collect(Collectors.groupingBy(OutboundMessage::conversationId));
      List<String> problems = new ArrayList<>();
      for (int i = 0; i < CONVERSATIONS; i++) {
        String c = prefix + i;
        if (handoffsPer.getOrDefault(c, 0L) != 1) {
          problems.add(c + ": " + handoffsPer.get(c) + " handoffs");
        }
        List<String> bot = messagesPer.getOrDefault(c, List.of()).stream()
            .filter(m -> m.sender() == Speaker.BOT).map(OutboundMessage::reason).toList();
        if (!bot.equals(List.of("faq:opening_hours", "handoff-notice:explicit-request"))) {
          problems.add(c + ": bot said " + bot);
        }
      }
      System.out.printf("crash recovery: %d of %d conversations handed over before SIGKILL; %d problems after restart%n",
          beforeRestart, CONVERSATIONS, problems.size());
      assertTrue(beforeRestart < CONVERSATIONS, "the kill must land mid-stream to prove anything");
      assertEquals(List.of(), problems);
    }
  }

  private static List<HandoffRecord> handoffs(String prefix, Duration wait) {
    return TestTopics.read(Topics.HANDOFFS, h -> h.conversationId().startsWith(prefix), wait);
  }
}
