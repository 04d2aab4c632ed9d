package dev.baton.sentiment.service;

import dev.baton.schemas.ConversationEvent;
import dev.baton.schemas.topic.Topics;
import dev.baton.support.messaging.StageRecords;
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

  public SentimentStage(SentimentScorer scorer) {
    this.scorer = scorer;
  }

  @Incoming(Topics.Names.CONVERSATION_EVENTS)
  @Outgoing(Topics.Names.SENTIMENT_SCORED_EVENTS)
  public Message<byte[]> process(Message<byte[]> in) {
    return StageRecords.guarded(in, this::score);
  }

  private Message<byte[]> score(Message<byte[]> in) {
    StageRecords.Parsed<ConversationEvent> parsed = StageRecords.parse(in, Topics.CONVERSATION_EVENTS);
    if (!parsed.ok()) {
      return StageRecords.deadLetter(in, Topics.CONVERSATION_EVENTS, parsed.error(), SERVICE);
    }
    ConversationEvent event = parsed.value();
    return StageRecords.forward(in, Topics.SENTIMENT_SCORED_EVENTS, scorer.score(event));
  }
}
