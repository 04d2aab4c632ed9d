package dev.baton.tenant;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs and verifies Baton webhooks, both ways: a tenant's channel signing events it sends to the
 * intake, and Baton signing the outbound messages it POSTs to the tenant's callback.
 *
 * <p>Header {@code X-Baton-Timestamp} carries unix seconds, digits only with no sign, no leading
 * zero and no spaces; it is signed exactly as sent. {@code X-Baton-Signature} carries {@code
 * v1=<hex HMAC-SHA256(secret, timestamp + "." + body)>}; while a tenant rotates its secret it may
 * carry up to {@value #MAX_SIGNATURES} values separated by commas or spaces ({@code v1=abc,v1=def}),
 * and one valid value for any of the tenant's current secrets is enough. Entries of other schemes
 * are ignored. Signing the timestamp with the body stops a captured request from being replayed
 * after the tolerance.
 *
 * <p>Verification costs the same whatever is wrong: it always computes {@value #SECRET_SLOTS} HMACs
 * (a dummy secret stands in for an unknown tenant or an absent previous secret) and compares every
 * signature value with each, so the time taken does not tell which tenant ids exist.
 */
public final class WebhookSignature {
  public static final String TIMESTAMP_HEADER = "X-Baton-Timestamp";
  public static final String SIGNATURE_HEADER = "X-Baton-Signature";
  /** Most signature values looked at in one header; more is refused as malformed. */
  public static final int MAX_SIGNATURES = 4;
  /** Secrets a tenant may have at once (current and previous, while rotating). */
  public static final int SECRET_SLOTS = 2;

  private static final String SCHEME = "v1=";
  /** Unix seconds: 1 to 12 digits without a leading zero (12 digits reach the year 33658). */
  private static final Pattern TIMESTAMP = Pattern.compile("[1-9][0-9]{0,11}");
  private static final Pattern SEPARATORS = Pattern.compile("[,\\s]+");
  private static final int HEX_LENGTH = 64;
  private static final String DUMMY_SECRET = "baton-dummy-secret-for-unknown-tenants";

  private WebhookSignature() {}

  public static String sign(String secret, long timestampSeconds, byte[] body) {
    return sign(secret, Long.toString(timestampSeconds), body);
  }

  /** The signature of {@code body} with the timestamp text exactly as it is sent. */
  public static String sign(String secret, String timestamp, byte[] body) {
    return SCHEME + HexFormat.of().formatHex(hmac(secret, timestamp, body));
  }

  private static byte[] hmac(String secret, String timestamp, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
      return mac.doFinal(body);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  /**
   * Why a signature was refused, or {@link Verdict#VALID}. For tests and metrics only: callers must
   * give every refusal the same answer.
   */
  public enum Verdict {
    VALID,
    MISSING,
    UNKNOWN_TENANT,
    MALFORMED_TIMESTAMP,
    MALFORMED_SIGNATURE,
    STALE_TIMESTAMP,
    MISMATCH
  }

  /** One secret; see {@link #verify(List, String, String, byte[], Instant, Duration)}. */
  public static Verdict verify(
      String secret, String timestamp, String signature, byte[] body, Instant now, Duration tolerance) {
    return verify(secret == null ? List.of() : List.of(secret), timestamp, signature, body, now, tolerance);
  }

  /**
   * Verifies a request against the tenant's accepted secrets (empty for an unknown tenant; at most
   * {@value #SECRET_SLOTS} are used).
   */
  public static Verdict verify(
      List<String> secrets, String timestamp, String signature, byte[] body, Instant now,
      Duration tolerance) {
    String ts = timestamp == null ? "" : timestamp;
    List<byte[]> given = signatureValues(signature);
    // Always the same work: SECRET_SLOTS HMACs, each compared with every given value.
    boolean matched = false;
    for (int slot = 0; slot < SECRET_SLOTS; slot++) {
      boolean real = slot < secrets.size() && secrets.get(slot) != null;
      byte[] expected = hmac(real ? secrets.get(slot) : DUMMY_SECRET, ts, body);
      for (byte[] value : given) {
        // Constant-time comparison: timing must not reveal how much of a forged value matched.
        matched |= MessageDigest.isEqual(expected, value) & real;
      }
    }
    if (timestamp == null || signature == null) {
      return Verdict.MISSING;
    }
    if (secrets.stream().noneMatch(s -> s != null)) {
      return Verdict.UNKNOWN_TENANT;
    }
    if (!TIMESTAMP.matcher(timestamp).matches()) {
      return Verdict.MALFORMED_TIMESTAMP;
    }
    if (given.isEmpty()) {
      return Verdict.MALFORMED_SIGNATURE;
    }
    // At most 12 digits and a tolerance in seconds: no overflow.
    long ts12 = Long.parseLong(timestamp);
    if (Math.abs(now.getEpochSecond() - ts12) > tolerance.toSeconds()) {
      return Verdict.STALE_TIMESTAMP;
    }
    return matched ? Verdict.VALID : Verdict.MISMATCH;
  }

  /**
   * The {@code v1} values of a signature header, decoded; empty when there is none, or when the
   * header is malformed (a {@code v1} value that is not 64 hex digits, or too many entries).
   */
  static List<byte[]> signatureValues(String header) {
    List<byte[]> values = new ArrayList<>();
    if (header == null || header.length() > MAX_SIGNATURES * (SCHEME.length() + HEX_LENGTH + 2)) {
      return values;
    }
    String[] entries = SEPARATORS.split(header.strip());
    if (entries.length > MAX_SIGNATURES) {
      return values;
    }
    for (String entry : entries) {
      if (!entry.startsWith(SCHEME)) {
        continue;
      }
      String hex = entry.substring(SCHEME.length());
      if (hex.length() != HEX_LENGTH) {
        return List.of();
      }
      try {
        values.add(HexFormat.of().parseHex(hex));
      } catch (IllegalArgumentException e) {
        return List.of();
      }
    }
    return values;
  }
}
