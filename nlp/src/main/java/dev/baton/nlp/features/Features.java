package dev.baton.nlp.features;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import opennlp.tools.doccat.BagOfWordsFeatureGenerator;
import opennlp.tools.doccat.FeatureGenerator;
import opennlp.tools.util.ext.ExtensionLoader;

/**
 * Names for the feature generators, as the training tool spells them ({@code words,chars}).
 * OpenNLP rebuilds a saved model's generators by class name with their no-argument constructor,
 * and only from allowed packages: {@link #allowLoading()} registers ours.
 */
public final class Features {
  public static final String INTENT_DEFAULT = "words,chars,stems";
  public static final String SENTIMENT_DEFAULT = "words,chars,negation,lexicon";

  private static final Map<String, Supplier<FeatureGenerator>> BY_NAME =
      Map.of(
          "bow", BagOfWordsFeatureGenerator::new,
          "words", WordNgramFeatures::new,
          "chars", CharNgramFeatures::new,
          "trigrams", WordTrigramFeatures::new,
          "stems", StemFeatures::new,
          "negation", NegationFeatures::new,
          "lexicon", LexiconFeatures::new);

  private Features() {}

  static {
    allowLoading();
  }

  /** Lets OpenNLP instantiate the generators of this package when it loads a model. */
  public static void allowLoading() {
    ExtensionLoader.registerAllowedPackage("dev.baton.nlp");
  }

  public static FeatureGenerator[] parse(String spec) {
    List<FeatureGenerator> out = new ArrayList<>();
    for (String name : spec.split(",")) {
      Supplier<FeatureGenerator> s = BY_NAME.get(name.trim());
      if (s == null) {
        throw new IllegalArgumentException(
            "unknown feature set '" + name + "', known: " + BY_NAME.keySet());
      }
      out.add(s.get());
    }
    return out.toArray(FeatureGenerator[]::new);
  }
}
