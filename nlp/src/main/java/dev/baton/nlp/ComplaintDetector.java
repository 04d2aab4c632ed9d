package dev.baton.nlp;

/** Tells whether a customer is complaining. Implementations are thread-safe and load once. */
public interface ComplaintDetector {
  ComplaintScore detect(String text);

  String modelName();
}
