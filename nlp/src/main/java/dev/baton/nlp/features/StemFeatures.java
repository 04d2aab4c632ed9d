package dev.baton.nlp.features;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import opennlp.tools.doccat.FeatureGenerator;
import opennlp.tools.stemmer.PorterStemmer;

/**
 * Porter stems ({@code st=}) and stem bigrams ({@code sb=}): "refunded", "refunds" and
 * "refunding" share one feature. A stemmer holds state, so each call makes its own.
 */
public final class StemFeatures implements FeatureGenerator {
  @Override
  public Collection<String> extractFeatures(String[] tokens, Map<String, Object> extra) {
    PorterStemmer stemmer = new PorterStemmer();
    Set<String> f = new LinkedHashSet<>();
    String prev = "^";
    for (String t : tokens) {
      String s = t.charAt(0) == '#' ? t : stemmer.stem(t).toString();
      f.add("st=" + s);
      f.add("sb=" + prev + "_" + s);
      prev = s;
    }
    return f;
  }
}
