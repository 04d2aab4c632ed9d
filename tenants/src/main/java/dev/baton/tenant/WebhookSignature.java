package dev.baton.tenant;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs and verifies Baton webhooks, both ways: a tenant's channel signing events it sends to the
 * intake, and Baton signing the outbound messages it POSTs to the tenant's callback.
 *
 * <p>Header {@code X-Baton-Timestamp} carries unix seconds; {@code X-Baton-Signature} carries
 * {@code v1=<hex HMAC-SHA256(secret, timestamp + "." + body)>}. Signing the timestamp with the body
 * stops a captured request from being replayed after the tolerance.
 */
public final class WebhookSignature {
  public static final String TIMESTAMP_HEADER = "X-Baton-Timestamp";
  public static final String SIGNATURE_HEADER = "X-Baton-Signature";
  private static final String SCHEME = "v1=";

  private WebhookSignature() {}

  public static String sign(String secret, long timestampSeconds, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update((timestampSeconds + ".").getBytes(StandardCharsets.UTF_8));
      return SCHEME + HexFormat.of().formatHex(mac.doFinal(body));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  /** Why a signature was refused, or {@link Verdict#VALID}. */
  public enum Verdict {
    VALID,
    MISSING,
    MALFORMED_TIMESTAMP,
    STALE_TIMESTAMP,
    MISMATCH
  }

  public static Verdict verify(
      String secret, String timestamp, String signature, byte[] body, Instant now, Duration tolerance) {
    if (secret == null || timestamp == null || signature == null) {
      return Verdict.MISSING;
    }
    long ts;
    try {
      ts = Long.parseLong(timestamp.trim());
    } catch (NumberFormatException e) {
      return Verdict.MALFORMED_TIMESTAMP;
    }
    if (Math.abs(now.getEpochSecond() - ts) > tolerance.toSeconds()) {
      return Verdict.STALE_TIMESTAMP;
    }
    byte[] expected = sign(secret, ts, body).getBytes(StandardCharsets.UTF_8);
    byte[] given = signature.trim().getBytes(StandardCharsets.UTF_8);
    // Constant-time comparison: timing must not reveal how much of a forged signature matched.
    return MessageDigest.isEqual(expected, given) ? Verdict.VALID : Verdict.MISMATCH;
  }
}
