package dev.baton.nlp;

import dev.baton.schemas.DetectedLanguage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import opennlp.tools.langdetect.Language;
import opennlp.tools.langdetect.LanguageDetectorME;
import opennlp.tools.langdetect.LanguageDetectorModel;

/**
 * Tells which language a customer message is written in, as an ISO 639-1 code, or {@link
 * DetectedLanguage#UNKNOWN} when the message is too short or too ambiguous to tell: "ok", "yes",
 * "merci", "order 4471902" must not switch a conversation's language.
 *
 * <p>The model is OpenNLP's pre-trained language detector (langdetect-183.bin, 103 languages,
 * character n-grams, from the Maven Central artifact {@code org.apache.opennlp:opennlp-models-langdetect}),
 * loaded once and shared: {@link #shared()} is thread-safe, each thread gets its own light
 * {@code LanguageDetectorME} over the one model.
 *
 * <p>Only the languages in {@link #CANDIDATES} are answered: Europe's national languages and the
 * world's most spoken ones. Regional languages next to a big one (Galician, Afrikaans, Asturian,
 * Occitan, Frisian, Limburgish, Low German, ...) are left out: on a customer's one-line message the
 * model often gives them the bigger neighbour's text ("O vaso chegou completamente partido" scores
 * Galician a hair above Portuguese). A language is named when its probability is at least {@link
 * #MIN_CONFIDENCE} and {@link #MIN_MARGIN} times the next candidate's, and the text has {@link
 * #MIN_LETTERS} letters; thresholds chosen on a tuning set of greetings and short phrases written
 * for Baton (see nlp/README.md), measured on a held-out set.
 */
public final class LanguageDetector {
  public static final String MODEL = "opennlp-langdetect-1.8.3";
  static final String RESOURCE = "/langdetect-183.bin";
  /** Shorter text is never named: the model's guesses on a word or two are noise. */
  static final int MIN_LETTERS = 10;
  /** The model's probability over its 103 languages; a clear sentence scores 0.02–0.1, noise ~0.01. */
  static final double MIN_CONFIDENCE = 0.018;
  /** How far ahead of the next candidate language the best must be. */
  static final double MIN_MARGIN = 1.08;

  /** ISO 639-3 codes as the model names them. */
  static final Set<String> CANDIDATES = Set.of(
      "eng", "deu", "fra", "spa", "ita", "nld", "por", "pol", "swe", "dan", "nob", "nno", "fin", "isl",
      "ces", "slk", "hun", "ron", "bul", "ell", "hrv", "slv", "srp", "bos", "mkd", "sqi", "lit", "lvs",
      "ekk", "gle", "cym", "mlt", "cat", "eus", "tur", "rus", "ukr", "bel", "ara", "heb", "pes", "hin",
      "urd", "ben", "cmn", "jpn", "kor", "vie", "tha", "ind", "tgl");
  /** Codes of the model that {@link Locale} does not map back to a two-letter code. */
  private static final Map<String, String> MACRO = Map.of("lvs", "lv", "ekk", "et", "pes", "fa", "cmn", "zh");
  private static final Map<String, String> ISO1 = iso1Codes();

  private static volatile LanguageDetector shared;

  private final LanguageDetectorModel model;
  private final ThreadLocal<LanguageDetectorME> detectors;

  LanguageDetector(LanguageDetectorModel model) {
    this.model = model;
    this.detectors = ThreadLocal.withInitial(() -> new LanguageDetectorME(this.model));
  }

  /** The detector with the shipped model, loaded on first use (~1 s, 10 MB). */
  public static LanguageDetector shared() {
    LanguageDetector d = shared;
    if (d == null) {
      synchronized (LanguageDetector.class) {
        d = shared;
        if (d == null) {
          shared = d = new LanguageDetector(load());
        }
      }
    }
    return d;
  }

  private static LanguageDetectorModel load() {
    try (InputStream in = LanguageDetector.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is not on the classpath (opennlp-models-langdetect)");
      }
      return new LanguageDetectorModel(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load the language model " + RESOURCE, e);
    }
  }

  /** The language of {@code text}; {@code unknown} for null, short or ambiguous text. */
  public DetectedLanguage detect(String text) {
    if (text == null || letters(text) < MIN_LETTERS) {
      return new DetectedLanguage(DetectedLanguage.UNKNOWN, 0, MODEL);
    }
    Language best = null;
    Language next = null;
    for (Language l : detectors.get().predictLanguages(text)) {
      if (CANDIDATES.contains(l.getLang())) {
        if (best == null) {
          best = l;
        } else {
          next = l;
          break;
        }
      }
    }
    if (best == null) {
      return new DetectedLanguage(DetectedLanguage.UNKNOWN, 0, MODEL);
    }
    double confidence = Math.round(best.getConfidence() * 10_000) / 10_000.0;
    boolean clear = best.getConfidence() >= MIN_CONFIDENCE
        && (next == null || best.getConfidence() >= MIN_MARGIN * next.getConfidence());
    return new DetectedLanguage(clear ? iso1(best.getLang()) : DetectedLanguage.UNKNOWN, confidence, MODEL);
  }

  /** The two-letter code of a model language, or the model's own code where there is none. */
  static String iso1(String iso3) {
    return ISO1.getOrDefault(iso3, iso3);
  }

  private static int letters(String text) {
    int n = 0;
    for (int i = 0; i < text.length(); i++) {
      if (Character.isLetter(text.charAt(i))) {
        n++;
      }
    }
    return n;
  }

  private static Map<String, String> iso1Codes() {
    Map<String, String> codes = new HashMap<>(MACRO);
    for (String two : Locale.getISOLanguages()) {
      try {
        codes.putIfAbsent(new Locale(two).getISO3Language(), two);
      } catch (java.util.MissingResourceException e) {
        // A two-letter code without a three-letter one cannot come out of the model.
      }
    }
    return Map.copyOf(codes);
  }
}
