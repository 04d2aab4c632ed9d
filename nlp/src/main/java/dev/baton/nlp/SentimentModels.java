package dev.baton.nlp;

import dev.baton.nlp.sentiment.TrainedSentimentAnalyzer;

/** Loads the sentiment and emotion model once per service. */
public final class SentimentModels {
  /** Classpath folder of the shipped sentiment.bin and emotion.bin. */
  public static final String MODEL_DIR = "models/sentiment";

  private SentimentModels() {}

  private static final class Holder {
    static final SentimentAnalyzer ANALYZER = TrainedSentimentAnalyzer.loadResources(MODEL_DIR);
  }

  /**
   * The trained GoEmotions + customer-service model with the customer-service rules (see
   * nlp/README.md), loaded from the classpath on first use and shared (thread-safe).
   */
  public static SentimentAnalyzer load() {
    return Holder.ANALYZER;
  }
}
