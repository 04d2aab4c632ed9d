package dev.baton.routing.service;

import dev.baton.schemas.DeadLetters;
import dev.baton.schemas.EnrichedEvent;
import dev.baton.schemas.topic.Topic;
import dev.baton.schemas.topic.Topics;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import org.apache.kafka.common.errors.SerializationException;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Outgoing;
import org.jboss.logging.Logger;

/**
 * {@code sentiment-scored-events} → {@code enriched-events}. Unreadable records and events of an
 * unknown tenant go to {@code sentiment-scored-events-dlq} with the reason.
 */
@ApplicationScoped
public class RoutingStage {
  private static final Logger LOG = Logger.getLogger(RoutingStage.class);
  static final String SERVICE = "routing-service";

  private final IntentRouter router;

  public RoutingStage(IntentRouter router) {
    this.router = router;
  }

  @Incoming(Topics.Names.SENTIMENT_SCORED_EVENTS)
  @Outgoing(Topics.Names.ENRICHED_EVENTS)
  @SuppressWarnings("unchecked")
  public Message<byte[]> process(Message<byte[]> in) {
    IncomingKafkaRecordMetadata<String, byte[]> meta =
        in.getMetadata(IncomingKafkaRecordMetadata.class).orElseThrow();
    EnrichedEvent event;
    try {
      event = Topics.SENTIMENT_SCORED_EVENTS.valueSerde().deserializer().deserialize(meta.getTopic(), in.getPayload());
      if (event == null) {
        throw new SerializationException("empty record");
      }
    } catch (SerializationException e) {
      return deadLetter(in, meta, e.getMessage());
    }
    Optional<EnrichedEvent> routed;
    try {
      routed = router.route(event);
    } catch (RuntimeException e) {
      LOG.errorf(e, "routing of event %s failed; passing it on unrouted", event.eventId());
      routed = Optional.of(event);
    }
    if (routed.isEmpty()) {
      return deadLetter(in, meta, "unknown tenant " + event.event().tenantId());
    }
    Topic<String, EnrichedEvent> out = Topics.ENRICHED_EVENTS;
    return in.withPayload(out.valueSerde().serializer().serialize(out.name(), routed.get()))
        .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(event.conversationId()).build());
  }

  private static Message<byte[]> deadLetter(
      Message<byte[]> in, IncomingKafkaRecordMetadata<String, byte[]> meta, String reason) {
    LOG.errorf("dead-lettering %s-%d@%d: %s", meta.getTopic(), meta.getPartition(), meta.getOffset(), reason);
    var letter = DeadLetters.of(meta.getTopic(), meta.getPartition(), meta.getOffset(), meta.getKey(),
        in.getPayload(), reason, SERVICE);
    var dlq = Topics.deadLetterOf(Topics.SENTIMENT_SCORED_EVENTS);
    return in.withPayload(dlq.valueSerde().serializer().serialize(dlq.name(), letter))
        .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withTopic(dlq.name()).withKey(meta.getKey()).build());
  }
}
