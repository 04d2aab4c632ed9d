package dev.baton.nlp;

/** Reads how a customer feels. Implementations are thread-safe and load once. */
public interface SentimentAnalyzer {
  SentimentScore analyze(String text);

  String modelName();
}
