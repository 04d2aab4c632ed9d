package dev.baton.routing.service;

import dev.baton.schemas.EnrichedEvent;
import dev.baton.schemas.topic.Topics;
import dev.baton.support.messaging.StageRecords;
import dev.baton.support.metrics.BatonMetrics;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Outgoing;
import org.jboss.logging.Logger;

/**
 * {@code sentiment-scored-events} → {@code enriched-events}. Unreadable records and events of an
 * unknown tenant go to {@code sentiment-scored-events-dlq} with the reason; one the stage fails on
 * in any other way (an exception, an output the broker refuses) goes there as it was read (see
 * {@link StageRecords}), and the stage goes on.
 */
@ApplicationScoped
public class RoutingStage {
  private static final Logger LOG = Logger.getLogger(RoutingStage.class);
  static final String SERVICE = "routing-service";

  private final IntentRouter router;
  private final BatonMetrics metrics;

  public RoutingStage(IntentRouter router, BatonMetrics metrics) {
    this.router = router;
    this.metrics = metrics;
  }

  @Incoming(Topics.Names.SENTIMENT_SCORED_EVENTS)
  @Outgoing(Topics.Names.ENRICHED_EVENTS)
  public Message<byte[]> process(Message<byte[]> in) {
    Message<byte[]> out = StageRecords.guarded(in, this::route);
    if (out == null) { // the channel keeps it on the dead-letter topic
      metrics.deadLettered(Topics.SENTIMENT_SCORED_EVENTS.deadLetterName());
    }
    return out;
  }

  private Message<byte[]> route(Message<byte[]> in) {
    StageRecords.Parsed<EnrichedEvent> parsed = StageRecords.parse(in, Topics.SENTIMENT_SCORED_EVENTS);
    if (!parsed.ok()) {
      metrics.deadLettered(Topics.SENTIMENT_SCORED_EVENTS.deadLetterName());
      return StageRecords.deadLetter(in, Topics.SENTIMENT_SCORED_EVENTS, parsed.error(), SERVICE);
    }
    EnrichedEvent event = parsed.value();
    metrics.consumed(Topics.SENTIMENT_SCORED_EVENTS.name(), event.event().tenantId());
    Optional<EnrichedEvent> routed;
    try {
      routed = router.route(event, waited(in));
    } catch (RuntimeException e) {
      // Losing what the customer said would be worse than passing it on not understood.
      LOG.errorf(e, "routing of event %s failed; passing it on unrouted", event.eventId());
      routed = Optional.of(event);
    }
    if (routed.isEmpty()) {
      metrics.deadLettered(Topics.SENTIMENT_SCORED_EVENTS.deadLetterName());
      return StageRecords.deadLetter(in, Topics.SENTIMENT_SCORED_EVENTS, "unknown tenant " + event.event().tenantId(), SERVICE);
    }
    Message<byte[]> out = StageRecords.forward(in, Topics.ENRICHED_EVENTS, routed.get());
    metrics.produced(Topics.ENRICHED_EVENTS.name(), event.event().tenantId());
    return out;
  }

  /** How long the record waited in the topic (from its timestamp); zero when unknown. */
  private static Duration waited(Message<byte[]> in) {
    return in.getMetadata(IncomingKafkaRecordMetadata.class)
        .map(m -> m.getTimestamp())
        .filter(t -> t != null && t.toEpochMilli() > 0)
        .map(t -> Duration.between(t, Instant.now()))
        .orElse(Duration.ZERO);
  }
}
