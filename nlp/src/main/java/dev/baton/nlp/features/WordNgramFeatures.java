package dev.baton.nlp.features;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import opennlp.tools.doccat.FeatureGenerator;

/**
 * Word unigrams ({@code w=}) and bigrams ({@code b=}), with the start and the end of the message
 * as pseudo-words so that "cancel ..." at the start differs from "... cancel" at the end. Binary:
 * each feature counts once per message.
 */
public final class WordNgramFeatures implements FeatureGenerator {
  @Override
  public Collection<String> extractFeatures(String[] tokens, Map<String, Object> extra) {
    Set<String> f = new LinkedHashSet<>();
    String prev = "^";
    for (String t : tokens) {
      f.add("w=" + t);
      f.add("b=" + prev + "_" + t);
      prev = t;
    }
    if (tokens.length > 0) {
      f.add("b=" + prev + "_$");
    }
    return f;
  }
}
