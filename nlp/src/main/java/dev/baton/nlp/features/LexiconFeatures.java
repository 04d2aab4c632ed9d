package dev.baton.nlp.features;

import dev.baton.nlp.sentiment.ServiceLexicon;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import opennlp.tools.doccat.FeatureGenerator;

/** One feature per customer-service cue found ({@code lex=FAILURE}, ...), see {@link ServiceLexicon}. */
public final class LexiconFeatures implements FeatureGenerator {
  @Override
  public Collection<String> extractFeatures(String[] tokens, Map<String, Object> extra) {
    List<String> f = new ArrayList<>();
    for (ServiceLexicon.Cue c : ServiceLexicon.cues(tokens)) {
      f.add("lex=" + c.name());
    }
    return f;
  }
}
