package dev.baton.nlp.eval;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** Classification metrics over (truth, prediction) pairs. */
public final class Metrics {
  private final Map<String, Map<String, Integer>> confusion = new LinkedHashMap<>();
  private int total;
  private int correct;

  public void add(String truth, String predicted) {
    confusion.computeIfAbsent(truth, k -> new LinkedHashMap<>()).merge(predicted, 1, Integer::sum);
    total++;
    if (truth.equals(predicted)) {
      correct++;
    }
  }

  public int total() {
    return total;
  }

  public double accuracy() {
    return total == 0 ? 0 : (double) correct / total;
  }

  /** Per-class precision, recall, F1 and support. */
  public record ClassScore(String label, double precision, double recall, double f1, int support) {}

  public List<ClassScore> perClass() {
    TreeSet<String> labels = new TreeSet<>(confusion.keySet());
    confusion.values().forEach(m -> labels.addAll(m.keySet()));
    List<ClassScore> out = new ArrayList<>();
    for (String l : labels) {
      int tp = confusion.getOrDefault(l, Map.of()).getOrDefault(l, 0);
      int support = confusion.getOrDefault(l, Map.of()).values().stream().mapToInt(i -> i).sum();
      int predicted = 0;
      for (Map<String, Integer> row : confusion.values()) {
        predicted += row.getOrDefault(l, 0);
      }
      double p = predicted == 0 ? 0 : (double) tp / predicted;
      double r = support == 0 ? 0 : (double) tp / support;
      double f = p + r == 0 ? 0 : 2 * p * r / (p + r);
      out.add(new ClassScore(l, p, r, f, support));
    }
    return out;
  }

  /** Mean F1 over the classes that occur in the truth. */
  public double macroF1() {
    return perClass().stream().filter(c -> c.support() > 0).mapToDouble(ClassScore::f1).average().orElse(0);
  }

  /** A confusion: how often {@code truth} was predicted as {@code predicted}. */
  public record Confusion(String truth, String predicted, int count) {}

  /** The most frequent errors, largest first. */
  public List<Confusion> topConfusions(int n) {
    List<Confusion> all = new ArrayList<>();
    confusion.forEach(
        (t, row) -> row.forEach((p, c) -> {
          if (!t.equals(p)) {
            all.add(new Confusion(t, p, c));
          }
        }));
    all.sort(Comparator.comparingInt(Confusion::count).reversed());
    return all.subList(0, Math.min(n, all.size()));
  }
}
