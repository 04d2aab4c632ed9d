package dev.baton.intake.channel;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.intake.delivery.OutboundChannel.DeliveryException;
import dev.baton.schemas.serde.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What a failed Mailgun or SendGrid send means for Baton: retry later, or dead-letter now. Neither
 * API has error codes of its own beyond the HTTP status (Mailgun answers {@code {"message":..}},
 * SendGrid {@code {"errors":[{"message":..,"field":..}]}}), so the status decides: throttling
 * (429), a timeout (408) and the provider's own trouble (5xx) are retried with backoff; every other
 * status (an invalid address, a wrong key, an unknown sending domain, a body too large) would fail
 * the same way again and is dead-lettered at once with it.
 *
 * <p>The providers' messages are never kept: they quote the request (the customer's address).
 * SendGrid's {@code field} paths ({@code personalizations.0.to.0.email}) are, since they say which
 * part of the request was refused without its value.
 */
public final class EmailErrors {
  private static final Pattern FIELD = Pattern.compile("[A-Za-z0-9_.\\[\\]-]{1,100}");

  private EmailErrors() {}

  public static boolean retryable(int httpStatus) {
    return httpStatus == 408 || httpStatus == 429 || httpStatus >= 500;
  }

  /** Baton's title for a status the providers document for their send APIs. */
  static String title(int httpStatus) {
    return switch (httpStatus) {
      case 400 -> "Bad request (a parameter is invalid, e.g. the address)";
      case 401 -> "Unauthorized (the API key)";
      case 402 -> "Request failed (the account's plan or payment)";
      case 403 -> "Forbidden (the key's permissions or the sender's domain)";
      case 404 -> "Not found (the sending domain)";
      case 408 -> "Request timeout";
      case 413 -> "Payload too large";
      case 429 -> "Too many requests";
      case 500, 502, 503, 504 -> "The provider's temporary trouble";
      default -> "HTTP " + httpStatus;
    };
  }

  /** SendGrid's refused fields, e.g. {@code [personalizations.0.to.0.email]}; empty for Mailgun or none. */
  static List<String> fields(String body) {
    List<String> fields = new ArrayList<>();
    if (body == null || body.isBlank()) {
      return fields;
    }
    try {
      JsonNode root = Json.MAPPER.readTree(body);
      for (JsonNode error : root == null ? Json.MAPPER.createArrayNode() : root.path("errors")) {
        String field = error.path("field").asText(null);
        if (field != null && FIELD.matcher(field).matches() && !fields.contains(field) && fields.size() < 5) {
          fields.add(field);
        }
      }
    } catch (IOException | UncheckedIOException e) {
      // not a JSON error body (a proxy's page): the status alone says it
    }
    return fields;
  }

  /**
   * The failure of an answer that was not 2xx, e.g. {@code sendgrid error HTTP 400 Bad request (a
   * parameter is invalid, e.g. the address); fields personalizations.0.to.0.email}.
   */
  public static DeliveryException failure(String provider, int httpStatus, String body) {
    StringBuilder reason = new StringBuilder(provider).append(" error HTTP ").append(httpStatus);
    String title = title(httpStatus);
    if (!title.startsWith("HTTP ")) {
      reason.append(' ').append(title);
    }
    List<String> fields = fields(body);
    if (!fields.isEmpty()) {
      reason.append("; fields ").append(String.join(", ", fields));
    }
    return new DeliveryException(reason.toString(), retryable(httpStatus), null);
  }
}
