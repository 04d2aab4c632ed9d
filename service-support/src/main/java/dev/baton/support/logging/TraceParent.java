package dev.baton.support.logging;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * W3C Trace Context's {@code traceparent} ({@code 00-<32 hex trace id>-<16 hex parent id>-<flags>}),
 * the one header that lets a conversation's event be followed across the services: the intake puts
 * one on every record it publishes (continuing the HTTP request's, if it came with one), every
 * stage copies its input's onto its outputs, and each service logs the trace id as {@code traceId}.
 * Baton records no spans itself; an OpenTelemetry agent or collector can pick the same header up.
 */
public final class TraceParent {
  public static final String HEADER = "traceparent";
  private static final int LENGTH = 55;
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private TraceParent() {}

  /** The trace id of a well-formed version-00 {@code traceparent}, else null. */
  public static String traceId(String traceparent) {
    if (traceparent == null || traceparent.length() != LENGTH || !traceparent.startsWith("00-")
        || traceparent.charAt(35) != '-' || traceparent.charAt(52) != '-') {
      return null;
    }
    for (int i = 3; i < LENGTH; i++) {
      char c = traceparent.charAt(i);
      if (i != 35 && i != 52 && !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return null;
      }
    }
    String traceId = traceparent.substring(3, 35);
    // All zeros is invalid, as is an all-zero parent id.
    return traceId.equals("00000000000000000000000000000000")
        || traceparent.startsWith("0000000000000000", 36) ? null : traceId;
  }

  /** As {@link #traceId(String)}, from a header's bytes. */
  public static String traceId(byte[] header) {
    return header == null || header.length != LENGTH ? null : traceId(new String(header, StandardCharsets.US_ASCII));
  }

  /** A fresh trace id (random, never all zeros). */
  public static String newTraceId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long high = random.nextLong();
    long low = random.nextLong();
    if (high == 0 && low == 0) {
      low = 1;
    }
    return hex(high) + hex(low);
  }

  /** A {@code traceparent} of {@code traceId} (a new one if null) with a fresh parent id, sampled. */
  public static String of(String traceId) {
    long span = ThreadLocalRandom.current().nextLong();
    return "00-" + (traceId == null ? newTraceId() : traceId) + "-" + hex(span == 0 ? 1 : span) + "-01";
  }

  private static String hex(long v) {
    char[] out = new char[16];
    for (int i = 15; i >= 0; i--) {
      out[i] = HEX[(int) (v & 0xf)];
      v >>>= 4;
    }
    return new String(out);
  }
}
