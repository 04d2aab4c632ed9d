import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Demo stand-in for what Baton sends to customers through: a tenant's own system and the two
 * providers' APIs. It prints every message as one line and appends it to logs/callback.log.
 *
 * <ul>
 *   <li>{@code POST /callback/<tenant>}: the tenant's system, where Baton's generic channel POSTs
 *       outbound messages ({@code callbackUrl}); checks their signature; answers 204, or 401 on a
 *       missing, wrong or stale signature. Prints {@code [demo-dental demo-1] BOT: ...}.
 *   <li>{@code POST /graph/<version>/<phoneNumberId>/messages}: Meta's Graph API for a tenant's
 *       WhatsApp number ({@code channels.whatsapp.apiBaseUrl} = {@code http://127.0.0.1:8099/graph/v21.0}).
 *       Checks the bearer token (the tenant's {@code accessTokenEnv}) and the documented body, and
 *       answers as Meta does: 200 with the new message's {@code wamid}, or a Graph error ({@code
 *       190} bad token, {@code 100} bad parameter or unknown number). Prints {@code [demo-dental
 *       WhatsApp → +4915112345678] text: ...} or {@code ... template missed_call_ack (en_GB): ...}.
 *   <li>{@code POST /twilio/2010-04-01/Accounts/<AccountSid>/Messages.json}: Twilio's Messages API
 *       ({@code channels.twilio.apiBaseUrl} = {@code http://127.0.0.1:8099/twilio}). Checks HTTP
 *       Basic auth (account SID and the tenant's {@code authTokenEnv}) and the form, and answers as
 *       Twilio does: 201 with the new message's {@code SM...} sid, or Twilio's error JSON ({@code
 *       20003} authentication, {@code 21602}-{@code 21604} missing body, From, To).
 *   <li>{@code GET /site/webchat.html}: the tenant's web site with the web chat widget's script
 *       tag ({@code deploy/demo/webchat.html}, pointing at {@code BATON_INTAKE_URL}), on this
 *       origin, which demo-dental's {@code webchat.allowedOrigins} lists.
 *   <li>{@code POST /mailgun/v3/<domain>/messages}: Mailgun's messages API for a tenant's email
 *       ({@code channels.email.mailgun.apiBaseUrl} = {@code http://127.0.0.1:8099/mailgun}). Checks
 *       HTTP Basic auth ({@code api:} and the tenant's {@code apiKeyEnv}) and the form, and answers as
 *       Mailgun does: 200 {@code {"id":"<Message-Id>","message":"Queued. Thank you."}}, 401 {@code
 *       Forbidden}, 404 for another domain, 400 {@code {"message":...}} without from, to, subject or
 *       text. Prints {@code [demo-dental email → mia@example.com] Re: ... (in reply to <...>): ...}.
 * </ul>
 *
 * <p>Run with the JDK 17 source launcher, JDK classes only: {@code java
 * deploy/demo/CallbackReceiver.java}. Settings from the environment: {@code CALLBACK_PORT}
 * (default 8099), {@code BATON_RUN_DIR} (default deploy/.run; the log is logs/callback.log
 * there), {@code BATON_TENANTS_FILE} (default deploy/tenants.yaml; the numbers, accounts and the
 * names of the variables holding their tokens) and the secrets: a tenant's callback secret is
 * {@code BATON_SECRET_<TENANT>} (tenant id upper-cased, '-' as '_'), the channel tokens are the
 * variables the tenants file names; each from the environment, else from {@code
 * $BATON_RUN_DIR/secrets.env}.
 *
 * <p>Callback signature scheme, the same as for webhooks into the intake: header {@code
 * X-Baton-Timestamp} holds unix seconds, header {@code X-Baton-Signature} holds {@code
 * v1=<hex HMAC-SHA256 of "<timestamp>.<body>">} (several comma-separated values are accepted,
 * so a sender can rotate secrets).
 */
public final class CallbackReceiver {

  /** Replays older than this are refused; generous because it is a local demo. */
  private static final long TOLERANCE_SECONDS = 300;

  private static final Pattern TENANT_PATH = Pattern.compile("^/callback/([a-z0-9-]+)/?$");
  private static final Pattern GRAPH_PATH = Pattern.compile("^/graph/v[0-9]+\\.[0-9]+/([0-9]+)/messages/?$");
  private static final Pattern MAILGUN_PATH = Pattern.compile("^/mailgun/v3/([A-Za-z0-9.-]+)/messages/?$");
  private static final Pattern TWILIO_PATH =
      Pattern.compile("^/twilio/2010-04-01/Accounts/(AC[0-9A-Za-z]{32})/Messages\\.json$");
  private static final SecureRandom RANDOM = new SecureRandom();
  /** Twilio's date format, e.g. {@code Wed, 12 Feb 2025 15:40:00 +0000}. */
  private static final DateTimeFormatter RFC_2822 =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss Z", Locale.ENGLISH);

  private final Path logFile;
  private final TenantsFile tenants;
  private final Path secretsFile;

  private CallbackReceiver(Path logFile, TenantsFile tenants, Path secretsFile) {
    this.logFile = logFile;
    this.tenants = tenants;
    this.secretsFile = secretsFile;
  }

  public static void main(String[] args) throws IOException {
    int port = Integer.parseInt(env("CALLBACK_PORT", "8099"));
    Path runDir = Path.of(env("BATON_RUN_DIR", "deploy/.run"));
    Path logFile = runDir.resolve("logs").resolve("callback.log");
    Files.createDirectories(logFile.getParent());
    TenantsFile tenants = TenantsFile.read(Path.of(env("BATON_TENANTS_FILE", "deploy/tenants.yaml")));

    CallbackReceiver receiver = new CallbackReceiver(logFile, tenants, runDir.resolve("secrets.env"));
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    server.createContext("/callback/", exchange -> receiver.handle(exchange, receiver::callback));
    server.createContext("/graph/", exchange -> receiver.handle(exchange, receiver::graph));
    server.createContext("/twilio/", exchange -> receiver.handle(exchange, receiver::twilio));
    // The tenant's web site with the web chat widget's one <script> tag, on this origin.
    Path site = Path.of(env("BATON_ROOT", ".")).resolve("deploy/demo/webchat.html");
    String intake = env("BATON_INTAKE_URL", "http://127.0.0.1:8080");
    server.createContext("/site/", exchange -> receiver.handle(exchange, e -> sitePage(e, site, intake)));
    server.createContext("/mailgun/", exchange -> receiver.handle(exchange, receiver::mailgun));
    server.start();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(0)));
    System.err.println("demo receiver listening on http://127.0.0.1:" + port
        + ": /callback/<tenant>, /graph/<version>/<phoneNumberId>/messages, /twilio/2010-04-01/Accounts/<sid>/Messages.json, /mailgun/v3/<domain>/messages");
  }

  private interface Handler {
    void respond(HttpExchange exchange) throws IOException;
  }

  private void handle(HttpExchange exchange, Handler handler) throws IOException {
    try (exchange) {
      handler.respond(exchange);
    } catch (RuntimeException e) {
      // Keep serving: one odd request must not end the demo.
      e.printStackTrace();
    }
  }

  private static byte[] body(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      return in.readAllBytes();
    }
  }

  // ---------------------------------------------------------------- the tenant's web site

  private static void sitePage(HttpExchange exchange, Path page, String intakeUrl) throws IOException {
    if (!"GET".equals(exchange.getRequestMethod()) || !"/site/webchat.html".equals(exchange.getRequestURI().getPath())) {
      exchange.sendResponseHeaders(404, -1);
      return;
    }
    byte[] html = Files.readString(page).replace("{{INTAKE_URL}}", intakeUrl).getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
    exchange.sendResponseHeaders(200, html.length);
    exchange.getResponseBody().write(html);
  }

  // ---------------------------------------------------------------- the tenant's own system

  private void callback(HttpExchange exchange) throws IOException {
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
    byte[] body = body(exchange);

    String secretEnv = "BATON_SECRET_" + tenant.toUpperCase(Locale.ROOT).replace('-', '_');
    String refusal =
        verify(
            secret(secretEnv),
            secretEnv,
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
  static String verify(String secret, String secretEnv, String timestamp, String signatures, byte[] body) {
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
        + oneLine(text);
  }

  /**
   * The string value of {@code name} in a flat JSON object: the fields printed here are top-level
   * strings of an outbound message, so a pattern is enough.
   */
  static String field(String json, String name) {
    Matcher m =
        Pattern.compile("\"" + Pattern.quote(name) + "\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"")
            .matcher(json);
    if (!m.find()) {
      return null;
    }
    try {
      return (String) new Json("\"" + m.group(1) + "\"").value();
    } catch (IllegalArgumentException e) {
      return m.group(1); // shown as sent rather than not at all
    }
  }

  // ---------------------------------------------------------------- Meta's Graph API

  private void graph(HttpExchange exchange) throws IOException {
    String fbtrace = "Demo" + HexFormat.of().formatHex(randomBytes(8));
    Matcher path = GRAPH_PATH.matcher(exchange.getRequestURI().getPath());
    if (!"POST".equals(exchange.getRequestMethod()) || !path.matches()) {
      graphError(exchange, 400, 100, null, "GraphMethodException",
          "Unsupported " + exchange.getRequestMethod().toLowerCase(Locale.ROOT) + " request.", fbtrace);
      return;
    }
    String phoneNumberId = path.group(1);
    byte[] raw = body(exchange);
    Optional<String> tenant = tenants.tenantWhere("channels.whatsapp.phoneNumberId", phoneNumberId);
    if (tenant.isEmpty()) {
      graphError(exchange, 400, 100, 33, "GraphMethodException", "Unsupported post request. Object with ID '"
          + phoneNumberId + "' does not exist, cannot be loaded due to missing permissions, or does not support this"
          + " operation.", fbtrace);
      return;
    }
    String t = tenant.get();
    String token = tenants.value(t, "channels.whatsapp.accessTokenEnv").map(this::secret).orElse(null);
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    if (token == null || authorization == null || !authorization.startsWith("Bearer ")
        || !constantTimeEquals(token, authorization.substring(7))) {
      System.err.println("[" + t + " WhatsApp] refused: the access token is not the tenant's");
      graphError(exchange, 401, 190, null, "OAuthException", "Invalid OAuth access token - Cannot parse access token",
          fbtrace);
      return;
    }
    Map<String, Object> message;
    try {
      Object parsed = new Json(new String(raw, StandardCharsets.UTF_8)).value();
      message = parsed instanceof Map<?, ?> m ? cast(m) : Map.of();
    } catch (IllegalArgumentException e) {
      graphError(exchange, 400, 100, null, "OAuthException", "(#100) The request body is not JSON: " + e.getMessage(),
          fbtrace);
      return;
    }
    String problem = graphProblem(message);
    if (problem != null) {
      System.err.println("[" + t + " WhatsApp] refused: " + problem);
      graphError(exchange, 400, 100, null, "OAuthException", "(#100) " + problem, fbtrace);
      return;
    }
    String to = (String) message.get("to");
    String wamid = wamid(to.replaceFirst("^\\+", ""));
    record("[" + t + " WhatsApp → " + to + "] " + graphContent(message));
    send(exchange, 200, "application/json",
        "{\"messaging_product\":\"whatsapp\",\"contacts\":[{\"input\":" + Json.string(to) + ",\"wa_id\":"
            + Json.string(to.replaceFirst("^\\+", "")) + "}],\"messages\":[{\"id\":" + Json.string(wamid) + "}]}");
  }

  /** What Meta would refuse in a send request (text, reply-button and template messages), or null. */
  static String graphProblem(Map<String, Object> m) {
    if (!"whatsapp".equals(m.get("messaging_product"))) {
      return "The parameter messaging_product is required and must be whatsapp.";
    }
    if (!(m.get("to") instanceof String to) || !to.matches("\\+?[1-9][0-9]{6,14}")) {
      return "The parameter to is required and must be a phone number.";
    }
    Object type = m.getOrDefault("type", "text");
    if ("text".equals(type)) {
      Object body = m.get("text") instanceof Map<?, ?> text ? text.get("body") : null;
      if (!(body instanceof String b) || b.isBlank()) {
        return "The parameter text['body'] is required.";
      }
      if (b.length() > 4096) {
        return "Param text['body'] must be at most 4096 characters long.";
      }
      return null;
    }
    if ("template".equals(type)) {
      Map<?, ?> template = m.get("template") instanceof Map<?, ?> tm ? tm : Map.of();
      Object language = template.get("language") instanceof Map<?, ?> l ? l.get("code") : null;
      if (!(template.get("name") instanceof String) || !(language instanceof String)) {
        return "The parameters template['name'] and template['language']['code'] are required.";
      }
      return null;
    }
    if ("interactive".equals(type)) {
      Map<?, ?> interactive = m.get("interactive") instanceof Map<?, ?> i ? i : Map.of();
      Object body = interactive.get("body") instanceof Map<?, ?> b ? b.get("text") : null;
      if (!"button".equals(interactive.get("type")) || !(body instanceof String text) || text.isBlank()
          || text.length() > 1024) {
        return "The parameters interactive['type'] (button) and interactive['body']['text'] (1-1024 characters) are required.";
      }
      List<String> titles = buttonTitles(interactive);
      if (titles.isEmpty() || titles.size() > 3 || titles.stream().anyMatch(t -> t.isBlank() || t.length() > 20)) {
        return "interactive['action']['buttons'] must hold 1 to 3 reply buttons, each titled in 1 to 20 characters.";
      }
      return null;
    }
    return "Baton's demo receiver takes text, interactive button and template messages, not " + type + ".";
  }

  private static List<String> buttonTitles(Map<?, ?> interactive) {
    List<String> titles = new ArrayList<>();
    if (interactive.get("action") instanceof Map<?, ?> action && action.get("buttons") instanceof List<?> buttons) {
      for (Object b : buttons) {
        if (b instanceof Map<?, ?> button && button.get("reply") instanceof Map<?, ?> reply
            && reply.get("title") instanceof String title) {
          titles.add(title);
        }
      }
    }
    return titles;
  }

  /** {@code text: ...}, {@code buttons: ... [title] [title]} or {@code template NAME (LANGUAGE): parameter, ...}. */
  static String graphContent(Map<String, Object> m) {
    if ("template".equals(m.get("type"))) {
      Map<?, ?> template = (Map<?, ?>) m.get("template");
      List<String> parameters = new ArrayList<>();
      if (template.get("components") instanceof List<?> components) {
        for (Object c : components) {
          if (c instanceof Map<?, ?> component && component.get("parameters") instanceof List<?> ps) {
            for (Object p : ps) {
              if (p instanceof Map<?, ?> parameter) {
                parameters.add(String.valueOf(parameter.get("text")));
              }
            }
          }
        }
      }
      return "template " + template.get("name") + " (" + ((Map<?, ?>) template.get("language")).get("code") + ")"
          + (parameters.isEmpty() ? "" : ": " + String.join(", ", parameters));
    }
    if ("interactive".equals(m.get("type"))) {
      Map<?, ?> interactive = (Map<?, ?>) m.get("interactive");
      return "buttons: " + oneLine((String) ((Map<?, ?>) interactive.get("body")).get("text")) + " ["
          + String.join("] [", buttonTitles(interactive)) + "]";
    }
    return "text: " + oneLine((String) ((Map<?, ?>) m.get("text")).get("body"));
  }

  private static void graphError(HttpExchange exchange, int status, int code, Integer subcode, String type,
      String message, String fbtrace) throws IOException {
    send(exchange, status, "application/json", "{\"error\":{\"message\":" + Json.string(message) + ",\"type\":"
        + Json.string(type) + ",\"code\":" + code + (subcode == null ? "" : ",\"error_subcode\":" + subcode)
        + ",\"fbtrace_id\":" + Json.string(fbtrace) + "}}");
  }

  /**
   * A message id shaped like the ones Meta returns: base64 of a small record holding the number and
   * a random hex id (the documented example decodes to that).
   */
  static String wamid(String waId) {
    byte[] number = waId.getBytes(StandardCharsets.US_ASCII);
    byte[] hex = HexFormat.of().withUpperCase().formatHex(randomBytes(9)).getBytes(StandardCharsets.US_ASCII);
    byte[] record = new byte[3 + number.length + 6 + hex.length + 1];
    int i = 0;
    record[i++] = 0x1c;
    record[i++] = 0x18;
    record[i++] = (byte) number.length;
    System.arraycopy(number, 0, record, i, number.length);
    i += number.length;
    for (int b : new int[] {0x15, 0x02, 0x00, 0x11, 0x18, hex.length}) {
      record[i++] = (byte) b;
    }
    System.arraycopy(hex, 0, record, i, hex.length);
    return "wamid." + Base64.getEncoder().encodeToString(record);
  }

  // ---------------------------------------------------------------- Twilio's Messages API

  private void twilio(HttpExchange exchange) throws IOException {
    String uri = exchange.getRequestURI().getPath();
    Matcher path = TWILIO_PATH.matcher(uri);
    if (!path.matches()) {
      twilioError(exchange, 404, 20404, "The requested resource " + uri.replaceFirst("^/twilio", "") + " was not found");
      return;
    }
    if (!"POST".equals(exchange.getRequestMethod())) {
      twilioError(exchange, 405, 20004, "Method not allowed");
      return;
    }
    String account = path.group(1);
    byte[] raw = body(exchange);
    Optional<String> tenant = tenants.tenantWhere("channels.twilio.accountSid", account);
    String token = tenant.flatMap(t -> tenants.value(t, "channels.twilio.authTokenEnv")).map(this::secret).orElse(null);
    if (token == null || !basicAuth(exchange.getRequestHeaders().getFirst("Authorization"), account, token)) {
      System.err.println("[" + tenant.orElse(account) + " Twilio] refused: not the account's SID and auth token");
      twilioError(exchange, 401, 20003, "Authenticate");
      return;
    }
    Map<String, String> form = form(new String(raw, StandardCharsets.UTF_8));
    String to = form.get("To");
    String from = form.get("From");
    if (to == null || to.isBlank()) {
      twilioError(exchange, 400, 21604, "A 'To' phone number is required.");
      return;
    }
    if ((from == null || from.isBlank()) && form.get("MessagingServiceSid") == null) {
      twilioError(exchange, 400, 21603, "A 'From' phone number is required.");
      return;
    }
    String text = form.get("Body");
    String contentSid = form.get("ContentSid");
    if ((text == null || text.isEmpty()) && contentSid == null && form.get("MediaUrl") == null) {
      twilioError(exchange, 400, 21602, "Message body is required.");
      return;
    }
    String sid = "SM" + HexFormat.of().formatHex(randomBytes(16));
    boolean whatsapp = to.startsWith("whatsapp:");
    String content = contentSid != null
        ? "content template " + contentSid + (form.get("ContentVariables") == null ? "" : " " + form.get("ContentVariables"))
        : "text: " + oneLine(text);
    record("[" + tenant.get() + (whatsapp ? " WhatsApp via Twilio → " : " SMS → ") + to.replaceFirst("^whatsapp:", "")
        + "] " + content);
    String now = RFC_2822.format(ZonedDateTime.now(ZoneOffset.UTC));
    String uriOf = "/2010-04-01/Accounts/" + account + "/Messages/" + sid;
    send(exchange, 201, "application/json",
        "{\"account_sid\":" + Json.string(account) + ",\"api_version\":\"2010-04-01\",\"body\":"
            + Json.string(text == null ? "" : text) + ",\"date_created\":" + Json.string(now) + ",\"date_sent\":null,"
            + "\"date_updated\":" + Json.string(now) + ",\"direction\":\"outbound-api\",\"error_code\":null,"
            + "\"error_message\":null,\"from\":" + (from == null ? "null" : Json.string(from))
            + ",\"messaging_service_sid\":" + (form.get("MessagingServiceSid") == null ? "null"
                : Json.string(form.get("MessagingServiceSid")))
            + ",\"num_media\":\"0\",\"num_segments\":\"1\",\"price\":null,\"price_unit\":\"USD\",\"sid\":"
            + Json.string(sid) + ",\"status\":\"queued\",\"subresource_uris\":{\"media\":" + Json.string(uriOf + "/Media.json")
            + "},\"to\":" + Json.string(to) + ",\"uri\":" + Json.string(uriOf + ".json") + "}");
  }

  // ---------------------------------------------------------------- Mailgun's messages API

  private void mailgun(HttpExchange exchange) throws IOException {
    Matcher path = MAILGUN_PATH.matcher(exchange.getRequestURI().getPath());
    if (!path.matches() || !"POST".equals(exchange.getRequestMethod())) {
      send(exchange, 404, "application/json", "{\"message\":\"Not Found\"}");
      return;
    }
    String domain = path.group(1);
    byte[] raw = body(exchange);
    Optional<String> tenant = tenants.tenantWhere("channels.email.mailgun.domain", domain);
    if (tenant.isEmpty()) {
      send(exchange, 404, "application/json", "{\"message\":" + Json.string("Domain not found: " + domain) + "}");
      return;
    }
    String key = tenants.value(tenant.get(), "channels.email.mailgun.apiKeyEnv").map(this::secret).orElse(null);
    if (key == null || !basicAuth(exchange.getRequestHeaders().getFirst("Authorization"), "api", key)) {
      System.err.println("[" + tenant.get() + " Mailgun] refused: not api:<the tenant's API key>");
      send(exchange, 401, "text/plain", "Forbidden");
      return;
    }
    Map<String, String> form = form(new String(raw, StandardCharsets.UTF_8));
    for (String required : List.of("from", "to", "subject")) {
      if (form.get(required) == null || form.get(required).isBlank()) {
        send(exchange, 400, "application/json", "{\"message\":\"" + required + " parameter is missing\"}");
        return;
      }
    }
    if (form.get("text") == null && form.get("html") == null) {
      send(exchange, 400, "application/json", "{\"message\":\"Need at least one of 'text' or 'html' parameters specified\"}");
      return;
    }
    String id = form.getOrDefault("h:Message-Id", "<" + HexFormat.of().formatHex(randomBytes(8)) + "@" + domain + ">");
    String to = form.get("to").replaceAll("^.*<([^>]+)>.*$", "$1");
    String replyTo = form.get("h:In-Reply-To");
    record("[" + tenant.get() + " email → " + to + "] " + oneLine(form.get("subject"))
        + (replyTo == null ? "" : " (in reply to " + replyTo + ")") + ": " + oneLine(form.getOrDefault("text", ""))
        + "  [Message-Id " + id + "]");
    send(exchange, 200, "application/json",
        "{\"id\":" + Json.string(id) + ",\"message\":\"Queued. Thank you.\"}");
  }

  private static boolean basicAuth(String header, String user, String password) {
    if (header == null || !header.startsWith("Basic ")) {
      return false;
    }
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return false;
    }
    return constantTimeEquals(user + ":" + password, decoded);
  }

  private static Map<String, String> form(String body) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String pair : body.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      out.putIfAbsent(k, v);
    }
    return out;
  }

  private static void twilioError(HttpExchange exchange, int status, int code, String message) throws IOException {
    send(exchange, status, "application/json", "{\"code\":" + code + ",\"message\":" + Json.string(message)
        + ",\"more_info\":\"https://www.twilio.com/docs/errors/" + code + "\",\"status\":" + status + "}");
  }

  // ---------------------------------------------------------------- plumbing

  private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
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

  /** A secret from its environment variable, else from secrets.env (NAME=VALUE lines, never run). */
  private String secret(String name) {
    String value = System.getenv(name);
    if (value != null && !value.isEmpty()) {
      return value;
    }
    try {
      if (Files.isReadable(secretsFile)) {
        for (String line : Files.readAllLines(secretsFile, StandardCharsets.UTF_8)) {
          int eq = line.indexOf('=');
          if (eq > 0 && line.substring(0, eq).equals(name) && eq + 1 < line.length()) {
            return line.substring(eq + 1);
          }
        }
      }
    } catch (IOException e) {
      System.err.println("cannot read " + secretsFile + ": " + e.getMessage());
    }
    return null;
  }

  private static boolean constantTimeEquals(String expected, String given) {
    return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
  }

  private static String oneLine(String text) {
    return text.replace("\r", "").replace('\n', ' ');
  }

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> cast(Map<?, ?> m) {
    return (Map<String, Object>) m;
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isEmpty() ? fallback : value;
  }

  // ---------------------------------------------------------------- JSON

  /** A small strict JSON reader (objects as ordered maps) and string writer; the JDK has neither. */
  static final class Json {
    private final String s;
    private int i;

    Json(String s) {
      this.s = s;
    }

    /** The one JSON value of the text; IllegalArgumentException naming the offset otherwise. */
    Object value() {
      Object v = read();
      skipSpace();
      if (i != s.length()) {
        throw error("text after the JSON value");
      }
      return v;
    }

    private Object read() {
      skipSpace();
      if (i >= s.length()) {
        throw error("unexpected end");
      }
      char c = s.charAt(i);
      switch (c) {
        case '{' -> {
          Map<String, Object> map = new LinkedHashMap<>();
          i++;
          skipSpace();
          if (peek('}')) {
            return map;
          }
          do {
            skipSpace();
            if (i >= s.length() || s.charAt(i) != '"') {
              throw error("expected a member name");
            }
            String key = string();
            skipSpace();
            expect(':');
            if (map.put(key, read()) != null) {
              throw error("member " + key + " given twice");
            }
            skipSpace();
          } while (peek(','));
          expect('}');
          return map;
        }
        case '[' -> {
          List<Object> list = new ArrayList<>();
          i++;
          skipSpace();
          if (peek(']')) {
            return list;
          }
          do {
            list.add(read());
            skipSpace();
          } while (peek(','));
          expect(']');
          return list;
        }
        case '"' -> {
          return string();
        }
        default -> {
          for (String literal : new String[] {"true", "false", "null"}) {
            if (s.startsWith(literal, i)) {
              i += literal.length();
              return literal.equals("null") ? null : Boolean.valueOf(literal);
            }
          }
          Matcher m = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?").matcher(s).region(i, s.length());
          if (!m.lookingAt()) {
            throw error("unexpected '" + c + "'");
          }
          i = m.end();
          return new java.math.BigDecimal(m.group());
        }
      }
    }

    private String string() {
      StringBuilder out = new StringBuilder();
      i++; // the opening quote
      while (true) {
        if (i >= s.length()) {
          throw error("unterminated string");
        }
        char c = s.charAt(i++);
        if (c == '"') {
          return out.toString();
        }
        if (c < 0x20) {
          throw error("control character in a string");
        }
        if (c != '\\') {
          out.append(c);
          continue;
        }
        if (i >= s.length()) {
          throw error("unterminated escape");
        }
        char e = s.charAt(i++);
        switch (e) {
          case '"', '\\', '/' -> out.append(e);
          case 'b' -> out.append('\b');
          case 'f' -> out.append('\f');
          case 'n' -> out.append('\n');
          case 'r' -> out.append('\r');
          case 't' -> out.append('\t');
          case 'u' -> {
            if (i + 4 > s.length()) {
              throw error("short \\u escape");
            }
            try {
              out.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
            } catch (NumberFormatException ex) {
              throw error("bad \\u escape");
            }
            i += 4;
          }
          default -> throw error("bad escape \\" + e);
        }
      }
    }

    private void skipSpace() {
      while (i < s.length() && " \t\r\n".indexOf(s.charAt(i)) >= 0) {
        i++;
      }
    }

    private boolean peek(char c) {
      if (i < s.length() && s.charAt(i) == c) {
        i++;
        return true;
      }
      return false;
    }

    private void expect(char c) {
      if (!peek(c)) {
        throw error("expected '" + c + "'");
      }
    }

    private IllegalArgumentException error(String what) {
      return new IllegalArgumentException(what + " at offset " + i);
    }

    /** A JSON string literal of {@code v}. */
    static String string(String v) {
      StringBuilder out = new StringBuilder(v.length() + 2).append('"');
      for (char c : v.toCharArray()) {
        switch (c) {
          case '"' -> out.append("\\\"");
          case '\\' -> out.append("\\\\");
          case '\n' -> out.append("\\n");
          case '\r' -> out.append("\\r");
          case '\t' -> out.append("\\t");
          default -> {
            if (c < 0x20) {
              out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
              out.append(c);
            }
          }
        }
      }
      return out.append('"').toString();
    }
  }

  /**
   * The scalars of a block-style YAML file, flattened to dotted paths ({@code
   * tenants.0.channels.twilio.numbers.0}). Enough for the tenants file's channel settings; the JDK
   * has no YAML parser and the source launcher runs one file, so Providers.java holds the same
   * reader: keep the two alike.
   */
  static final class TenantsFile {
    private final Map<String, String> values;

    private TenantsFile(Map<String, String> values) {
      this.values = values;
    }

    static TenantsFile read(Path file) throws IOException {
      return new TenantsFile(flatten(Files.readAllLines(file, StandardCharsets.UTF_8)));
    }

    /** {@code tenants.<i>.<key>} of the tenant with that id, if the tenant and the key are there. */
    java.util.Optional<String> value(String tenant, String key) {
      for (int i = 0; values.containsKey("tenants." + i + ".id"); i++) {
        if (values.get("tenants." + i + ".id").equals(tenant)) {
          return java.util.Optional.ofNullable(values.get("tenants." + i + "." + key)).filter(v -> !v.isEmpty());
        }
      }
      return java.util.Optional.empty();
    }

    /** The same, failing with what is missing. */
    String required(String tenant, String key) {
      if (value(tenant, "id").isEmpty()) {
        throw new IllegalStateException("no tenant " + tenant + " in the tenants file");
      }
      return value(tenant, key).orElseThrow(
          () -> new IllegalStateException("tenant " + tenant + " has no " + key + " in the tenants file"));
    }

    /** The id of the first tenant whose {@code key} is {@code value}. */
    java.util.Optional<String> tenantWhere(String key, String value) {
      for (int i = 0; values.containsKey("tenants." + i + ".id"); i++) {
        if (value.equals(values.get("tenants." + i + "." + key))) {
          return java.util.Optional.of(values.get("tenants." + i + ".id"));
        }
      }
      return java.util.Optional.empty();
    }

    /** An open mapping key or sequence item; {@code items} counts the sequence items under it. */
    private record Frame(int column, String path, boolean item, int[] items) {}

    static Map<String, String> flatten(List<String> lines) {
      Map<String, String> out = new LinkedHashMap<>();
      Deque<Frame> stack = new ArrayDeque<>();
      stack.push(new Frame(-1, "", false, new int[1]));
      int skipDeeperThan = Integer.MAX_VALUE; // inside a block scalar (| or >)
      for (String raw : lines) {
        String line = raw.stripTrailing();
        int column = line.length() - line.stripLeading().length();
        String content = line.strip();
        if (column > skipDeeperThan && !content.isEmpty()) {
          continue;
        }
        skipDeeperThan = Integer.MAX_VALUE;
        if (content.isEmpty() || content.startsWith("#") || content.equals("---")) {
          continue;
        }
        while (content.startsWith("- ") || content.equals("-")) {
          // A sequence item: pops back to the key that holds the sequence (or an item of it at this column).
          while (stack.peek().column > column || (stack.peek().column == column && stack.peek().item)) {
            stack.pop();
          }
          Frame parent = stack.peek();
          String item = join(parent.path, Integer.toString(parent.items[0]++));
          stack.push(new Frame(column, item, true, new int[1]));
          String rest = content.substring(1).stripLeading();
          column += content.length() - rest.length();
          content = rest;
          if (content.isEmpty()) {
            break;
          }
          if (!isKey(content)) {
            out.put(item, scalar(content));
            content = "";
          }
        }
        if (content.isEmpty() || !isKey(content)) {
          continue;
        }
        while (stack.peek().column >= column) {
          stack.pop();
        }
        int colon = keyEnd(content);
        String key = unquote(content.substring(0, colon).strip());
        String value = content.substring(colon + 1).strip();
        String path = join(stack.peek().path, key);
        if (value.isEmpty() || value.startsWith("#")) {
          stack.push(new Frame(column, path, false, new int[1]));
        } else if (value.startsWith("|") || value.startsWith(">")) {
          skipDeeperThan = column;
        } else if (value.startsWith("[")) {
          String inner = value.substring(1, Math.max(1, value.lastIndexOf(']')));
          int i = 0;
          for (String part : inner.split(",")) {
            if (!part.isBlank()) {
              out.put(path + "." + i++, unquote(part.strip()));
            }
          }
        } else {
          out.put(path, scalar(value));
        }
      }
      return out;
    }

    private static boolean isKey(String content) {
      return keyEnd(content) > 0;
    }

    /** The colon ending a mapping key ("key: value" or "key:"), outside quotes; -1 if none. */
    private static int keyEnd(String content) {
      char quote = 0;
      for (int i = 0; i < content.length(); i++) {
        char c = content.charAt(i);
        if (quote != 0) {
          if (c == quote) {
            quote = 0;
          }
        } else if (c == '"' || c == '\'') {
          if (i == 0) {
            quote = c;
          }
        } else if (c == '{' || c == '[') {
          return -1;
        } else if (c == ':' && (i + 1 == content.length() || content.charAt(i + 1) == ' ')) {
          return i;
        }
      }
      return -1;
    }

    private static String scalar(String value) {
      if (value.startsWith("\"") || value.startsWith("'")) {
        int end = value.indexOf(value.charAt(0), 1);
        return end > 0 ? value.substring(1, end) : value.substring(1);
      }
      int comment = value.indexOf(" #");
      return (comment >= 0 ? value.substring(0, comment) : value).strip();
    }

    private static String unquote(String s) {
      return s.length() >= 2 && (s.startsWith("\"") && s.endsWith("\"") || s.startsWith("'") && s.endsWith("'"))
          ? s.substring(1, s.length() - 1)
          : s;
    }

    private static String join(String parent, String key) {
      return parent.isEmpty() ? key : parent + "." + key;
    }
  }
}
