package dev.baton.nlp;

import java.text.Normalizer;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** Lower-cases, strips accents and punctuation, and splits into word tokens. */
public final class TextNormalizer {
  private static final Pattern MARKS = Pattern.compile("\\p{M}+");
  private static final Pattern NON_WORD = Pattern.compile("[^a-z0-9']+");

  private TextNormalizer() {}

  public static String normalize(String text) {
    if (text == null) {
      return "";
    }
    String folded = MARKS.matcher(Normalizer.normalize(text, Normalizer.Form.NFD)).replaceAll("");
    return NON_WORD.matcher(folded.toLowerCase(Locale.ROOT).replace('’', '\'')).replaceAll(" ").trim();
  }

  public static List<String> tokens(String text) {
    String n = normalize(text);
    return n.isEmpty() ? List.of() : Arrays.asList(n.split(" "));
  }
}
