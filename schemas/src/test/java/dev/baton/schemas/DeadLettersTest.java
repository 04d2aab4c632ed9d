package dev.baton.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.schemas.topic.Topics;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DeadLettersTest {

  @Test
  void aReasonQuotingACardNumberHasItMasked() {
    // A parser's message can quote the record it could not read.
    String reason = "not a valid ConversationEvent: Cannot deserialize from String \"4242 4242 4242 4242\"";
    assertEquals("not a valid ConversationEvent: Cannot deserialize from String \"[card ending 4242]\"",
        DeadLetters.bounded(reason));
  }

  @Test
  void controlCharactersAreStillEscaped() {
    assertEquals("line\\u000anext", DeadLetters.bounded("line\nnext"));
  }

  private static int jsonBytes(DeadLetter letter) {
    return Topics.deadLetterOf(Topics.CONVERSATION_EVENTS).valueSerde().serializer().serialize("t", letter).length;
  }

  @Test
  void aPayloadThatFitsIsKeptWhole() {
    DeadLetter letter = DeadLetters.of("t", 3, 7, "acme/c-1", "{\"a\":\"\u0001\"}".getBytes(StandardCharsets.UTF_8),
        "bad", "svc");
    assertEquals("{\"a\":\"\u0001\"}", letter.payload());
    assertEquals("bad", letter.reason());
  }

  @Test
  void aPayloadTooLargeForTheTopicsIsCutToFitAndTheLetterSaysWhereTheWholeRecordIs() {
    // Control characters take 6 bytes each once escaped: 2 MiB of them would be 12 MiB of JSON.
    byte[] value = new byte[2 * 1024 * 1024];
    java.util.Arrays.fill(value, (byte) 1);
    DeadLetter letter = DeadLetters.of("t", 3, 7, "k".repeat(5000), value, "too big", "svc");

    assertTrue(jsonBytes(letter) <= DeadLetters.MAX_BYTES, jsonBytes(letter) + " bytes");
    assertTrue(jsonBytes(letter) > DeadLetters.MAX_BYTES / 2, "as much as fits is kept: " + jsonBytes(letter));
    int kept = letter.payload().length();
    assertEquals("too big [payload cut to its first " + kept + " of " + value.length
        + " characters; the whole record is at t-3@7]", letter.reason());
    assertEquals("\u0001".repeat(kept), letter.payload());
    assertEquals("k".repeat(1000) + "...", letter.key(), "the key is cut too");
  }

  @Test
  void aCutNeverSplitsACharacter() {
    assertEquals(1, DeadLetters.prefixWithin("a\uD83D\uDE00", 4), "the emoji takes 4 bytes");
    assertEquals(3, DeadLetters.prefixWithin("a\uD83D\uDE00", 5));
    assertEquals(2, DeadLetters.prefixWithin("\"\"x", 4), "a quote is escaped in 2");
  }
}
