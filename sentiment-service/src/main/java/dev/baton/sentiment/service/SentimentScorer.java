package dev.baton.sentiment.service;

import dev.baton.nlp.ComplaintDetector;
import dev.baton.nlp.ComplaintModels;
import dev.baton.nlp.ComplaintScore;
import dev.baton.nlp.SentimentAnalyzer;
import dev.baton.nlp.SentimentModels;
import dev.baton.nlp.SentimentScore;
import dev.baton.schemas.Complaint;
import dev.baton.schemas.ConversationEvent;
import dev.baton.schemas.EnrichedEvent;
import dev.baton.schemas.Sentiment;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * Adds sentiment, emotion and the complaint signal to events that carry customer text; other
 * events pass through so the conversation's order is kept downstream. The models are loaded once,
 * at start. A sarcastic complaint the sentiment model read as positive is emitted as negative
 * ({@link ComplaintScore#correct}): agents, summaries and the falling-trend rule read the
 * sentiment, and "thanks for nothing" must not look like a happy customer to any of them.
 */
@ApplicationScoped
@Startup // Load the model at boot: a broken model must stop the service, not the first message.
public class SentimentScorer {
  private static final Logger LOG = Logger.getLogger(SentimentScorer.class);
  private final SentimentAnalyzer analyzer;
  private final ComplaintDetector complaints;

  @Inject
  public SentimentScorer() {
    this(SentimentModels.load(), ComplaintModels.load());
  }

  SentimentScorer(SentimentAnalyzer analyzer, ComplaintDetector complaints) {
    this.analyzer = analyzer;
    this.complaints = complaints;
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
    ComplaintScore c;
    try {
      c = complaints.detect(event.text());
    } catch (RuntimeException e) {
      // Sentiment alone still goes on; the complaint rule then simply does not fire.
      LOG.errorf(e, "complaint signal of event %s could not be computed", event.eventId());
      return enriched.withSentiment(new Sentiment(s.label(), s.score(), s.emotions(), analyzer.modelName()));
    }
    SentimentScore read = c.correct(s);
    return enriched.withSentiment(new Sentiment(read.label(), read.score(), read.emotions(),
        analyzer.modelName() + "+" + complaints.modelName(), new Complaint(c.score(), c.sarcasm())));
  }
}
