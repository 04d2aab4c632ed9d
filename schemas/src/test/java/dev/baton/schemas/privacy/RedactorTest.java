package dev.baton.schemas.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RedactorTest {
  private static final PrivacyPolicy CARDS_ONLY = PrivacyPolicy.DEFAULTS;
  private static final PrivacyPolicy ALL = PrivacyPolicy.STRICT;

  @Test
  void luhnAcceptsTheTestCardNumbersAndRejectsOneDigitOff() {
    assertTrue(Redactor.luhnValid("4242424242424242"));
    assertTrue(Redactor.luhnValid("5555-5555-5555-4444"));
    assertTrue(Redactor.luhnValid("378282246310005"));
    assertTrue(Redactor.luhnValid("6011111111111117"));
    assertFalse(Redactor.luhnValid("4242424242424241"));
    assertFalse(Redactor.luhnValid("378282246310006"));
    assertFalse(Redactor.luhnValid(""));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "4242 4242 4242 4242", "4242424242424242", "4242-4242-4242-4242", "5555-5555-5555-4444",
      "378282246310005", "3782 822463 10005", "6011 1111 1111 1117", "4242\u00A04242\u00A04242\u00A04242",
      "4000056655665556", "4222222222222"})
  void cardNumbersAreAlwaysMaskedWhateverThePolicy(String pan) {
    String last4 = pan.replaceAll("\\D", "").substring(pan.replaceAll("\\D", "").length() - 4);
    String text = "my card is " + pan + ", please charge it";

    for (PrivacyPolicy policy : List.of(CARDS_ONLY, ALL)) {
      String masked = Redactor.redact(text, policy);
      assertEquals("my card is [card ending " + last4 + "], please charge it", masked);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "4242 4242 4242 4241",     // Luhn fails
      "1234567812345670",        // Luhn passes but no card starts with 1
      "8888888888888888888888",  // 22 digits: too long
      "424242424242",            // 12 digits: too short
      "ORD-4242424242424242",    // part of a code
      "INV4242424242424242",     // glued to letters
      "4242424242424242X",
      "+4242424242424242",       // written as a phone number
      "3.4242424242424242"})     // a decimal
  void otherNumbersAreNotCards(String number) {
    String text = "ref " + number + " thanks";
    assertEquals(text, Redactor.redact(text, CARDS_ONLY));
  }

  @Test
  void cardsAtTheEdgesOfTheTextAndInPunctuation() {
    assertEquals("[card ending 4242]", Redactor.maskCardNumbers("4242424242424242"));
    assertEquals("([card ending 4444]).", Redactor.maskCardNumbers("(5555-5555-5555-4444)."));
    assertEquals("card:[card ending 0005]!", Redactor.maskCardNumbers("card:378282246310005!"));
    assertEquals("no.[card ending 4242]", Redactor.maskCardNumbers("no.4242424242424242"));
    assertEquals("[card ending 4242]\n[card ending 4444]",
        Redactor.maskCardNumbers("4242 4242 4242 4242\n5555 5555 5555 4444"));
  }

  @Test
  void aCardWrittenRightAfterAnotherNumberIsStillFound() {
    // One run of groups: a phone number, then the card, then a 3-digit code.
    assertEquals("07700 900123 [card ending 4242] 123",
        Redactor.maskCardNumbers("07700 900123 4242 4242 4242 4242 123"));
  }

  @Test
  void orderNumbersTrackingCodesAndDatesAreKept() {
    String text = "Order ORD-123456 and 88812345, tracking JD0146000038, on 2025-03-14 at 14:30, "
        + "invoice 1234567812345670, account 12345678";
    assertSame(text, Redactor.redact(text, CARDS_ONLY));
    assertEquals(text, Redactor.redact(text, ALL));
  }

  @Test
  void emailsAreMaskedOnlyWhenThePolicySaysSo() {
    String text = "write to ana.lima+orders@example.co.uk or bob@shop.com.";
    assertSame(text, Redactor.redact(text, CARDS_ONLY));
    assertEquals("write to [email] or [email].", Redactor.redact(text, new PrivacyPolicy(true, false)));
    assertEquals("not@anemail here", Redactor.maskEmails("not@anemail here"));
    assertEquals("user@host.123", Redactor.maskEmails("user@host.123"));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "+447700900123", "+44 7700 900123", "+44 (0) 7700 900123", "07700 900123", "020 7946 0958",
      "(415) 555-2671", "415-555-2671", "415.555.2671", "+1 415 555 2671", "06 12 34 56 78",
      "+49 30 1234567", "0612345678"})
  void phoneNumbersAreMaskedOnlyWhenThePolicySaysSo(String phone) {
    String text = "call me on " + phone + " after 5";
    assertEquals(text, Redactor.redact(text, CARDS_ONLY));
    assertEquals("call me on [phone] after 5", Redactor.redact(text, new PrivacyPolicy(false, true)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"88812345", "2025-03-14", "14:30", "123456789", "5552671", "12/03/2025"})
  void shortNumbersDatesAndBareDigitRunsAreNotPhones(String number) {
    String text = "it is " + number + " ok";
    assertEquals(text, Redactor.redact(text, ALL));
  }

  @Test
  void maskingIsIdempotent() {
    String text = "card 4242 4242 4242 4242, mail ana@example.com, phone +44 7700 900123, "
        + "amex 378282246310005";
    String once = Redactor.redact(text, ALL);
    assertEquals("card [card ending 4242], mail [email], phone [phone], amex [card ending 0005]", once);
    assertSame(once, Redactor.redact(once, ALL));
  }

  @Test
  void textWithoutPersonalDataIsReturnedUnchanged() {
    for (String text : List.of("What are your opening hours?", "", "I want to speak to someone",
        "3 items for 12.50 on 12 March", "😀 ünïcödé ☎")) {
      assertSame(text, Redactor.redact(text, ALL));
    }
    assertEquals(null, Redactor.redact(null, ALL));
  }

  @Test
  void adversarialLongInputsStayLinear() {
    List<String> inputs = List.of(
        "1".repeat(4000),
        "1 ".repeat(2000),
        "1-".repeat(2000),
        "4242 ".repeat(800),
        "(1".repeat(2000),
        "+1 (".repeat(1000),
        "a".repeat(3999) + "@",
        "a@".repeat(2000),
        "a.".repeat(2000) + "@b",
        "a@b".repeat(1333),
        "x@" + "a.".repeat(1999),
        "a@b.".repeat(1000));
    assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
      for (int round = 0; round < 20; round++) {
        for (String in : inputs) {
          Redactor.redact(in, ALL);
        }
      }
    });
  }

  @Test
  void aLongMessageWithManyCardsIsFullyMasked() {
    String text = "pay with 4242 4242 4242 4242 please. ".repeat(100);
    String masked = Redactor.redact(text, CARDS_ONLY);
    assertFalse(masked.contains("4242 4242"), masked);
    assertEquals(100, masked.split("\\[card ending 4242\\]", -1).length - 1);
  }
}
