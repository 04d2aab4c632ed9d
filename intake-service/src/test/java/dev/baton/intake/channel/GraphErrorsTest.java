package dev.baton.intake.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.intake.channel.GraphErrors.GraphError;
import dev.baton.intake.delivery.OutboundChannel.DeliveryException;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GraphErrorsTest {

  private static String body(int code, String message) {
    return """
        {"error":{"message":"%s","type":"OAuthException","code":%d,"error_data":{"messaging_product":"whatsapp",\
        "details":"Message failed to send because the user +16505551234 is not on WhatsApp"},\
        "error_subcode":2494010,"fbtrace_id":"AbCdEf123"}}""".formatted(message, code);
  }

  @ParameterizedTest(name = "code {0} with HTTP {1} -> retryable {2}")
  @CsvSource({
      // Throttling and temporary trouble, whatever the status Meta sends them with.
      "1, 500, true", "2, 503, true", "4, 400, true", "80007, 400, true", "130429, 400, true",
      "131000, 500, true", "131016, 503, true", "131048, 400, true", "131056, 400, true", "133004, 503, true",
      // Permanent: the recipient, the window, templates, the token, permissions, policy, the type.
      "131026, 400, false", "100, 400, false", "131009, 400, false", "131047, 400, false",
      "132000, 400, false", "132001, 404, false", "132012, 400, false", "132016, 400, false",
      "190, 401, false", "10, 403, false", "200, 403, false", "299, 403, false", "368, 403, false",
      "131051, 400, false", "0, 401, false",
      // A permanent code wins over a 5xx status (Meta sends code 3 with HTTP 500).
      "3, 500, false",
      // Unknown codes fall back to the status.
      "999999, 400, false", "999999, 500, true", "999999, 429, true", "132017, 400, false"})
  void theCodeDecidesWhenBatonKnowsIt(int code, int status, boolean retryable) {
    DeliveryException e = GraphErrors.failure(status, body(code, "(#" + code + ") Some title"));
    assertEquals(retryable, e.retryable(), e.getMessage());
    assertTrue(e.getMessage().startsWith("whatsapp error " + code + ": Some title (HTTP " + status), e.getMessage());
  }

  @ParameterizedTest(name = "HTTP {0} without a Graph body -> retryable {1}")
  @CsvSource({"500, true", "502, true", "503, true", "429, true", "408, true", "400, false", "401, false",
      "403, false", "404, false"})
  void withoutAGraphBodyTheStatusDecides(int status, boolean retryable) {
    for (String body : new String[] {"", "<html>Bad Gateway</html>", "{\"error\":\"nope\"}", "{}", "[1]"}) {
      DeliveryException e = GraphErrors.failure(status, body);
      assertEquals(retryable, e.retryable(), body);
      assertEquals("whatsapp answered HTTP " + status, e.getMessage());
    }
  }

  @Test
  void theReasonNamesCodeMessageSubcodeAndTraceButNotTheDetails() {
    DeliveryException e = GraphErrors.failure(400, body(131026, "(#131026) Message Undeliverable."));

    assertFalse(e.retryable());
    assertEquals("whatsapp error 131026: Message Undeliverable. (HTTP 400, subcode 2494010, fbtrace_id AbCdEf123)",
        e.getMessage());
    assertFalse(e.getMessage().contains("16505551234"), "the details may quote personal data");
  }

  @Test
  void aLongProviderMessageIsCut() {
    DeliveryException e = GraphErrors.failure(400, body(100, "x".repeat(5000)));

    assertTrue(e.getMessage().length() < 300, e.getMessage());
  }

  @Test
  void parseReadsTheErrorObject() {
    Optional<GraphError> error = GraphErrors.parse(body(131047, "Re-engagement message"));

    assertEquals(Optional.of(new GraphError(131047, 2494010, "OAuthException", "Re-engagement message", "AbCdEf123")),
        error);
    assertEquals(Optional.empty(), GraphErrors.parse("{\"error\":{\"message\":\"no code\"}}"));
    assertEquals(Optional.empty(), GraphErrors.parse("not json"));
    assertEquals(Optional.empty(), GraphErrors.parse(null));
  }
}
