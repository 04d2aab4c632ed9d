package dev.baton.sentiment.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.nlp.ComplaintDetector;
import dev.baton.nlp.ComplaintModels;
import dev.baton.nlp.ComplaintScore;
import dev.baton.nlp.SentimentAnalyzer;
import dev.baton.nlp.SentimentModels;
import dev.baton.nlp.SentimentScore;
import dev.baton.schemas.Channel;
import dev.baton.schemas.Complaint;
import dev.baton.schemas.ConversationEvent;
import dev.baton.schemas.EnrichedEvent;
import dev.baton.schemas.EventType;
import dev.baton.schemas.SchemaVersions;
import dev.baton.schemas.Sentiment;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The scorer adds the complaint signal to the sentiment, and a sarcastic complaint never reads as positive. */
class SentimentScorerTests {
  private static ConversationEvent says(String text) {
    return new ConversationEvent(SchemaVersions.CURRENT, "ev-1", EventType.CUSTOMER_MESSAGE, "acme", "c-1",
        Channel.WHATSAPP, Instant.parse("2026-11-23T10:00:00Z"), null, text, null, Map.of());
  }

  private static SentimentAnalyzer reads(SentimentScore s) {
    return new SentimentAnalyzer() {
      public SentimentScore analyze(String text) {
        return s;
      }

      public String modelName() {
        return "s-1";
      }
    };
  }

  private static ComplaintDetector detects(ComplaintScore c) {
    return new ComplaintDetector() {
      public ComplaintScore detect(String text) {
        if (c == null) {
          throw new IllegalStateException("broken model");
        }
        return c;
      }

      public String modelName() {
        return "c-1";
      }
    };
  }

  @Test
  void theShippedModelsGiveASarcasticComplaintAHighScoreAndANegativeReading() {
    SentimentScorer scorer = new SentimentScorer(SentimentModels.load(), ComplaintModels.load());

    Sentiment s = scorer.score(says("thanks for nothing, my parcel is 2 weeks late")).sentiment();

    assertTrue(s.complaint().score() >= 0.6, s.toString());
    assertTrue(s.complaint().sarcasm(), s.toString());
    assertEquals(Sentiment.NEGATIVE, s.label());
    Sentiment routine = scorer.score(says("Hi, can I change my delivery address? I moved last week")).sentiment();
    assertTrue(routine.complaint().score() < 0.6, routine.toString());
  }

  @Test
  void sarcasmTurnsAPositiveReadingNegativeAndCapsItsGratitude() {
    SentimentScorer scorer = new SentimentScorer(
        reads(new SentimentScore("positive", 0.9, Map.of("gratitude", 0.95, "anger", 0.05))), detects(new ComplaintScore(0.85, true)));

    Sentiment s = scorer.score(says("thanks for sending the wrong size, very useful")).sentiment();

    assertEquals(Sentiment.NEGATIVE, s.label());
    assertEquals(-0.9, s.score());
    assertEquals(0.1, s.emotion("gratitude"));
    assertEquals(0.05, s.emotion("anger"));
    assertEquals(new Complaint(0.85, true), s.complaint());
    assertEquals("s-1+c-1", s.model());
  }

  @Test
  void withoutSarcasmTheSentimentIsAsTheModelReadIt() {
    SentimentScorer scorer = new SentimentScorer(
        reads(new SentimentScore("positive", 0.7, Map.of("gratitude", 0.8))), detects(new ComplaintScore(0.1, false)));

    Sentiment s = scorer.score(says("thanks, it arrived")).sentiment();

    assertEquals(Sentiment.POSITIVE, s.label());
    assertEquals(0.8, s.emotion("gratitude"));
    assertEquals(new Complaint(0.1, false), s.complaint());
  }

  @Test
  void aCallerSilentReportPassesUntouchedWithoutAskingTheModels() {
    SentimentAnalyzer never = new SentimentAnalyzer() {
      public SentimentScore analyze(String text) {
        throw new AssertionError("scored a report that carries no customer text");
      }

      public String modelName() {
        return "s-1";
      }
    };
    ConversationEvent report = new ConversationEvent(SchemaVersions.CURRENT, "tw:CA1:silent:3", EventType.CALLER_SILENT,
        "acme", "call:CA1", Channel.VOICE, Instant.parse("2026-11-23T10:00:12Z"), null, "ignored text", null,
        Map.of("silence.ms", "5000"));

    EnrichedEvent passed = new SentimentScorer(never, detects(null)).score(report);

    assertEquals(EnrichedEvent.of(report), passed);
    assertNull(passed.sentiment());
  }

  @Test
  void aFailingComplaintModelStillLetsTheSentimentThrough() {
    SentimentScorer scorer = new SentimentScorer(reads(new SentimentScore("neutral", 0.0, Map.of())), detects(null));

    Sentiment s = scorer.score(says("where is my order")).sentiment();

    assertEquals(Sentiment.NEUTRAL, s.label());
    assertNull(s.complaint());
  }
}
