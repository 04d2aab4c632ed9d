package dev.baton.intake.channel;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Meta's webhook signature (WhatsApp Cloud API): {@code X-Hub-Signature-256: sha256=<hex>}, the
 * HMAC-SHA256 of the app secret over the <strong>raw request bytes</strong>. Meta escapes
 * non-ASCII as lower-case {@code \\uXXXX}; JSON re-serialised by us would not match, so the
 * bytes are checked as they arrived, before anything parses them.
 */
public final class MetaSignature {
  public static final String HEADER = "X-Hub-Signature-256";
  private static final String PREFIX = "sha256=";

  private MetaSignature() {}

  /** The header value Meta sends for {@code body} signed with {@code appSecret}. */
  public static String sign(String appSecret, byte[] body) {
    return PREFIX + HexFormat.of().formatHex(hmac(appSecret, body));
  }

  /**
   * Whether {@code header} is the signature of {@code body} with {@code appSecret}; compared in
   * constant time. A missing, malformed or mis-cased prefix is simply not valid.
   */
  public static boolean valid(String appSecret, byte[] body, String header) {
    if (appSecret == null || appSecret.isEmpty() || header == null || !header.startsWith(PREFIX)) {
      return false;
    }
    byte[] given;
    try {
      given = HexFormat.of().parseHex(header.substring(PREFIX.length()).toLowerCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return false;
    }
    return MessageDigest.isEqual(hmac(appSecret, body), given);
  }

  private static byte[] hmac(String secret, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return mac.doFinal(body);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
