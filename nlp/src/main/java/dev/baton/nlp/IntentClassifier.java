package dev.baton.nlp;

/** Recognises what a customer wants. Implementations are thread-safe and load once. */
public interface IntentClassifier {
  IntentScore classify(String text);

  /** Name and version, recorded on every enriched event. */
  String modelName();
}
