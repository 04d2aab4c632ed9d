package dev.baton.handoff.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The speaking-time estimate: 2.5 words a second (400 ms a word), 500 ms per sentence, 250 ms per clause. */
class VoiceTimingTest {
  private final VoiceTiming timing = VoiceTiming.DEFAULTS;

  private long ms(String text) {
    return timing.speakingTime(text).toMillis();
  }

  @Test
  void nothingSaidTakesNoTime() {
    assertEquals(Duration.ZERO, timing.speakingTime(null));
    assertEquals(Duration.ZERO, timing.speakingTime("  \n "));
    assertEquals(Duration.ZERO, timing.speakingTime("😀 — *"));
  }

  @Test
  void wordsAtTheRateWithAPauseAfterEachSentenceAndHalfOneAfterEachClause() {
    assertEquals(7 * 400 + 500 + 250, ms("Hi, I'm the virtual assistant of Acme."));
    assertEquals(3 * 400 + 2 * 500, ms("Yes. Of course!"));
    assertEquals(2 * 400 + 250 + 500, ms("Well; maybe?"));
    assertEquals(3 * 400, ms("no pause here"));
  }

  @Test
  void aSentenceEndsBeforeClosingQuotesAndBrackets() {
    assertEquals(3 * 400 + 500, ms("He said \"stop.\""));
    assertEquals(2 * 400 + 500, ms("(see above.)"));
  }

  @Test
  void longWordsCountPerTenLettersAndNumbersDigitByDigit() {
    assertEquals(2 * 400, ms("appointment")); // 11 letters
    assertEquals(2 * 400, ms("Öffnungszeiten"));
    assertEquals(400, ms("assistant"));
    assertEquals(12 * 400, ms("Call 07700900123"));
    assertEquals((1 + 2) * 400, ms("10am"));
    assertEquals(6 * 400 + 250, ms("£1,250.00,"), "the comma inside the number is no pause; the last one is");
  }

  @Test
  void scriptsWrittenWithoutSpacesCountHalfAWordPerCharacter() {
    assertEquals(5 * 400 + 500, ms("营业时间是九点到五点。")); // ten characters and a full stop
  }

  @Test
  void theEstimateAddsUpOverMessagesAndScalesWithTheRate() {
    String a = "Your parcel left our depot this morning.";
    String b = "It should reach you by four, or the driver will call.";
    assertEquals(ms(a) + ms(b), ms(a + " " + b));
    VoiceTiming fast = new VoiceTiming(5.0, Duration.ZERO, Duration.ZERO);
    assertEquals(1000, fast.speakingTime("one two three four five.").toMillis());
  }

  @Test
  void roundsUpToTheMillisecond() {
    VoiceTiming three = new VoiceTiming(3.0, Duration.ZERO, Duration.ZERO);
    assertEquals(334, three.speakingTime("one").toMillis());
  }

  @Test
  void refusesSettingsThatCannotDescribeSpeech() {
    assertThrows(IllegalArgumentException.class, () -> new VoiceTiming(0, Duration.ZERO, Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> new VoiceTiming(Double.NaN, Duration.ZERO, Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> new VoiceTiming(2.5, Duration.ofMillis(-1), Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> new VoiceTiming(2.5, Duration.ZERO, Duration.ofSeconds(-1)));
  }
}
