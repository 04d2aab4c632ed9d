package dev.baton.nlp;

/** Loads the sentiment and emotion model once per service. */
public final class SentimentModels {
  private SentimentModels() {}

  public static SentimentAnalyzer load() {
    return new LexiconSentimentAnalyzer();
  }
}
