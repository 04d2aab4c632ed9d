package dev.baton.sentiment.service;

import dev.baton.schemas.ConversationEvent;
import dev.baton.schemas.DeadLetters;
import dev.baton.schemas.EnrichedEvent;
import dev.baton.schemas.topic.Topics;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.common.errors.SerializationException;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Outgoing;
import org.jboss.logging.Logger;

/**
 * {@code conversation-events} → {@code sentiment-scored-events}. A record that cannot be read goes
 * to {@code conversation-events-dlq} with the reason, through the same outgoing channel with the
 * topic overridden, so its offset is committed only once the dead letter is written.
 */
@ApplicationScoped
public class SentimentStage {
  private static final Logger LOG = Logger.getLogger(SentimentStage.class);
  static final String SERVICE = "sentiment-service";

  private final SentimentScorer scorer;

  public SentimentStage(SentimentScorer scorer) {
    this.scorer = scorer;
  }

  @Incoming(Topics.Names.CONVERSATION_EVENTS)
  @Outgoing(Topics.Names.SENTIMENT_SCORED_EVENTS)
  @SuppressWarnings("unchecked")
  public Message<byte[]> process(Message<byte[]> in) {
    IncomingKafkaRecordMetadata<String, byte[]> meta =
        in.getMetadata(IncomingKafkaRecordMetadata.class).orElseThrow();
    ConversationEvent event;
    try {
      event = Topics.CONVERSATION_EVENTS.valueSerde().deserializer().deserialize(meta.getTopic(), in.getPayload());
      if (event == null) {
        throw new SerializationException("empty record");
      }
    } catch (SerializationException e) {
      LOG.errorf("dead-lettering %s-%d@%d: %s", meta.getTopic(), meta.getPartition(), meta.getOffset(), e.getMessage());
      var letter = DeadLetters.of(meta.getTopic(), meta.getPartition(), meta.getOffset(), meta.getKey(),
          in.getPayload(), e.getMessage(), SERVICE);
      var dlq = Topics.deadLetterOf(Topics.CONVERSATION_EVENTS);
      return in.withPayload(dlq.valueSerde().serializer().serialize(dlq.name(), letter))
          .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withTopic(dlq.name()).withKey(meta.getKey()).build());
    }
    EnrichedEvent scored = scorer.score(event);
    var out = Topics.SENTIMENT_SCORED_EVENTS;
    return in.withPayload(out.valueSerde().serializer().serialize(out.name(), scored))
        .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(event.conversationId()).build());
  }
}
