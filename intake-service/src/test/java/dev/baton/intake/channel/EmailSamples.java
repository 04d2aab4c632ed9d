package dev.baton.intake.channel;

import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Email webhooks the samples do not show, built the way the providers send them: a Mailgun route's
 * form signed with a fresh timestamp and token, and SendGrid's Inbound Parse {@code
 * multipart/form-data} with each field in its own charset.
 */
public final class EmailSamples {
  public static final String BOUNDARY = "xYzZY";
  public static final String MULTIPART = "multipart/form-data; boundary=" + BOUNDARY;
  private static final SecureRandom RANDOM = new SecureRandom();

  private EmailSamples() {}

  /** A Mailgun token: 50 random hex characters. */
  public static String token() {
    byte[] b = new byte[25];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  /** {@code fields} with {@code timestamp}, {@code token} and {@code signature} added, signed now. */
  public static Map<String, String> signed(Map<String, String> fields, String signingKey) {
    return signed(fields, signingKey, Long.toString(Instant.now().getEpochSecond()), token());
  }

  public static Map<String, String> signed(Map<String, String> fields, String signingKey, String timestamp,
      String token) {
    Map<String, String> form = new LinkedHashMap<>(fields);
    form.put("timestamp", timestamp);
    form.put("token", token);
    form.put("signature", MailgunSignature.sign(signingKey, timestamp, token));
    return form;
  }

  /** {@code application/x-www-form-urlencoded}, UTF-8, in the map's order (ASCII text, as RestAssured posts a form as it is). */
  public static String urlencoded(Map<String, String> form) {
    return form.entrySet().stream()
        .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(),
            StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }

  /** A {@code multipart/form-data} body of {@link #BOUNDARY}, each field in its charset (UTF-8 by default). */
  public static byte[] multipart(Map<String, String> fields, Map<String, Charset> charsets) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    fields.forEach((k, v) -> part(out, k, v, charsets.getOrDefault(k, StandardCharsets.UTF_8)));
    out.writeBytes(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));
    return out.toByteArray();
  }

  /** One field of a multipart body (of {@link #BOUNDARY}), in its charset. */
  public static void part(ByteArrayOutputStream out, String name, String value, Charset charset) {
    out.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(value.getBytes(charset));
    out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
  }
}
