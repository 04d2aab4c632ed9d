package dev.baton.routing;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.schemas.Channel;
import dev.baton.schemas.ConversationEvent;
import dev.baton.schemas.DeadLetter;
import dev.baton.schemas.EnrichedEvent;
import dev.baton.schemas.EventType;
import dev.baton.schemas.SchemaVersions;
import dev.baton.schemas.Slot;
import dev.baton.schemas.topic.Topics;
import dev.baton.testsupport.BatonTestResource;
import dev.baton.testsupport.TestTopics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(BatonTestResource.class)
class RoutingStageTest {

  private static EnrichedEvent scored(String tenant, String text) {
    return EnrichedEvent.of(new ConversationEvent(SchemaVersions.CURRENT, "ev-" + UUID.randomUUID(),
        EventType.CUSTOMER_MESSAGE, tenant, "conv-" + UUID.randomUUID(), Channel.WEBCHAT, Instant.now(),
        null, text, null, Map.of()));
  }

  private static EnrichedEvent routedOf(EnrichedEvent e) {
    await().atMost(Duration.ofSeconds(30)).until(() ->
        !TestTopics.read(Topics.ENRICHED_EVENTS, x -> x.eventId().equals(e.eventId()), Duration.ofMillis(600)).isEmpty());
    List<EnrichedEvent> out = TestTopics.read(Topics.ENRICHED_EVENTS, x -> x.eventId().equals(e.eventId()), Duration.ofSeconds(1));
    assertEquals(1, out.size());
    return out.get(0);
  }

  @Test
  void faqQuestionGetsTheTenantsAnswerProposed() {
    EnrichedEvent in = scored("acme", "What are your opening hours?");
    TestTopics.publish(Topics.SENTIMENT_SCORED_EVENTS, in);

    EnrichedEvent out = routedOf(in);
    assertEquals("opening_hours", out.intent().label());
    assertTrue(out.intent().confidence() > 0.5, out.intent().toString());
    assertEquals("reception", out.intent().skill());
    assertEquals("We're open 8am to 6pm, Monday to Friday.", out.proposedReply().text());
    assertEquals("faq:opening-hours", out.proposedReply().source());
  }

  @Test
  void eachTenantGetsItsOwnAnswer() {
    EnrichedEvent in = scored("globex", "what are your opening hours");
    TestTopics.publish(Topics.SENTIMENT_SCORED_EVENTS, in);

    assertEquals("Globex is open around the clock.", routedOf(in).proposedReply().text());
  }

  @Test
  void requestForAPersonIsRecognisedAndDataIsExtracted() {
    EnrichedEvent in = scored("acme", "I want to speak to someone about order ORD-55123, mail me at ana@example.com");
    TestTopics.publish(Topics.SENTIMENT_SCORED_EVENTS, in);

    EnrichedEvent out = routedOf(in);
    assertEquals("contact_human_agent", out.intent().label());
    assertNull(out.proposedReply());
    assertTrue(out.slots().contains(new Slot(Slot.SlotType.ORDER_NUMBER, "ORD-55123")), out.slots().toString());
    assertTrue(out.slots().contains(new Slot(Slot.SlotType.EMAIL, "ana@example.com")), out.slots().toString());
  }

  @Test
  void unknownTenantIsDeadLetteredNotDropped() {
    EnrichedEvent in = scored("nobody", "hello");
    TestTopics.publish(Topics.SENTIMENT_SCORED_EVENTS, in);

    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      List<DeadLetter> letters = TestTopics.read(Topics.deadLetterOf(Topics.SENTIMENT_SCORED_EVENTS),
          d -> in.conversationKey().equals(d.key()), Duration.ofMillis(800));
      assertEquals(1, letters.size());
      assertEquals("unknown tenant nobody", letters.get(0).reason());
    });
  }

  @Test
  void unreadableRecordGoesToTheDeadLetterTopicAndTheStageKeepsWorking() {
    String key = "acme/poison-" + UUID.randomUUID();
    TestTopics.publishRaw(Topics.SENTIMENT_SCORED_EVENTS, key, "{\"event\":{\"type\":".getBytes(StandardCharsets.UTF_8));
    EnrichedEvent after = scored("acme", "What are your opening hours?");
    TestTopics.publish(Topics.SENTIMENT_SCORED_EVENTS, after);

    assertEquals("opening_hours", routedOf(after).intent().label());
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      List<DeadLetter> letters = TestTopics.read(Topics.deadLetterOf(Topics.SENTIMENT_SCORED_EVENTS),
          d -> key.equals(d.key()), Duration.ofMillis(800));
      assertEquals(1, letters.size());
      assertTrue(letters.get(0).reason().startsWith("not a valid EnrichedEvent"), letters.get(0).reason());
      assertEquals("routing-service", letters.get(0).failedBy());
    });
  }
}
