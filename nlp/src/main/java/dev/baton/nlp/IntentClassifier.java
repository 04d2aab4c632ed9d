package dev.baton.nlp;

/** Recognises what a customer wants. Implementations are thread-safe and load once. */
public interface IntentClassifier {
  IntentScore classify(String text);

  /**
   * As {@link #classify}, without running a sentence encoder (the n-gram models alone): for the
   * clauses of a message whose whole already went through it, where a pass per clause would
   * multiply the message's cost.
   */
  default IntentScore classifyWithoutEncoder(String text) {
    return classify(text);
  }

  /** Name and version, recorded on every enriched event. */
  String modelName();
}
