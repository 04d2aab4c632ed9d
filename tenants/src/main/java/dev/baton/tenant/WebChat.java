package dev.baton.tenant;

import java.time.Duration;
import java.util.List;

/**
 * A tenant's web chat widget, from {@code channels.webchat} of the tenants file: the one {@code
 * <script>} tag on the tenant's site talks to the intake service from these origins only.
 *
 * @param sessionSecret signs the customers' session tokens (HS256, at least {@value
 *     #MIN_SECRET_LENGTH} characters), read from the variable {@code sessionSecretEnv} names; null
 *     when unset or too short (listed in the warnings): sessions are then refused
 * @param allowedOrigins the tenant's sites ({@code https://www.example.com}, scheme, host and port
 *     only), the only pages that may open a session and talk to it (CORS and the {@code Origin} check)
 * @param title the widget's header; null for the tenant's name
 * @param greeting the first line the widget shows a new visitor, before anyone has written
 * @param disclosure that answers come from an automated assistant, always shown in the widget's header
 * @param sessionTtl how long a visitor's session (and so their conversation) lasts after it was opened
 */
public record WebChat(
    String sessionSecret,
    List<String> allowedOrigins,
    String title,
    String greeting,
    String disclosure,
    Duration sessionTtl) {
  /** The widget's conversations are named {@code webchat:<random>} by Baton. */
  public static final String CONVERSATION_PREFIX = "webchat:";
  public static final int MIN_SECRET_LENGTH = 32;
  public static final Duration DEFAULT_SESSION_TTL = Duration.ofDays(1);
  public static final String DEFAULT_GREETING = "Hi! How can we help you today?";
  public static final String DEFAULT_DISCLOSURE =
      "You are chatting with an automated assistant. You can ask for a person at any time.";

  public WebChat {
    allowedOrigins = allowedOrigins == null ? List.of() : List.copyOf(allowedOrigins);
  }

  public static boolean isWidgetConversation(String conversationId) {
    return conversationId != null && conversationId.startsWith(CONVERSATION_PREFIX);
  }

  /** True when a page of {@code origin} (the browser's {@code Origin} header) may use the widget. */
  public boolean allows(String origin) {
    return origin != null && allowedOrigins.contains(origin);
  }

  @Override
  public String toString() {
    // The secret must never reach a log line.
    return "WebChat[allowedOrigins=" + allowedOrigins + ", sessionTtl=" + sessionTtl + "]";
  }
}
