package dev.baton.sentiment.service;

import dev.baton.nlp.SentimentAnalyzer;
import dev.baton.nlp.SentimentModels;
import dev.baton.nlp.SentimentScore;
import dev.baton.schemas.ConversationEvent;
import dev.baton.schemas.EnrichedEvent;
import dev.baton.schemas.Sentiment;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * Adds sentiment and emotion to events that carry customer text; other events pass through so
 * the conversation's order is kept downstream. The model is loaded once, at start.
 */
@ApplicationScoped
@Startup // Load the model at boot: a broken model must stop the service, not the first message.
public class SentimentScorer {
  private static final Logger LOG = Logger.getLogger(SentimentScorer.class);
  private final SentimentAnalyzer analyzer;

  @Inject
  public SentimentScorer() {
    this(SentimentModels.load());
  }

  SentimentScorer(SentimentAnalyzer analyzer) {
    this.analyzer = analyzer;
  }

  public EnrichedEvent score(ConversationEvent event) {
    EnrichedEvent enriched = EnrichedEvent.of(event);
    if (!event.type().carriesCustomerText() || event.text() == null) {
      return enriched;
    }
    SentimentScore s;
    try {
      s = analyzer.analyze(event.text());
    } catch (RuntimeException e) {
      // The message still goes on, unscored: losing what the customer said would be worse.
      LOG.errorf(e, "sentiment of event %s could not be scored", event.eventId());
      return enriched;
    }
    return enriched.withSentiment(new Sentiment(s.label(), s.score(), s.emotions(), analyzer.modelName()));
  }
}
