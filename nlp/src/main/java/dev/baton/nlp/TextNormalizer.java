package dev.baton.nlp;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Text normalisation shared by the models. {@link #tokens} is the plain form (lower case, no
 * accents, no punctuation); {@link #intentTokens} and {@link #sentimentTokens} are the forms the
 * trained models see, and must not change without retraining them (the models' README names the
 * command).
 */
public final class TextNormalizer {
  private static final Pattern MARKS = Pattern.compile("\\p{M}+");
  private static final Pattern NON_WORD = Pattern.compile("[^a-z0-9']+");
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{[^}]*}}");
  private static final Pattern EMAIL = Pattern.compile("[\\w.%+-]+@[\\w.-]+\\.[a-zA-Z]{2,}");
  private static final Pattern URL = Pattern.compile("(?i)\\b(?:https?://|www\\.)\\S+");
  /** Codes with digits such as ORD-12345, #A1234567, 4421-XZ: one {@code #num} token. */
  private static final Pattern CODE = Pattern.compile("#?\\b[A-Za-z]{0,6}[-/]?\\d[\\w/-]*");
  private static final Pattern INTENT_SPLIT = Pattern.compile("[^a-z0-9'#]+");
  private static final Pattern SENTIMENT_SPLIT = Pattern.compile("[^a-z0-9'#!?]+|(?=[!?])|(?<=[!?])");
  private static final Pattern HAS_DIGIT = Pattern.compile(".*\\d.*");
  private static final Pattern SHOUTED = Pattern.compile("\\p{Punct}*[A-Z]{3,}\\p{Punct}*");
  private static final Pattern REPEATS = Pattern.compile("([a-z])\\1{2,}");

  private TextNormalizer() {}

  public static String normalize(String text) {
    if (text == null) {
      return "";
    }
    return NON_WORD.matcher(fold(text)).replaceAll(" ").trim();
  }

  public static List<String> tokens(String text) {
    String n = normalize(text);
    return n.isEmpty() ? List.of() : Arrays.asList(n.split(" "));
  }

  /** Lower case, accents removed, typographic apostrophes made plain. */
  static String fold(String text) {
    String folded = MARKS.matcher(Normalizer.normalize(text, Normalizer.Form.NFD)).replaceAll("");
    return folded.toLowerCase(Locale.ROOT).replace('\u2019', '\'').replace('\u2018', '\'');
  }

  /**
   * Tokens for the intent models: lower case, contractions expanded ("can't" becomes "can not"),
   * template placeholders such as {@code {{Order Number}}}, numbers and codes (ORD-12345), e-mail addresses and links
   * replaced by class tokens ({@code #slot}, {@code #num}, {@code #email}, {@code #url}), so the
   * Bitext templates and real messages with real order numbers look alike.
   */
  public static String[] intentTokens(String text) {
    if (text == null) {
      return new String[0];
    }
    String t = expandContractions(fold(maskEntities(text)));
    List<String> out = new ArrayList<>();
    for (String tok : INTENT_SPLIT.split(t)) {
      addToken(out, tok);
    }
    return out.toArray(String[]::new);
  }

  /** Bitext placeholders, e-mails, links and codes become {@code #...} tokens. */
  private static String maskEntities(String text) {
    String t = placeholders(text);
    t = EMAIL.matcher(t).replaceAll(" #email ");
    t = URL.matcher(t).replaceAll(" #url ");
    return CODE.matcher(t).replaceAll(" #num ");
  }

  /** Adds a token without its quotes, a word with digits as {@code #num}; skips empty ones. */
  private static void addToken(List<String> out, String token) {
    String w = stripQuotes(token);
    if (w.isEmpty()) {
      return;
    }
    out.add(w.charAt(0) != '#' && HAS_DIGIT.matcher(w).matches() ? "#num" : w);
  }

  /**
   * Tokens for the sentiment models: as {@link #intentTokens}, but "!" and "?" are kept as
   * tokens, letters repeated three times or more are squeezed ("sooo" becomes "soo"), and a word
   * written in capitals (3+ letters, no digits) is followed by a {@code #caps} token.
   */
  public static String[] sentimentTokens(String text) {
    if (text == null) {
      return new String[0];
    }
    String t = maskEntities(text);
    List<String> out = new ArrayList<>();
    for (String raw : t.split("\\s+")) {
      boolean caps = SHOUTED.matcher(raw).matches();
      String f = expandContractions(fold(raw));
      f = REPEATS.matcher(f).replaceAll("$1$1");
      for (String tok : SENTIMENT_SPLIT.split(f)) {
        addToken(out, tok);
      }
      if (caps) {
        out.add("#caps");
      }
    }
    return out.toArray(String[]::new);
  }

  /**
   * Bitext's template placeholders: numbers and amounts ({@code {{Order Number}}}) become
   * {@code #num} like real order numbers, the others ({@code {{Account Type}}}) {@code #slot}.
   */
  static String placeholders(String text) {
    Matcher m = PLACEHOLDER.matcher(text);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String name = m.group().toLowerCase(Locale.ROOT);
      boolean number = name.contains("number") || name.contains("amount") || name.contains("id}");
      m.appendReplacement(sb, number ? " #num " : " #slot ");
    }
    m.appendTail(sb);
    return sb.toString();
  }

  static String expandContractions(String t) {
    return t.replace("can't", "can not")
        .replace("cannot", "can not")
        .replace("won't", "will not")
        .replace("shan't", "shall not")
        .replace("n't", " not")
        .replace("'m", " am")
        .replace("'re", " are")
        .replace("'ll", " will")
        .replace("'ve", " have")
        .replace("'d", " would");
  }

  private static String stripQuotes(String w) {
    int a = 0;
    int b = w.length();
    while (a < b && w.charAt(a) == '\'') {
      a++;
    }
    while (b > a && w.charAt(b - 1) == '\'') {
      b--;
    }
    return w.substring(a, b);
  }
}
