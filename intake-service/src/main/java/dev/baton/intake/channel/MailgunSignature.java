package dev.baton.intake.channel;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Mailgun's webhook signature, carried in the body, not a header: the fields {@code timestamp}
 * (Unix seconds), {@code token} (50 random characters) and {@code signature}, the hex
 * HMAC-SHA256 of the domain's HTTP webhook signing key over {@code timestamp + token}. The
 * signature alone does not stop a replay: {@link MailgunTokens} remembers the tokens and the
 * timestamp's age is bounded.
 */
public final class MailgunSignature {
  private MailgunSignature() {}

  /** The signature Mailgun sends for this timestamp and token. */
  public static String sign(String signingKey, String timestamp, String token) {
    return HexFormat.of().formatHex(hmac(signingKey, timestamp + token));
  }

  /** Whether {@code signature} is valid for the timestamp and token; compared in constant time. */
  public static boolean valid(String signingKey, String timestamp, String token, String signature) {
    if (signingKey == null || signingKey.isEmpty() || timestamp == null || token == null || signature == null) {
      return false;
    }
    byte[] given;
    try {
      given = HexFormat.of().parseHex(signature.toLowerCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return false;
    }
    return MessageDigest.isEqual(hmac(signingKey, timestamp + token), given);
  }

  private static byte[] hmac(String key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
