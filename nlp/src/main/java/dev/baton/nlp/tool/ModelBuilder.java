package dev.baton.nlp.tool;

import java.util.Map;
import java.util.function.Consumer;

final class ModelBuilder {
  private ModelBuilder() {}

  static void buildAll(Map<String, String> opt, Consumer<String> progress) {}

  static void retrain(Map<String, String> opt, Consumer<String> progress) {}
}
