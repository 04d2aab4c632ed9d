package dev.baton.intake;

import dev.baton.tenant.WebhookSignature;
import io.restassured.RestAssured;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Requests to the running intake with exactly the headers a test chooses (RestAssured adds its
 * own), and over a raw socket for what no HTTP client sends (trickled or endless bodies).
 */
final class Webhooks {
  /**
   * A client per request: many requests here are refused with {@code Connection: close} or cut
   * off, and a kept-alive connection the server has just closed would fail the next test's request
   * before it is sent, not the request under test.
   */
  private static HttpClient client() {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
  }

  record Answer(int status, String contentType, String body, Map<String, String> headers) {}

  private Webhooks() {}

  static int port() {
    return RestAssured.port;
  }

  static Map<String, String> signedHeaders(String secret, String timestamp, byte[] body) {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Content-Type", "application/json");
    h.put(WebhookSignature.TIMESTAMP_HEADER, timestamp);
    h.put(WebhookSignature.SIGNATURE_HEADER, WebhookSignature.sign(secret, timestamp, body));
    return h;
  }

  static Map<String, String> signedHeaders(String secret, byte[] body) {
    return signedHeaders(secret, Long.toString(Instant.now().getEpochSecond()), body);
  }

  static Answer post(byte[] body, Map<String, String> headers) {
    return post(client(), body, headers);
  }

  /**
   * With the JDK client's defaults, which ask a plain-HTTP server to upgrade to HTTP/2 (h2c) on the
   * first request, as many providers' HTTP libraries do.
   */
  static Answer postWithDefaultClient(byte[] body, Map<String, String> headers) {
    return post(HttpClient.newHttpClient(), body, headers);
  }

  private static Answer post(HttpClient client, byte[] body, Map<String, String> headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + "/v1/events"))
            .timeout(Duration.ofSeconds(20))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(b::header);
    try {
      HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      Map<String, String> hs = new LinkedHashMap<>();
      r.headers().map().forEach((k, v) -> hs.put(k.toLowerCase(), v.get(0)));
      return new Answer(r.statusCode(), hs.getOrDefault("content-type", ""), r.body(), hs);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static Answer postSigned(String body, String secret) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return post(bytes, signedHeaders(secret, bytes));
  }

  /** Opens a raw connection with a request head already sent. */
  static Socket rawRequest(String head) throws IOException {
    Socket s = new Socket("127.0.0.1", port());
    s.setSoTimeout(15_000);
    OutputStream out = s.getOutputStream();
    out.write(head.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    return s;
  }

  /** Reads what the server sent until it closes the connection (or the read times out). */
  static String readAll(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    byte[] buf = new byte[8192];
    int n;
    try {
      while ((n = in.read(buf)) > 0) {
        sb.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
      }
    } catch (java.net.SocketException | java.net.SocketTimeoutException e) {
      // reset after the answer, or never closed: what was read so far is the answer
    }
    return sb.toString();
  }
}
