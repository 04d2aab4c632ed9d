package dev.baton.intake.channel;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Twilio's webhook signature: {@code X-Twilio-Signature}, base64 of HMAC-SHA1 with the account's
 * auth token over the full URL Twilio requested, followed by each form parameter's name and value:
 * names sorted, each name's values sorted with duplicates removed. The URL must be the public one
 * Twilio called (configured per deployment: a proxy forwards another), and a URL with or without
 * the scheme's default port is accepted either way, as Twilio's own validators do. A JSON-bodied
 * webhook carries {@code bodySHA256=<hex>} in its query instead of parameters: the URL is signed
 * alone and the body's hash checked.
 */
public final class TwilioSignature {
  public static final String HEADER = "X-Twilio-Signature";

  private TwilioSignature() {}

  /** The signature Twilio sends for a form-encoded request to {@code url} with {@code params}. */
  public static String sign(String authToken, String url, Map<String, List<String>> params) {
    StringBuilder data = new StringBuilder(url);
    Map<String, TreeSet<String>> sorted = new TreeMap<>();
    params.forEach((k, v) -> sorted.computeIfAbsent(k, x -> new TreeSet<>()).addAll(v));
    sorted.forEach((k, values) -> values.forEach(v -> data.append(k).append(v)));
    return Base64.getEncoder().encodeToString(hmacSha1(authToken, data.toString()));
  }

  /** Whether {@code signature} signs a form-encoded request to {@code url} with {@code params}. */
  public static boolean valid(String authToken, String url, Map<String, List<String>> params, String signature) {
    if (authToken == null || authToken.isEmpty() || signature == null || url == null) {
      return false;
    }
    for (String candidate : withAndWithoutPort(url)) {
      if (equal(sign(authToken, candidate, params), signature)) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code signature} signs a JSON-bodied request to {@code url} (with {@code bodySHA256}) and the body matches. */
  public static boolean validJson(String authToken, String url, byte[] body, String signature) {
    String hash = queryParameter(url, "bodySHA256");
    if (hash == null || !equal(HexFormat.of().formatHex(sha256(body)), hash.toLowerCase(java.util.Locale.ROOT))) {
      return false;
    }
    return valid(authToken, url, Map.of(), signature);
  }

  /** The SHA-256 hex of a JSON body, as Twilio puts it in {@code bodySHA256}. */
  public static String bodyHash(byte[] body) {
    return HexFormat.of().formatHex(sha256(body));
  }

  private static List<String> withAndWithoutPort(String url) {
    try {
      URI u = new URI(url);
      int defaultPort = "https".equalsIgnoreCase(u.getScheme()) ? 443 : "http".equalsIgnoreCase(u.getScheme()) ? 80 : -1;
      String withoutPort = new URI(u.getScheme(), u.getRawUserInfo(), u.getHost(), -1, u.getRawPath(), null, null).toString()
          + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
      int port = u.getPort() > 0 ? u.getPort() : defaultPort;
      String withPort = new URI(u.getScheme(), u.getRawUserInfo(), u.getHost(), port, u.getRawPath(), null, null).toString()
          + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
      // A non-default port is part of the URL Twilio signed: only the URL as given.
      return u.getPort() > 0 && u.getPort() != defaultPort ? List.of(url) : List.of(url, withoutPort, withPort);
    } catch (URISyntaxException e) {
      return List.of(url);
    }
  }

  private static String queryParameter(String url, String name) {
    int q = url.indexOf('?');
    if (q < 0) {
      return null;
    }
    for (String pair : url.substring(q + 1).split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).equals(name)) {
        return pair.substring(eq + 1);
      }
    }
    return null;
  }

  private static boolean equal(String a, String b) {
    return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] hmacSha1(String key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA1 unavailable", e);
    }
  }

  private static byte[] sha256(byte[] body) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(body);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }
}
