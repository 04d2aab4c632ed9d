package dev.baton.intake.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.intake.delivery.OutboundChannel.DeliveryException;
import java.util.List;
import org.junit.jupiter.api.Test;

class EmailErrorsTest {

  @Test
  void throttlingTimeoutsAndOutagesAreRetriedTheRestIsNot() {
    for (int status : List.of(408, 429, 500, 502, 503, 504)) {
      assertTrue(EmailErrors.retryable(status), Integer.toString(status));
    }
    for (int status : List.of(400, 401, 402, 403, 404, 413, 422)) {
      assertFalse(EmailErrors.retryable(status), Integer.toString(status));
    }
  }

  @Test
  void sendGridsRefusedFieldsAreNamedButNotItsMessages() {
    String body = """
        {"errors":[{"message":"Does not contain a valid address: alice@@example.com","field":"personalizations.0.to.0.email","help":"http://x"},
                   {"message":"x","field":null}]}""";
    DeliveryException e = EmailErrors.failure("sendgrid", 400, body);
    assertFalse(e.retryable());
    assertEquals("sendgrid error HTTP 400 Bad request (a parameter is invalid, e.g. the address);"
        + " fields personalizations.0.to.0.email", e.getMessage());
    assertFalse(e.getMessage().contains("alice"), "the address in the provider's message is not kept");
  }

  @Test
  void mailgunsMessageIsNotKeptAndAnUnknownStatusIsNamed() {
    DeliveryException e = EmailErrors.failure("mailgun", 400, "{\"message\":\"to parameter is not a valid address: bob@\"}");
    assertEquals("mailgun error HTTP 400 Bad request (a parameter is invalid, e.g. the address)", e.getMessage());
    assertEquals("mailgun error HTTP 418", EmailErrors.failure("mailgun", 418, "<html>teapot</html>").getMessage());
    assertTrue(EmailErrors.failure("mailgun", 503, null).retryable());
    assertEquals(List.of(), EmailErrors.fields("not json"));
  }
}
