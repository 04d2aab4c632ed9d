package dev.baton.tenant;

import java.text.Normalizer;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Finds configured phrases in customer text on normalised whole words: case, accents and
 * punctuation are ignored, and a phrase must match complete words in order ("human" does not
 * fire on "humane"; "complaint" fires on "complaints").
 */
public final class PhraseMatcher {
  private static final Pattern MARKS = Pattern.compile("\\p{M}+");
  private static final Pattern NON_WORD = Pattern.compile("[^a-z0-9]+");

  private final List<String[]> phrases;
  private final List<String> originals;

  public PhraseMatcher(List<String> phrases) {
    this.originals = List.copyOf(phrases);
    this.phrases = phrases.stream().map(PhraseMatcher::words).toList();
  }

  /** The first configured phrase found in {@code text}. */
  public Optional<String> find(String text) {
    String[] words = words(text);
    for (int p = 0; p < phrases.size(); p++) {
      if (containsRun(words, phrases.get(p))) {
        return Optional.of(originals.get(p));
      }
    }
    return Optional.empty();
  }

  /** Lower case, no accents, no punctuation, apostrophes joined ("Don't!" -> "dont"), single spaces. */
  public static String normalise(String text) {
    if (text == null) {
      return "";
    }
    String folded = MARKS.matcher(Normalizer.normalize(text, Normalizer.Form.NFD)).replaceAll("");
    // Apostrophes join their word ("don't" -> "dont") instead of splitting it.
    return NON_WORD.matcher(folded.toLowerCase(Locale.ROOT).replace("'", "").replace("’", ""))
        .replaceAll(" ").trim();
  }

  private static String[] words(String text) {
    String n = normalise(text);
    return n.isEmpty() ? new String[0] : n.split(" ");
  }

  private static boolean containsRun(String[] words, String[] phrase) {
    if (phrase.length == 0) {
      return false;
    }
    outer:
    for (int i = 0; i + phrase.length <= words.length; i++) {
      for (int j = 0; j < phrase.length; j++) {
        if (!sameWord(words[i + j], phrase[j])) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  /** Equal, or the text has the plural of the phrase word. */
  private static boolean sameWord(String word, String phraseWord) {
    return word.equals(phraseWord)
        || word.equals(phraseWord + "s")
        || word.equals(phraseWord + "es");
  }

  @Override
  public String toString() {
    return Arrays.toString(originals.toArray());
  }
}
