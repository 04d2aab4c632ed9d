package dev.baton.nlp.intent;

import dev.baton.nlp.TextNormalizer;
import java.util.function.Function;

/** The tokenizers the models are trained with. */
public final class TextNormalizerTokens {
  public static final Function<String, String[]> INTENT = TextNormalizer::intentTokens;
  public static final Function<String, String[]> SENTIMENT = TextNormalizer::sentimentTokens;

  private TextNormalizerTokens() {}
}
