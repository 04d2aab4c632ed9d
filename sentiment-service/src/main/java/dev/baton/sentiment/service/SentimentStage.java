package dev.baton.sentiment.service;

import dev.baton.schemas.ConversationEvent;
import dev.baton.schemas.topic.Topics;
import dev.baton.support.messaging.StageRecords;
import dev.baton.support.metrics.BatonMetrics;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Outgoing;

/**
 * {@code conversation-events} → {@code sentiment-scored-events}. A record that cannot be read goes
 * to {@code conversation-events-dlq} with the reason; one the stage fails on in any other way (an
 * exception, an output the broker refuses) goes there as it was read (see {@link StageRecords}),
 * and the stage goes on.
 */
@ApplicationScoped
public class SentimentStage {
  static final String SERVICE = "sentiment-service";

  private final SentimentScorer scorer;
  private final BatonMetrics metrics;

  public SentimentStage(SentimentScorer scorer, BatonMetrics metrics) {
    this.scorer = scorer;
    this.metrics = metrics;
  }

  @Incoming(Topics.Names.CONVERSATION_EVENTS)
  @Outgoing(Topics.Names.SENTIMENT_SCORED_EVENTS)
  public Message<byte[]> process(Message<byte[]> in) {
    Message<byte[]> out = StageRecords.guarded(in, this::score);
    if (out == null) { // the channel keeps it on the dead-letter topic
      metrics.deadLettered(Topics.CONVERSATION_EVENTS.deadLetterName());
    }
    return out;
  }

  private Message<byte[]> score(Message<byte[]> in) {
    StageRecords.Parsed<ConversationEvent> parsed = StageRecords.parse(in, Topics.CONVERSATION_EVENTS);
    if (!parsed.ok()) {
      metrics.deadLettered(Topics.CONVERSATION_EVENTS.deadLetterName());
      return StageRecords.deadLetter(in, Topics.CONVERSATION_EVENTS, parsed.error(), SERVICE);
    }
    ConversationEvent event = parsed.value();
    metrics.consumed(Topics.CONVERSATION_EVENTS.name(), event.tenantId());
    Message<byte[]> out = StageRecords.forward(in, Topics.SENTIMENT_SCORED_EVENTS, scorer.score(event));
    metrics.produced(Topics.SENTIMENT_SCORED_EVENTS.name(), event.tenantId());
    return out;
  }
}
