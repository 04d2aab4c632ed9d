package dev.baton.nlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.nlp.data.Csv;
import dev.baton.schemas.DetectedLanguage;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The language detector on {@code languages-heldout.csv}: customer-service messages written for
 * Baton in seven European languages (15 each: deliveries, wrong items, accounts, appointments,
 * invoices, payment, complaints, thanks) and 15 short replies that name no language ("ok thx",
 * "d'accord", "#A1234567"). The thresholds were chosen on {@code languages-tuning.csv} (other
 * messages in eight languages, greetings and short phrases), never on this set.
 */
class LanguageDetectorTest {
  private static final LanguageDetector DETECTOR = LanguageDetector.shared();

  @Test
  void namesTheLanguageOfHeldOutCustomerMessagesAndNoneForShortOnes() throws Exception {
    List<Map<String, String>> rows;
    try (InputStream in = LanguageDetectorTest.class.getResourceAsStream("/languages-heldout.csv")) {
      rows = Csv.read(in);
    }
    Map<String, int[]> byLanguage = new TreeMap<>();
    int right = 0;
    int sentences = 0;
    int shortNamed = 0;
    int wrongNamed = 0;
    for (Map<String, String> row : rows) {
      String expected = row.get("language");
      String got = DETECTOR.detect(row.get("text")).code();
      if (!expected.equals(got)) {
        System.out.println("language miss: expected " + expected + ", got " + got + ": " + row.get("text"));
      }
      int[] counts = byLanguage.computeIfAbsent(expected, k -> new int[2]);
      counts[1]++;
      if (expected.equals(got)) {
        counts[0]++;
      }
      if (expected.equals(DetectedLanguage.UNKNOWN)) {
        shortNamed += got.equals(DetectedLanguage.UNKNOWN) ? 0 : 1;
      } else {
        sentences++;
        right += expected.equals(got) ? 1 : 0;
        // Saying nothing keeps the conversation's language; naming the wrong one switches it.
        wrongNamed += !expected.equals(got) && !got.equals(DetectedLanguage.UNKNOWN) ? 1 : 0;
      }
    }
    byLanguage.forEach((lang, c) -> System.out.printf(Locale.ROOT, "language %-7s %2d/%2d%n", lang, c[0], c[1]));
    double accuracy = (double) right / sentences;
    System.out.printf(Locale.ROOT, "language accuracy %.3f (%d/%d), wrong language named %d, short messages named %d%n",
        accuracy, right, sentences, wrongNamed, shortNamed);

    assertTrue(sentences >= 7 * 15, "the set has at least 15 messages for each of 7 languages");
    assertTrue(accuracy >= 0.95, "accuracy " + accuracy);
    byLanguage.forEach((lang, c) -> assertTrue(c[0] >= 0.85 * c[1], lang + ": " + c[0] + "/" + c[1]));
    assertTrue(wrongNamed <= 1, wrongNamed + " messages named the wrong language");
    assertEquals(0, shortNamed, "a short reply must not name a language");
  }

  @Test
  void shortOrEmptyTextIsUnknown() {
    for (String text : new String[] {null, "", "ok", "yes please", "order 4471902", "Danke!", "15:30 ok?"}) {
      assertEquals(DetectedLanguage.UNKNOWN, DETECTOR.detect(text).code(), String.valueOf(text));
    }
  }

  @Test
  void aClearSentenceIsNamedWithItsTwoLetterCode() {
    DetectedLanguage german = DETECTOR.detect("Ich möchte bitte meinen Termin am Dienstag absagen.");

    assertEquals("de", german.code());
    assertTrue(german.known());
    assertTrue(german.confidence() >= LanguageDetector.MIN_CONFIDENCE, "confidence " + german.confidence());
    assertEquals(LanguageDetector.MODEL, german.model());
  }

  @Test
  void everyCandidateLanguageHasATwoLetterCode() {
    for (String iso3 : LanguageDetector.CANDIDATES) {
      assertTrue(LanguageDetector.iso1(iso3).matches("[a-z]{2}"), iso3 + " -> " + LanguageDetector.iso1(iso3));
    }
    assertEquals("nl", LanguageDetector.iso1("nld"));
    assertEquals("lv", LanguageDetector.iso1("lvs"));
  }

  @Test
  void threadsShareTheModelAndAgree() throws Exception {
    List<String> texts = List.of("Où est ma commande ? Je l'ai passée lundi dernier.",
        "Waar is mijn bestelling? Ik heb hem vorige maandag geplaatst.", "ok",
        "¿Dónde está mi pedido? Lo hice el lunes pasado.");
    List<String> expected = texts.stream().map(t -> DETECTOR.detect(t).code()).toList();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<List<String>>> runs = new java.util.ArrayList<>();
      for (int r = 0; r < 8; r++) {
        runs.add(pool.submit(() -> {
          List<String> codes = null;
          for (int i = 0; i < 50; i++) {
            codes = texts.stream().map(t -> DETECTOR.detect(t).code()).toList();
          }
          return codes;
        }));
      }
      for (Future<List<String>> run : runs) {
        assertEquals(expected, run.get());
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(List.of("fr", "nl", DetectedLanguage.UNKNOWN, "es"), expected);
  }
}
