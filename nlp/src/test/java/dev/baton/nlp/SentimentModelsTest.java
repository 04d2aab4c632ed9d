package dev.baton.nlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Behaviour of the shipped sentiment and emotion models on hand-picked messages. */
class SentimentModelsTest {
  private final SentimentAnalyzer a = SentimentModels.load();

  private double emotion(SentimentScore s, String tag) {
    return s.emotions().getOrDefault(tag, 0.0);
  }

  @Test
  void everyTagIsScored() {
    SentimentScore s = a.analyze("hello");
    for (String tag : List.of("anger", "confusion", "sadness", "relief", "gratitude")) {
      assertTrue(s.emotions().containsKey(tag), tag);
      double v = emotion(s, tag);
      assertTrue(v >= 0 && v <= 1, tag + "=" + v);
    }
    assertTrue(s.score() >= -1 && s.score() <= 1);
  }

  @Test
  void angryComplaintIsNegativeWithAnger() {
    SentimentScore s = a.analyze("This is ridiculous, my parcel is late AGAIN!! Third time this month");
    assertEquals("negative", s.label(), s.toString());
    assertTrue(s.score() < -0.3, s.toString());
    assertTrue(emotion(s, "anger") >= 0.5, s.toString());
  }

  @Test
  void serviceFailuresStatedAsFactsAreNegative() {
    for (String text : List.of("my order still hasn't arrived", "I've emailed twice and nobody replied",
        "the airline lost my suitcase", "still waiting for my refund after 3 weeks",
        "you charged me twice for the same thing")) {
      assertEquals("negative", a.analyze(text).label(), text);
    }
  }

  @Test
  void negationAndSarcasmDoNotReadAsPositive() {
    for (String text : List.of("I am not happy at all", "not helpful in the slightest",
        "oh great, another delay", "thanks for nothing", "wonderful, my package is lost again")) {
      SentimentScore s = a.analyze(text);
      assertEquals("negative", s.label(), text + " -> " + s);
      assertTrue(emotion(s, "gratitude") < 0.5, text + " -> " + s);
    }
  }

  @Test
  void thanksArePositiveWithGratitude() {
    SentimentScore s = a.analyze("Great, thanks a lot for your help!");
    assertEquals("positive", s.label(), s.toString());
    assertTrue(emotion(s, "gratitude") >= 0.5, s.toString());
  }

  @Test
  void reliefAndConfusionAreTagged() {
    SentimentScore relief = a.analyze("phew, it finally arrived, what a relief");
    assertTrue(emotion(relief, "relief") >= 0.5, relief.toString());
    SentimentScore confused = a.analyze("I'm confused, I don't understand what this charge is");
    assertTrue(emotion(confused, "confusion") >= 0.5, confused.toString());
    SentimentScore sad = a.analyze("I'm so disappointed, it was meant to be a birthday present");
    assertTrue(emotion(sad, "sadness") >= 0.5, sad.toString());
  }

  @Test
  void plainRequestsAreNeutral() {
    for (String text : List.of("I'd like to change my delivery address", "what are your opening hours",
        "can I book an appointment for Tuesday")) {
      assertEquals("neutral", a.analyze(text).label(), text);
    }
  }
}
