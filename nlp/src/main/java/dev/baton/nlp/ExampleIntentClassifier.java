package dev.baton.nlp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Nearest-example intent matching: the confidence is the cosine similarity between the word
 * unigrams+bigrams of the message and of its closest example. Meant for a tenant's few FAQ
 * examples, where a trained model has too little data; text far from every example gets a low
 * confidence, which the escalation engine reads as "not understood".
 */
public final class ExampleIntentClassifier implements IntentClassifier {
  private record Example(String intent, Set<String> features) {}

  private final List<Example> examples = new ArrayList<>();
  private final String name;

  public ExampleIntentClassifier(String name, Map<String, List<String>> examplesByIntent) {
    this.name = name;
    examplesByIntent.forEach(
        (intent, texts) -> texts.forEach(t -> examples.add(new Example(intent, features(t)))));
  }

  @Override
  public IntentScore classify(String text) {
    Set<String> query = features(text);
    String best = null;
    double bestScore = 0;
    Map<String, Double> perIntent = new HashMap<>();
    for (Example e : examples) {
      double s = cosine(query, e.features);
      perIntent.merge(e.intent, s, Math::max);
      if (s > bestScore) {
        bestScore = s;
        best = e.intent;
      }
    }
    return best == null ? new IntentScore("oos", 0) : new IntentScore(best, bestScore);
  }

  @Override
  public String modelName() {
    return name;
  }

  static Set<String> features(String text) {
    List<String> tokens = TextNormalizer.tokens(text);
    Set<String> f = new HashSet<>(tokens);
    for (int i = 0; i + 1 < tokens.size(); i++) {
      f.add(tokens.get(i) + "_" + tokens.get(i + 1));
    }
    return f;
  }

  private static double cosine(Set<String> a, Set<String> b) {
    if (a.isEmpty() || b.isEmpty()) {
      return 0;
    }
    int common = 0;
    for (String f : a) {
      if (b.contains(f)) {
        common++;
      }
    }
    return common / Math.sqrt((double) a.size() * b.size());
  }
}
