package dev.baton.nlp.intent;

import dev.baton.nlp.data.LabeledText;
import dev.baton.nlp.features.Features;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import opennlp.tools.doccat.FeatureGenerator;

/**
 * Nearest neighbours by TF-IDF cosine over the same features as the maxent model: a label's
 * score is the sum of the similarities of its examples among the k nearest. Used as an ensemble
 * member in evaluation ({@code nlp-tool cv --ensemble ... --knn}), not in the shipped models.
 */
public final class KnnScorer {
  private final FeatureGenerator[] generators;
  private final Function<String, String[]> tokenizer;
  private final Map<String, Integer> featureIndex = new HashMap<>();
  private final List<Double> idf = new ArrayList<>();
  private final List<List<int[]>> postings = new ArrayList<>(); // feature -> (doc, unused)
  private final List<Map<Integer, Double>> docs = new ArrayList<>();
  private final List<String> docLabels = new ArrayList<>();
  private final int k;

  public KnnScorer(List<LabeledText> train, String features, Function<String, String[]> tokenizer, int k) {
    this.generators = Features.parse(features);
    this.tokenizer = tokenizer;
    this.k = k;
    List<List<Integer>> raw = new ArrayList<>();
    for (LabeledText t : train) {
      List<Integer> ids = new ArrayList<>();
      for (String f : features(t.text())) {
        ids.add(featureIndex.computeIfAbsent(f, x -> {
          postings.add(new ArrayList<>());
          return postings.size() - 1;
        }));
      }
      raw.add(ids);
      docLabels.add(t.label());
    }
    int[] df = new int[featureIndex.size()];
    for (List<Integer> ids : raw) {
      for (int id : new java.util.HashSet<>(ids)) {
        df[id]++;
      }
    }
    for (int d : df) {
      idf.add(Math.log((1.0 + train.size()) / (1.0 + d)) + 1);
    }
    for (int d = 0; d < raw.size(); d++) {
      Map<Integer, Double> v = vector(raw.get(d));
      docs.add(v);
      for (int id : v.keySet()) {
        postings.get(id).add(new int[] {d});
      }
    }
  }

  private List<String> features(String text) {
    String[] tokens = tokenizer.apply(text);
    List<String> out = new ArrayList<>();
    for (FeatureGenerator g : generators) {
      out.addAll(g.extractFeatures(tokens, Map.of()));
    }
    return out;
  }

  private Map<Integer, Double> vector(List<Integer> ids) {
    Map<Integer, Double> v = new HashMap<>();
    for (int id : ids) {
      v.merge(id, 1.0, Double::sum);
    }
    double norm = 0;
    for (Map.Entry<Integer, Double> e : v.entrySet()) {
      double w = (1 + Math.log(e.getValue())) * idf.get(e.getKey());
      e.setValue(w);
      norm += w * w;
    }
    double n = Math.sqrt(norm);
    if (n > 0) {
      v.replaceAll((key, w) -> w / n);
    }
    return v;
  }

  /** Label scores (sum of the similarities of the k nearest examples), normalised to sum 1. */
  public Map<String, Double> scores(String text) {
    List<Integer> ids = new ArrayList<>();
    for (String f : features(text)) {
      Integer id = featureIndex.get(f);
      if (id != null) {
        ids.add(id);
      }
    }
    Map<Integer, Double> q = vector(ids);
    Map<Integer, Double> sims = new HashMap<>();
    for (Map.Entry<Integer, Double> e : q.entrySet()) {
      for (int[] p : postings.get(e.getKey())) {
        sims.merge(p[0], e.getValue() * docs.get(p[0]).get(e.getKey()), Double::sum);
      }
    }
    List<Map.Entry<Integer, Double>> top = new ArrayList<>(sims.entrySet());
    top.sort((a, b) -> Double.compare(b.getValue(), a.getValue()));
    Map<String, Double> out = new LinkedHashMap<>();
    double z = 0;
    for (int i = 0; i < Math.min(k, top.size()); i++) {
      double s = top.get(i).getValue();
      out.merge(docLabels.get(top.get(i).getKey()), s, Double::sum);
      z += s;
    }
    if (z > 0) {
      final double zz = z;
      out.replaceAll((l, s) -> s / zz);
    }
    return out;
  }
}
