package dev.baton.intake.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** What of a sender's input may reach a log line: printable ASCII, escaped otherwise, bounded. */
class LogSafeTest {

  @Test
  void printableAsciiIsKeptAsSent() {
    assertEquals("acme-dental_01.eu", LogSafe.bounded("acme-dental_01.eu"));
    assertEquals("(none)", LogSafe.bounded(null));
    assertEquals("", LogSafe.bounded(""));
  }

  @Test
  void controlCharactersAreEscapedSoNoLineCanBeForged() {
    String forged = "a\r\nINFO FORGED\u0000\u001b[31m\u007f";
    String logged = LogSafe.bounded(forged);

    assertEquals("a\\u000d\\u000aINFO FORGED\\u0000\\u001b[31m\\u007f", logged);
    assertTrue(logged.chars().allMatch(c -> c >= 0x20 && c < 0x7f), logged);
  }

  @Test
  void nonAsciiLineBreaksAndInvisibleCharactersAreEscapedToo() {
    assertEquals("a\\u0085b\\u2028c\\u202ed\\u200be", LogSafe.bounded("a\u0085b\u2028c\u202ed\u200be"));
    // Outside the BMP: each half of the surrogate pair.
    assertEquals("\\ud83d\\ude00", LogSafe.bounded("\uD83D\uDE00"));
  }

  @Test
  void aBackslashIsEscapedSoInputCannotPassForAnEscape() {
    assertEquals("\\u005cu000a", LogSafe.bounded("\\u000a"));
  }

  @Test
  void longInputIsCutAtTheBoundAndSaysHowLongItWas() {
    String huge = "x".repeat(60_000);
    assertEquals("x".repeat(LogSafe.MAX) + "...(60000 chars)", LogSafe.bounded(huge));
    assertEquals("y".repeat(LogSafe.MAX), LogSafe.bounded("y".repeat(LogSafe.MAX)), "exactly the bound: nothing cut");
  }

  @Test
  void escapesCountTowardsTheBound() {
    String logged = LogSafe.bounded("\n".repeat(10_000));

    // Stops once the output reaches the bound: at most one escape (6 characters) past it.
    String kept = logged.substring(0, logged.indexOf("..."));
    assertTrue(kept.length() >= LogSafe.MAX && kept.length() < LogSafe.MAX + 6, kept);
    assertEquals(0, kept.length() % 6, "escapes are never cut in half");
    assertTrue(logged.endsWith("...(10000 chars)"), logged);
    assertFalse(logged.contains("\n"));
  }
}
