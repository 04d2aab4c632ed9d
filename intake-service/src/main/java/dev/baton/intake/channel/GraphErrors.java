package dev.baton.intake.channel;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.intake.delivery.OutboundChannel.DeliveryException;
import dev.baton.schemas.serde.Json;
import java.io.IOException;
import java.util.Optional;
import java.util.Set;

/**
 * What a failed Graph API send means for Baton: retry later, or dead-letter now. Meta asks apps to
 * decide on the error's {@code code} rather than on the HTTP status (several permanent errors come
 * as HTTP 500, some throttling as HTTP 400), so a known code decides; the HTTP status decides only
 * when the code is unknown or the body is not a Graph error (a proxy's 502 page).
 *
 * <p>Source: Meta's "WhatsApp error codes" page (Cloud API), and Graph API error handling.
 */
public final class GraphErrors {
  /**
   * Throttling and temporary trouble on Meta's side: 1 API unknown (possible server error), 2 API
   * service (downtime, overload), 4 app call rate, 80007 account rate, 130429 throughput, 131000
   * something went wrong, 131016 service unavailable, 131048 spam rate limit, 131056 pair rate
   * limit, 133004 server temporarily unavailable.
   */
  static final Set<Integer> RETRYABLE = Set.of(1, 2, 4, 80007, 130429, 131000, 131016, 131048, 131056, 133004);

  /**
   * Errors a retry cannot fix: 0 auth, 3 capability, 10 permission denied, 33 number deleted, 100
   * invalid parameter, 190 token expired, 368 policy block, 130472 experiment, 131005 access
   * denied, 131008 missing parameter, 131009 invalid parameter value, 131021 recipient is the
   * sender, 131026 undeliverable, 131031 account locked, 131042 payment, 131045 registration,
   * 131047 re-engagement (24-hour window closed), 131049 not delivered to keep engagement healthy,
   * 131051 unsupported type, 131052/131053 media, 133010 number not registered, 135000 generic
   * user error; and 200-299 (API permission) and 132000-132016 (template errors) as ranges.
   */
  static final Set<Integer> PERMANENT = Set.of(0, 3, 10, 33, 100, 190, 368, 130472, 131005, 131008, 131009,
      131021, 131026, 131031, 131042, 131045, 131047, 131049, 131051, 131052, 131053, 133010, 135000);

  private static final int MAX_MESSAGE = 200;

  /** A Graph API error body: {@code {"error":{"message","type","code","error_subcode","fbtrace_id"}}}. */
  public record GraphError(int code, Integer subcode, String type, String message, String fbtraceId) {}

  private GraphErrors() {}

  /** The error in a Graph API answer, if the body is one. */
  public static Optional<GraphError> parse(String body) {
    if (body == null || body.isBlank()) {
      return Optional.empty();
    }
    JsonNode error;
    try {
      error = Json.MAPPER.readTree(body).path("error");
    } catch (IOException e) {
      return Optional.empty();
    }
    if (!error.isObject() || !error.path("code").canConvertToInt()) {
      return Optional.empty();
    }
    JsonNode subcode = error.path("error_subcode");
    return Optional.of(new GraphError(error.path("code").asInt(),
        subcode.canConvertToInt() ? subcode.asInt() : null,
        error.path("type").asText(null), error.path("message").asText(null), error.path("fbtrace_id").asText(null)));
  }

  /** True when a retry may succeed: by the code when Baton knows it, else by the HTTP status. */
  public static boolean retryable(int httpStatus, Integer code) {
    if (code != null) {
      if (RETRYABLE.contains(code)) {
        return true;
      }
      if (PERMANENT.contains(code) || (code >= 200 && code <= 299) || (code >= 132000 && code <= 132016)) {
        return false;
      }
    }
    return httpStatus == 408 || httpStatus == 429 || httpStatus >= 500;
  }

  /**
   * The failure of an answer that was not 2xx, e.g. {@code whatsapp error 131026: Message
   * Undeliverable. (HTTP 400, fbtrace_id Abc)}. The provider's message is kept short and stripped
   * of its {@code (#code)} prefix; the error's details are left out (they may quote parameters).
   */
  public static DeliveryException failure(int httpStatus, String body) {
    Optional<GraphError> error = parse(body);
    if (error.isEmpty()) {
      return new DeliveryException("whatsapp answered HTTP " + httpStatus, retryable(httpStatus, null), null);
    }
    GraphError e = error.get();
    StringBuilder reason = new StringBuilder("whatsapp error ").append(e.code());
    String message = message(e);
    if (message != null) {
      reason.append(": ").append(message);
    }
    reason.append(" (HTTP ").append(httpStatus);
    if (e.subcode() != null) {
      reason.append(", subcode ").append(e.subcode());
    }
    if (e.fbtraceId() != null) {
      reason.append(", fbtrace_id ").append(e.fbtraceId());
    }
    reason.append(')');
    return new DeliveryException(reason.toString(), retryable(httpStatus, e.code()), null);
  }

  private static String message(GraphError e) {
    String m = e.message();
    if (m == null || m.isBlank()) {
      return null;
    }
    String prefix = "(#" + e.code() + ")";
    if (m.startsWith(prefix)) {
      m = m.substring(prefix.length());
    }
    m = m.strip();
    return m.length() > MAX_MESSAGE ? m.substring(0, MAX_MESSAGE) + "…" : m;
  }
}
