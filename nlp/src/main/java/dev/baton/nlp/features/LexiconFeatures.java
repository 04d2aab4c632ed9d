package dev.baton.nlp.features;

import dev.baton.nlp.sentiment.ServiceLexicon;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import opennlp.tools.doccat.FeatureGenerator;

/** One feature per customer-service cue found ({@code lex=FAILURE}, ...), see {@link ServiceLexicon}. */
public final class LexiconFeatures implements FeatureGenerator {
  /** Extra-information key under which a caller passes the cues it already found (a Set of Cue). */
  public static final String CUES_KEY = "baton.cues";

  @Override
  @SuppressWarnings("unchecked")
  public Collection<String> extractFeatures(String[] tokens, Map<String, Object> extra) {
    Object given = extra == null ? null : extra.get(CUES_KEY);
    Set<ServiceLexicon.Cue> cues = given instanceof Set<?> s ? (Set<ServiceLexicon.Cue>) s : ServiceLexicon.cues(tokens);
    List<String> f = new ArrayList<>();
    for (ServiceLexicon.Cue c : cues) {
      f.add("lex=" + c.name());
    }
    return f;
  }
}
