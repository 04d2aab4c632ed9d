package dev.baton.schemas;

import dev.baton.schemas.privacy.Redactor;
import dev.baton.schemas.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Builds the dead letter for a record a service gave up on. A dead letter always fits the topics'
 * record limit: a dead letter refused for its size would leave the record with nowhere to go.
 */
public final class DeadLetters {
  private DeadLetters() {}

  static final int MAX_REASON = 1000;
  static final int MAX_KEY = 1000;

  /**
   * The most a dead letter's JSON takes: the topics' record limit less room for the record's key
   * (at most {@value #MAX_KEY} characters), headers and batch framing.
   */
  public static final int MAX_BYTES = Topics.MAX_MESSAGE_BYTES - 16 * 1024;

  /** The reason, key, topic and other fields together take at most this much once escaped. */
  private static final int FIELDS_BYTES = 6 * (MAX_REASON + 3 + MAX_KEY + 3) + 2048;

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

  /**
   * The dead letter of {@code value} (the record's raw bytes, kept as UTF-8 text). Its key is cut
   * to {@value #MAX_KEY} characters and its payload to what keeps the letter within
   * {@link #MAX_BYTES}; a cut payload is said so in the reason, with where the whole record still is.
   */
  public static DeadLetter of(
      String topic, int partition, long offset, String key, byte[] value, String reason,
      String service) {
    String payload = value == null ? null : new String(value, StandardCharsets.UTF_8);
    String why = bounded(reason);
    if (payload != null) {
      int keep = prefixWithin(payload, MAX_BYTES - FIELDS_BYTES - (topic == null ? 0 : 6 * topic.length())
          - (service == null ? 0 : 6 * service.length()));
      if (keep < payload.length()) {
        why = why + " [payload cut to its first " + keep + " of " + payload.length() + " characters; the whole record is "
            + (offset >= 0 ? "at " + topic + "-" + partition + "@" + offset : "not kept elsewhere") + "]";
        payload = payload.substring(0, keep);
      }
    }
    String boundedKey = key == null || key.length() <= MAX_KEY ? key : key.substring(0, MAX_KEY) + "...";
    return new DeadLetter(
        SchemaVersions.CURRENT, topic, partition, offset, boundedKey, payload, why, service, Instant.now());
  }

  /**
   * How many of {@code text}'s first characters fit in {@code budget} bytes of JSON string, counting
   * each character as the most it can take there: 6 bytes for a control or lone surrogate
   * character ({@code \u0001}), 2 for a quote or backslash, and its UTF-8 length otherwise. Never
   * splits a surrogate pair.
   */
  static int prefixWithin(String text, long budget) {
    long used = 0;
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      int width = 1;
      long bytes;
      if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        width = 2;
        bytes = 4;
      } else if (c < 0x20 || Character.isSurrogate(c)) {
        bytes = 6;
      } else if (c == '"' || c == '\\') {
        bytes = 2;
      } else if (c < 0x80) {
        bytes = 1;
      } else if (c < 0x800) {
        bytes = 2;
      } else {
        bytes = 3;
      }
      if (used + bytes > budget) {
        break;
      }
      used += bytes;
      i += width;
    }
    return i;
  }
}
