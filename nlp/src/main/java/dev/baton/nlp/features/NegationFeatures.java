package dev.baton.nlp.features;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import opennlp.tools.doccat.FeatureGenerator;

/**
 * Negation scope ({@code n=}): the words after a negator ("not", "never", "no", "don't" and its
 * informal spellings) up to the next punctuation, "but", or four words, marked as negated, so
 * "not happy at all" gives {@code n=happy} instead of counting as "happy".
 */
public final class NegationFeatures implements FeatureGenerator {
  static final Set<String> NEGATORS =
      Set.of("not", "no", "never", "nothing", "nobody", "none", "nor", "neither", "without",
          "hardly", "barely", "dont", "cant", "wont", "didnt", "isnt", "doesnt", "wasnt",
          "havent", "hasnt", "arent", "werent", "couldnt", "shouldnt", "wouldnt", "aint");
  private static final Set<String> SCOPE_END = Set.of("!", "?", "but", "though", "although", "however");

  @Override
  public Collection<String> extractFeatures(String[] tokens, Map<String, Object> extra) {
    Set<String> f = new LinkedHashSet<>();
    int scope = 0;
    for (String t : tokens) {
      if (SCOPE_END.contains(t)) {
        scope = 0;
      } else if (NEGATORS.contains(t)) {
        scope = 4;
        f.add("n=#neg");
      } else if (scope > 0) {
        f.add("n=" + t);
        scope--;
      }
    }
    return f;
  }
}
