import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Demo stand-in for a tenant's own system: receives the outbound messages that Baton's generic
 * channel POSTs to {@code callbackUrl}, checks their signature and prints them.
 *
 * <p>Run with the JDK 17 source launcher, JDK classes only: {@code java
 * deploy/demo/CallbackReceiver.java}. Settings from the environment: {@code CALLBACK_PORT}
 * (default 8099), {@code BATON_RUN_DIR} (default deploy/.run; the log is logs/callback.log
 * there) and one secret per tenant, {@code BATON_SECRET_<TENANT>} (tenant id upper-cased, '-'
 * as '_').
 *
 * <p>Signature scheme, the same as for webhooks into the intake: header {@code
 * X-Baton-Timestamp} holds unix seconds, header {@code X-Baton-Signature} holds {@code
 * v1=<hex HMAC-SHA256 of "<timestamp>.<body>">} (several comma-separated values are accepted,
 * so a sender can rotate secrets). Answers 204, or 401 on a missing, wrong or stale signature.
 */
public final class CallbackReceiver {

  /** Replays older than this are refused; generous because it is a local demo. */
  private static final long TOLERANCE_SECONDS = 300;

  private static final Pattern TENANT_PATH = Pattern.compile("^/callback/([a-z0-9-]+)/?$");

  private final Path logFile;

  private CallbackReceiver(Path logFile) {
    this.logFile = logFile;
  }

  public static void main(String[] args) throws IOException {
    int port = Integer.parseInt(env("CALLBACK_PORT", "8099"));
    Path logFile = Path.of(env("BATON_RUN_DIR", "deploy/.run"), "logs", "callback.log");
    Files.createDirectories(logFile.getParent());

    CallbackReceiver receiver = new CallbackReceiver(logFile);
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    server.createContext("/callback/", receiver::handle);
    server.start();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(0)));
    System.err.println("callback receiver listening on http://127.0.0.1:" + port + "/callback/<tenant>");
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      respond(exchange);
    } catch (RuntimeException e) {
      // Keep serving: one odd request must not end the demo.
      e.printStackTrace();
    }
  }

  private void respond(HttpExchange exchange) throws IOException {
    if (!"POST".equals(exchange.getRequestMethod())) {
      exchange.getResponseHeaders().set("Allow", "POST");
      exchange.sendResponseHeaders(405, -1);
      return;
    }
    Matcher path = TENANT_PATH.matcher(exchange.getRequestURI().getPath());
    if (!path.matches()) {
      exchange.sendResponseHeaders(404, -1);
      return;
    }
    String tenant = path.group(1);
    byte[] body;
    try (InputStream in = exchange.getRequestBody()) {
      body = in.readAllBytes();
    }

    String refusal =
        verify(
            tenant,
            exchange.getRequestHeaders().getFirst("X-Baton-Timestamp"),
            exchange.getRequestHeaders().getFirst("X-Baton-Signature"),
            body);
    if (refusal != null) {
      // stderr only: a refused request must not show up as a delivered message.
      System.err.println("[" + tenant + "] refused callback: " + refusal);
      exchange.sendResponseHeaders(401, -1);
      return;
    }

    record(describe(tenant, new String(body, StandardCharsets.UTF_8)));
    exchange.sendResponseHeaders(204, -1);
  }

  /** Returns why the request is refused, or null when its signature is good. */
  static String verify(String tenant, String timestamp, String signatures, byte[] body) {
    String secretEnv = "BATON_SECRET_" + tenant.toUpperCase(Locale.ROOT).replace('-', '_');
    String secret = System.getenv(secretEnv);
    if (secret == null || secret.isEmpty()) {
      return "no secret in " + secretEnv;
    }
    if (timestamp == null || signatures == null) {
      return "missing X-Baton-Timestamp or X-Baton-Signature";
    }
    long sentAt;
    try {
      sentAt = Long.parseLong(timestamp.trim());
    } catch (NumberFormatException e) {
      return "X-Baton-Timestamp is not unix seconds";
    }
    if (Math.abs(System.currentTimeMillis() / 1000 - sentAt) > TOLERANCE_SECONDS) {
      return "timestamp outside +/-" + TOLERANCE_SECONDS + " s";
    }
    byte[] expected = hmac(secret, timestamp.trim(), body);
    for (String candidate : signatures.split(",")) {
      String value = candidate.trim();
      if (!value.startsWith("v1=")) {
        continue;
      }
      byte[] given;
      try {
        given = HexFormat.of().parseHex(value.substring(3));
      } catch (IllegalArgumentException e) {
        continue;
      }
      if (MessageDigest.isEqual(expected, given)) {
        return null;
      }
    }
    return "signature does not match";
  }

  private static byte[] hmac(String secret, String timestamp, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
      return mac.doFinal(body);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  /** One line per message: {@code [tenant conversation] SENDER: text}. */
  static String describe(String tenant, String json) {
    String text = field(json, "text");
    if (text == null) {
      return "[" + tenant + "] " + json.replace('\n', ' ');
    }
    String conversation = field(json, "conversationId");
    String sender = field(json, "sender");
    return "["
        + tenant
        + (conversation == null ? "" : " " + conversation)
        + "] "
        + (sender == null ? "?" : sender)
        + ": "
        + text.replace("\r", "").replace('\n', ' ');
  }

  private synchronized void record(String line) throws IOException {
    System.out.println(line);
    System.out.flush();
    Files.writeString(
        logFile,
        line + System.lineSeparator(),
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }

  /**
   * The string value of {@code name} in a flat JSON object. No JSON library in the JDK, and the
   * fields printed here are top-level strings of an outbound message, so a pattern is enough.
   */
  static String field(String json, String name) {
    Matcher m =
        Pattern.compile("\"" + Pattern.quote(name) + "\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"")
            .matcher(json);
    return m.find() ? unescape(m.group(1)) : null;
  }

  private static String unescape(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '\\' || i + 1 >= s.length()) {
        out.append(c);
        continue;
      }
      char e = s.charAt(++i);
      switch (e) {
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'u' -> {
          try {
            out.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
            i += 4;
          } catch (RuntimeException malformed) {
            out.append("\\u");
          }
        }
        default -> out.append(e); // \" \\ \/
      }
    }
    return out.toString();
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isEmpty() ? fallback : value;
  }
}
