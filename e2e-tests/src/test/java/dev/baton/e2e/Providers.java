package dev.baton.e2e;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Meta, Twilio and Mailgun as they call Baton: their webhooks signed the way each documents (Meta:
 * hex HMAC-SHA256 of the app secret over the raw body; Twilio: base64 HMAC-SHA1 of the auth token
 * over the URL it called followed by every parameter, sorted by name; Mailgun: hex HMAC-SHA256 of
 * the webhook signing key over timestamp + token, carried in the form).
 */
final class Providers {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private Providers() {}

  /** A Cloud API webhook with one text message, non-ASCII escaped as Meta sends it. */
  static HttpResponse<String> whatsApp(String url, String appSecret, String phoneNumberId, String from, String wamid,
      String text) throws Exception {
    String body = "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1\",\"changes\":[{\"field\":\"messages\","
        + "\"value\":{\"messaging_product\":\"whatsapp\",\"metadata\":{\"display_phone_number\":\"15550783881\","
        + "\"phone_number_id\":\"" + phoneNumberId + "\"},\"contacts\":[{\"profile\":{\"name\":\"Jo\"},\"wa_id\":\"" + from
        + "\"}],\"messages\":[{\"from\":\"" + from + "\",\"id\":\"" + wamid + "\",\"timestamp\":\""
        + (System.currentTimeMillis() / 1000) + "\",\"type\":\"text\",\"text\":{\"body\":\"" + escaped(text) + "\"}}]}}]}]}";
    byte[] bytes = body.getBytes(StandardCharsets.US_ASCII);
    HttpRequest request = HttpRequest.newBuilder(URI.create(url))
        .header("Content-Type", "application/json")
        .header("X-Hub-Signature-256", "sha256=" + HexFormat.of().formatHex(mac("HmacSHA256", appSecret, bytes)))
        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** A Twilio webhook (form parameters) to {@code url}, signed for exactly that URL. */
  static HttpResponse<String> twilio(String url, String authToken, Map<String, String> params) throws Exception {
    StringBuilder signed = new StringBuilder(url);
    new TreeMap<>(params).forEach((k, v) -> signed.append(k).append(v));
    String signature = Base64.getEncoder().encodeToString(
        mac("HmacSHA1", authToken, signed.toString().getBytes(StandardCharsets.UTF_8)));
    String form = params.entrySet().stream()
        .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
    HttpRequest request = HttpRequest.newBuilder(URI.create(url))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("X-Twilio-Signature", signature)
        .POST(HttpRequest.BodyPublishers.ofString(form)).build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** A Mailgun route's {@code forward()} post of an email's fields, signed now with a new token. */
  static HttpResponse<String> mailgun(String url, String signingKey, Map<String, String> fields) throws Exception {
    Map<String, String> form = new java.util.LinkedHashMap<>(fields);
    String timestamp = Long.toString(System.currentTimeMillis() / 1000);
    byte[] random = new byte[25];
    new java.security.SecureRandom().nextBytes(random);
    String token = HexFormat.of().formatHex(random);
    form.put("timestamp", timestamp);
    form.put("token", token);
    form.put("signature", HexFormat.of().formatHex(
        mac("HmacSHA256", signingKey, (timestamp + token).getBytes(StandardCharsets.UTF_8))));
    String body = form.entrySet().stream()
        .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
    HttpRequest request = HttpRequest.newBuilder(URI.create(url))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static String escaped(String text) {
    StringBuilder out = new StringBuilder();
    for (char c : text.toCharArray()) {
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20 || c > 0x7e) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static byte[] mac(String algorithm, String key, byte[] data) throws GeneralSecurityException {
    Mac mac = Mac.getInstance(algorithm);
    mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), algorithm));
    return mac.doFinal(data);
  }
}
