package dev.baton.intake.channel;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.intake.delivery.OutboundChannel.DeliveryException;
import dev.baton.schemas.serde.Json;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a failed Twilio REST call means for Baton: retry later, or dead-letter now. Twilio answers
 * errors as {@code {"code":21211,"message":..,"more_info":"https://www.twilio.com/docs/errors/21211",
 * "status":400}}; a code Baton knows decides, the HTTP status only when the code is unknown or the
 * body is not a Twilio error (a proxy's 502 page).
 *
 * <p>Twilio's {@code message} is never kept: it quotes the request (the {@code To} number). A
 * failure names the code, Baton's title for it, the HTTP status and Twilio's {@code more_info}.
 *
 * <p>Source: Twilio's error and warning dictionary (twilio.com/docs/api/errors/&lt;code&gt;).
 */
public final class TwilioErrors {
  /** Throttling and Twilio's temporary trouble: a retry with backoff may succeed. */
  static final Set<Integer> RETRYABLE = Set.of(20429, 20500, 20503, 63018);

  /** Codes Baton names; every one not in {@link #RETRYABLE} is permanent. */
  static final Map<Integer, String> TITLES = Map.ofEntries(
      // The request or the account: a retry sends the same request.
      Map.entry(20003, "Authentication failed (account SID or auth token)"),
      Map.entry(20404, "Resource not found (account SID)"),
      Map.entry(20429, "Too many requests"),
      Map.entry(20500, "Twilio internal error"),
      Map.entry(20503, "Twilio service unavailable"),
      // The recipient or the sender.
      Map.entry(21211, "Invalid 'To' phone number"),
      Map.entry(21212, "Invalid 'From' phone number"),
      Map.entry(21266, "'To' and 'From' are the same number"),
      Map.entry(21408, "Sending to this region is not enabled (geo permissions)"),
      Map.entry(21602, "Message body is required"),
      Map.entry(21603, "'From' phone number is required"),
      Map.entry(21604, "'To' phone number is required"),
      Map.entry(21606, "'From' number cannot send to this destination"),
      Map.entry(21608, "'To' number is not verified for this trial account"),
      Map.entry(21610, "Recipient unsubscribed (replied STOP)"),
      Map.entry(21612, "'To' number cannot be reached on this channel"),
      Map.entry(21614, "'To' number is not a mobile number"),
      Map.entry(21617, "Message body exceeds 1600 characters"),
      Map.entry(21656, "ContentVariables is invalid for the template"),
      // WhatsApp through Twilio.
      Map.entry(63007, "No WhatsApp sender for the 'From' address"),
      Map.entry(63016, "Free-form WhatsApp message outside the 24-hour window"),
      Map.entry(63018, "Rate limit exceeded for the channel"),
      // Delivery reports (status callbacks' ErrorCode), never an API answer.
      Map.entry(30003, "Unreachable destination handset"),
      Map.entry(30004, "Message blocked"),
      Map.entry(30005, "Unknown destination handset"),
      Map.entry(30006, "Landline or unreachable carrier"),
      Map.entry(30007, "Message filtered by the carrier"),
      Map.entry(30008, "Unknown delivery error"));

  /** A Twilio REST error body. */
  public record TwilioError(int code, String moreInfo) {}

  private TwilioErrors() {}

  /** The error in a Twilio REST answer, if the body is one. */
  public static Optional<TwilioError> parse(String body) {
    if (body == null || body.isBlank()) {
      return Optional.empty();
    }
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(body);
    } catch (IOException e) {
      return Optional.empty();
    }
    if (root == null || !root.isObject() || !root.path("code").canConvertToInt()) {
      return Optional.empty();
    }
    String moreInfo = root.path("more_info").asText(null);
    // Only a link to Twilio's documentation is kept; anything else could be of the request.
    if (moreInfo != null && !moreInfo.matches("https://www\\.twilio\\.com/docs/errors/[0-9]{1,8}")) {
      moreInfo = null;
    }
    return Optional.of(new TwilioError(root.path("code").asInt(), moreInfo));
  }

  /** True when a retry may succeed: by the code when Baton knows it, else by the HTTP status. */
  public static boolean retryable(int httpStatus, Integer code) {
    if (code != null) {
      if (RETRYABLE.contains(code)) {
        return true;
      }
      if (TITLES.containsKey(code)) {
        return false;
      }
    }
    return httpStatus == 408 || httpStatus == 429 || httpStatus >= 500;
  }

  /** {@code 21211 Invalid 'To' phone number}, or the bare code when Baton has no title for it. */
  public static String describe(int code) {
    String title = TITLES.get(code);
    return title == null ? Integer.toString(code) : code + " " + title;
  }

  /**
   * The failure of an answer that was not 2xx, e.g. {@code twilio error 21211 Invalid 'To' phone
   * number (HTTP 400, https://www.twilio.com/docs/errors/21211)}.
   */
  public static DeliveryException failure(int httpStatus, String body) {
    Optional<TwilioError> error = parse(body);
    if (error.isEmpty()) {
      return new DeliveryException("twilio answered HTTP " + httpStatus, retryable(httpStatus, null), null);
    }
    TwilioError e = error.get();
    StringBuilder reason = new StringBuilder("twilio error ").append(describe(e.code()))
        .append(" (HTTP ").append(httpStatus);
    if (e.moreInfo() != null) {
      reason.append(", ").append(e.moreInfo());
    }
    reason.append(')');
    return new DeliveryException(reason.toString(), retryable(httpStatus, e.code()), null);
  }
}
