package dev.baton.routing;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.routing.config.RoutingConfig;
import dev.baton.routing.service.IntentRouter;
import dev.baton.schemas.Channel;
import dev.baton.schemas.ConversationEvent;
import dev.baton.schemas.EnrichedEvent;
import dev.baton.schemas.EventType;
import dev.baton.schemas.SchemaVersions;
import dev.baton.schemas.topic.Topics;
import dev.baton.testsupport.BatonTestResource;
import dev.baton.testsupport.TestTopics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The semantic intent stage is on by default: its model name is on the enriched event. */
@QuarkusTest
@QuarkusTestResource(BatonTestResource.class)
class SemanticStageRoutingTest {

  @Test
  void paraphraseIsRoutedByTheSemanticModel() {
    EnrichedEvent in = EnrichedEvent.of(new ConversationEvent(SchemaVersions.CURRENT, "ev-" + UUID.randomUUID(),
        EventType.CUSTOMER_MESSAGE, "acme", "conv-" + UUID.randomUUID(), Channel.WEBCHAT, Instant.now(),
        null, "I never got the package", null, Map.of()));
    TestTopics.publish(Topics.SENTIMENT_SCORED_EVENTS, in);

    await().atMost(Duration.ofSeconds(60)).until(() -> !TestTopics.read(Topics.ENRICHED_EVENTS,
        x -> x.eventId().equals(in.eventId()), Duration.ofMillis(600)).isEmpty());
    List<EnrichedEvent> out = TestTopics.read(Topics.ENRICHED_EVENTS, x -> x.eventId().equals(in.eventId()), Duration.ofSeconds(1));
    assertEquals(1, out.size());
    assertEquals("not_received", out.get(0).intent().label());
    assertTrue(out.get(0).intent().model().contains("+bge-small-en-v1.5-q"), out.get(0).intent().model());
    assertTrue(out.get(0).intent().confidence() > 0.5, out.get(0).intent().toString());
  }

  @Inject
  IntentRouter router;

  @Inject
  RoutingConfig config;

  /** A message that waited past routing.encoder-max-wait is read by the n-gram models alone, and says so. */
  @Test
  void aMessageThatWaitedTooLongIsClassifiedWithoutTheEncoder() {
    EnrichedEvent in = EnrichedEvent.of(new ConversationEvent(SchemaVersions.CURRENT, "ev-" + UUID.randomUUID(),
        EventType.CUSTOMER_MESSAGE, "acme", "conv-" + UUID.randomUUID(), Channel.WEBCHAT, Instant.now(),
        null, "I would like my cash back", null, Map.of()));
    Duration limit = config.encoderMaxWait();
    String onTime = router.route(in, limit.minusMillis(1)).orElseThrow().intent().model();
    String late = router.route(in, limit.plusMillis(1)).orElseThrow().intent().model();
    assertTrue(onTime.contains("+bge-small-en-v1.5-q") && !onTime.endsWith(IntentRouter.ENCODER_SKIPPED), onTime);
    assertTrue(late.endsWith(IntentRouter.ENCODER_SKIPPED), late);
    // The encoder reads "cash back" as a refund; the n-gram model alone does not.
    assertEquals("get_refund", router.route(in, Duration.ZERO).orElseThrow().intent().label());
  }
}
