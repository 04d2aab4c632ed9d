package dev.baton.handoff.engine;

import java.lang.Character.UnicodeScript;
import java.time.Duration;

/**
 * How the engine times a caller's silence from the end of the bot's speech, which it never sees:
 * it only knows when it sent the words. {@link #speakingTime} estimates how long a text-to-speech
 * voice takes to say them, on the slow side, so the estimate ends after the real speech rather
 * than before it (a late silence handoff is better than one while the bot is still talking).
 *
 * <p>The estimate, per whitespace-separated token of the text:
 *
 * <ul>
 *   <li>one word per 10 letters or part of 10 ("appointment" is two), one word per digit (numbers
 *       are read out: "2026", a phone number, "£1,250"), half a word per character of a script
 *       written without spaces (Han, kana, Thai, Lao, Khmer, Myanmar: about five a second);
 *       punctuation and symbols alone are not spoken;
 *   <li>{@code sentencePause} after a token that ends a sentence ({@code . ! ? …} and their
 *       full-width forms, before closing quotes or brackets), half of it after a clause break
 *       ({@code , ; :}).
 * </ul>
 *
 * and the words are said at {@code wordsPerSecond}. Speech synthesis voices run at 150-180 words
 * a minute (2.5-3 a second); 2.5 keeps the estimate long.
 *
 * @param wordsPerSecond how fast the provider's voice speaks
 * @param sentencePause the pause after each sentence (half of it after a clause break)
 * @param reportMargin on a call whose provider reports the caller's silence itself, how much later
 *     than the estimate Baton's own deadline fires, as a backstop for a report that never comes
 */
public record VoiceTiming(double wordsPerSecond, Duration sentencePause, Duration reportMargin) {
  public static final VoiceTiming DEFAULTS = new VoiceTiming(2.5, Duration.ofMillis(500), Duration.ofSeconds(10));

  public VoiceTiming {
    if (!(wordsPerSecond >= 0.5 && wordsPerSecond <= 10)) {
      throw new IllegalArgumentException("wordsPerSecond must be between 0.5 and 10, was " + wordsPerSecond);
    }
    if (sentencePause.isNegative() || sentencePause.compareTo(Duration.ofSeconds(5)) > 0) {
      throw new IllegalArgumentException("sentencePause must be between 0 and 5 s, was " + sentencePause);
    }
    if (reportMargin.isNegative()) {
      throw new IllegalArgumentException("reportMargin must not be negative, was " + reportMargin);
    }
  }

  /** How long a voice takes to say {@code text}, rounded up to the millisecond; zero for none. */
  public Duration speakingTime(String text) {
    if (text == null || text.isBlank()) {
      return Duration.ZERO;
    }
    double words = 0;
    int sentenceEnds = 0;
    int clauseBreaks = 0;
    for (String token : text.strip().split("\\s+")) {
      int letters = 0;
      int digits = 0;
      int unspaced = 0;
      for (int i = 0; i < token.length(); ) {
        int c = token.codePointAt(i);
        i += Character.charCount(c);
        if (Character.isDigit(c)) {
          digits++;
        } else if (Character.isLetter(c)) {
          if (writtenWithoutSpaces(c)) {
            unspaced++;
          } else {
            letters++;
          }
        }
      }
      words += Math.ceil(letters / 10.0) + digits + unspaced / 2.0;
      switch (lastMark(token)) {
        case '.', '!', '?', '…', '。', '！', '？' -> sentenceEnds++;
        case ',', ';', ':', '、', '，', '；', '：' -> clauseBreaks++;
        default -> { }
      }
    }
    double ms = words * 1000 / wordsPerSecond
        + sentenceEnds * (double) sentencePause.toMillis() + clauseBreaks * sentencePause.toMillis() / 2.0;
    return Duration.ofMillis((long) Math.ceil(ms));
  }

  /** The last character of the token that is not a closing quote or bracket; 0 for none. */
  private static char lastMark(String token) {
    for (int i = token.length() - 1; i >= 0; i--) {
      char c = token.charAt(i);
      if ("\"')]}»”’」』）".indexOf(c) < 0) {
        return c;
      }
    }
    return 0;
  }

  private static boolean writtenWithoutSpaces(int codePoint) {
    UnicodeScript script = UnicodeScript.of(codePoint);
    return script == UnicodeScript.HAN || script == UnicodeScript.HIRAGANA || script == UnicodeScript.KATAKANA
        || script == UnicodeScript.THAI || script == UnicodeScript.LAO || script == UnicodeScript.KHMER
        || script == UnicodeScript.MYANMAR;
  }
}
