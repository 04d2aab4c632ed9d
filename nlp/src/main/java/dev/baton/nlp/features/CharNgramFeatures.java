package dev.baton.nlp.features;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import opennlp.tools.doccat.FeatureGenerator;

/**
 * In-word character 3- to 5-grams ({@code c=}) of each word framed as {@code <word>}: they match
 * misspellings ("reimbursment"), inflections ("cancelled", "cancelling") and compounds. Class
 * tokens such as {@code #num} are skipped.
 */
public final class CharNgramFeatures implements FeatureGenerator {
  static final int MIN = 3;
  static final int MAX = 5;

  @Override
  public Collection<String> extractFeatures(String[] tokens, Map<String, Object> extra) {
    Set<String> f = new LinkedHashSet<>();
    for (String t : tokens) {
      if (t.isEmpty() || t.charAt(0) == '#' || t.length() < 2) {
        continue;
      }
      String w = "<" + t + ">";
      for (int n = MIN; n <= MAX; n++) {
        for (int i = 0; i + n <= w.length(); i++) {
          f.add("c=" + w.substring(i, i + n));
        }
      }
    }
    return f;
  }
}
