package dev.baton.intake.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.baton.intake.delivery.OutboundChannel.DeliveryException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TwilioErrorsTest {

  /** Twilio's error body, its message quoting the request as Twilio's do. */
  private static String body(int code, int status) {
    return """
        {"code":%1$d,"message":"The 'To' number +447700900123 is not a valid phone number.",\
        "more_info":"https://www.twilio.com/docs/errors/%1$d","status":%2$d}""".formatted(code, status);
  }

  @ParameterizedTest(name = "code {0} with HTTP {1} -> retryable {2}")
  @CsvSource({
      // Throttling and Twilio's temporary trouble.
      "20429, 429, true", "20500, 500, true", "20503, 503, true", "63018, 429, true",
      // Never retried: the recipient, the sender, the window, permissions, the credentials.
      "21211, 400, false", "21610, 400, false", "21614, 400, false", "63016, 400, false", "21408, 400, false",
      "20003, 401, false", "20404, 404, false", "21212, 400, false", "21606, 400, false", "21612, 400, false",
      "21617, 400, false", "21656, 400, false", "63007, 400, false",
      // A permanent code wins over a 5xx status.
      "21211, 500, false",
      // Unknown codes fall back to the status.
      "99999, 400, false", "99999, 500, true", "99999, 429, true", "99999, 408, true"})
  void theCodeDecidesWhenBatonKnowsIt(int code, int status, boolean retryable) {
    DeliveryException e = TwilioErrors.failure(status, body(code, status));
    assertEquals(retryable, e.retryable(), e.getMessage());
  }

  @ParameterizedTest(name = "HTTP {0} without a Twilio body -> retryable {1}")
  @CsvSource({"500, true", "502, true", "503, true", "429, true", "408, true", "400, false", "401, false",
      "404, false"})
  void withoutATwilioBodyTheStatusDecides(int status, boolean retryable) {
    for (String body : new String[] {"", "<html>Bad Gateway</html>", "{\"code\":\"x\"}", "{}", "[1]"}) {
      DeliveryException e = TwilioErrors.failure(status, body);
      assertEquals(retryable, e.retryable(), body);
      assertEquals("twilio answered HTTP " + status, e.getMessage());
    }
  }

  @Test
  void theReasonNamesTheCodeBatonsTitleAndTheLinkButNeverTwiliosMessage() {
    DeliveryException e = TwilioErrors.failure(400, body(21211, 400));

    assertEquals("twilio error 21211 Invalid 'To' phone number (HTTP 400, https://www.twilio.com/docs/errors/21211)",
        e.getMessage());
    assertFalse(e.getMessage().contains("+447700900123"));
  }

  @Test
  void anUnknownCodeIsNamedAndALinkElsewhereIsDropped() {
    DeliveryException e = TwilioErrors.failure(400,
        "{\"code\":21999,\"message\":\"x\",\"more_info\":\"https://evil.example.com/?to=+447700900123\",\"status\":400}");

    assertEquals("twilio error 21999 (HTTP 400)", e.getMessage());
  }

  @Test
  void deliveryReportCodesHaveTitlesForAgents() {
    assertEquals("30003 Unreachable destination handset", TwilioErrors.describe(30003));
    assertEquals("30008 Unknown delivery error", TwilioErrors.describe(30008));
    assertEquals("12345", TwilioErrors.describe(12345));
  }
}
