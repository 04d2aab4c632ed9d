package dev.baton.schemas;

import dev.baton.schemas.privacy.Redactor;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** Builds the dead letter for a record a service gave up on. */
public final class DeadLetters {
  private DeadLetters() {}

  static final int MAX_REASON = 1000;

  /**
   * A reason safe to log and to keep: control characters (line breaks included) escaped, so one
   * cannot forge a log line, card numbers masked (a parser's message may quote the record), and at
   * most {@value #MAX_REASON} characters.
   */
  public static String bounded(String reason) {
    if (reason == null) {
      return null;
    }
    reason = Redactor.maskCardNumbers(reason);
    StringBuilder out = new StringBuilder(Math.min(reason.length(), MAX_REASON) + 16);
    int i = 0;
    for (; i < reason.length() && out.length() < MAX_REASON; i++) {
      char c = reason.charAt(i);
      if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    if (i < reason.length()) {
      out.append("...");
    }
    return out.toString();
  }

  public static DeadLetter of(
      String topic, int partition, long offset, String key, byte[] value, String reason,
      String service) {
    String payload = value == null ? null : new String(value, StandardCharsets.UTF_8);
    return new DeadLetter(
        SchemaVersions.CURRENT, topic, partition, offset, key, payload, bounded(reason), service, Instant.now());
  }
}
