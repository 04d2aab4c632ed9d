package dev.baton.nlp.features;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import opennlp.tools.doccat.FeatureGenerator;

/** Word trigrams ({@code t=}) and skip-bigrams ({@code s=}, a word and the word after next). */
public final class WordTrigramFeatures implements FeatureGenerator {
  @Override
  public Collection<String> extractFeatures(String[] tokens, Map<String, Object> extra) {
    Set<String> f = new LinkedHashSet<>();
    for (int i = 0; i + 2 < tokens.length; i++) {
      f.add("t=" + tokens[i] + "_" + tokens[i + 1] + "_" + tokens[i + 2]);
      f.add("s=" + tokens[i] + "_" + tokens[i + 2]);
    }
    return f;
  }
}
