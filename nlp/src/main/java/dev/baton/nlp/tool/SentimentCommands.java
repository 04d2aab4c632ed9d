package dev.baton.nlp.tool;

import java.util.Map;
import java.util.function.Consumer;

final class SentimentCommands {
  private SentimentCommands() {}

  static void evaluate(Map<String, String> opt, Consumer<String> progress) {}
}
