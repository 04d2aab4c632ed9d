package dev.baton.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.baton.schemas.serde.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Stands in for the far sides we cannot reach.
 *
 * <ul>
 *   <li>A tenant's callback endpoint (every path but {@code /graph/} and {@code /twilio/}): records every POST with its
 *       headers and answers 204; can be told to fail the next N requests with a status (those are
 *       not recorded).
 *   <li>Meta's Graph API under {@code /graph/} (a tenant's {@code apiBaseUrl} is
 *       {@code <base>/graph/v21.0}): {@code POST .../<phone-number-id>/messages} answers as the
 *       Cloud API does, 200 with {@code {"messaging_product":"whatsapp","contacts":[{"input",
 *       "wa_id"}],"messages":[{"id":"wamid...."}]}}, a new wamid each time; a request without the
 *       expected bearer token gets Meta's 401 (code 190), one that is not a message gets 400 (code
 *       100). Can be told to answer the next N requests with a Graph error body and status.
 *       Every Graph request is recorded, failed ones too, with the status and body answered.
 *   <li>Twilio's REST API under {@code /twilio/} (a tenant's {@code apiBaseUrl} is {@code
 *       <base>/twilio}): {@code POST /2010-04-01/Accounts/<AccountSid>/Messages.json} with a form
 *       body answers as Twilio does, 201 with the Message resource as JSON (a new {@code SM} sid
 *       each time, status {@code queued}); HTTP Basic auth must be the test account's SID and auth
 *       token (else Twilio's 401, code 20003), another account's path gets 404 (20404), a form
 *       without {@code To} (21604), without {@code From} (21603) or without {@code Body} or {@code
 *       ContentSid} (21602), or a body over 1,600 characters (21617) gets Twilio's 400. Can be told
 *       to answer the next N requests with a Twilio error body and status. Every request is
 *       recorded with the status and body answered.
 *   <li>Mailgun's messages API under {@code /mailgun/} (a tenant's {@code apiBaseUrl} is {@code
 *       <base>/mailgun}): {@code POST /v3/<domain>/messages} with a form answers as Mailgun does, 200
 *       {@code {"id":"<message id>","message":"Queued. Thank you."}} (the id is the form's {@code
 *       h:Message-Id} when set, as Mailgun keeps it, else a new one); Basic auth must be {@code
 *       api:}{@link TestTenants#MAILGUN_API_KEY} (else 401 {@code Forbidden}), another domain gets
 *       404, a form without {@code from}, {@code to} (or with one that is not an address), {@code
 *       subject} or {@code text}/{@code html} gets 400 {@code {"message":...}}.
 *   <li>SendGrid's v3 mail send under {@code /sendgrid/} (a tenant's {@code apiBaseUrl} is {@code
 *       <base>/sendgrid}): {@code POST /v3/mail/send} with JSON answers 202 with an empty body and
 *       a new {@code X-Message-Id}; the bearer key must be {@link TestTenants#SENDGRID_API_KEY}
 *       (else 401), a body without a valid {@code personalizations[0].to[0].email}, {@code
 *       from.email}, {@code subject} or {@code content[0].value}, or with a reserved header in
 *       {@code headers}, gets 400 {@code {"errors":[{"message","field","help"}]}}.
 *   <li>Both email doubles can be told to answer the next N requests with a status (and the
 *       provider's error body); every request is recorded with the status and body answered.
 * </ul>
 *
 * <p>The Graph and Twilio doubles can be told which id the next accepted message gets (a wire
 * sample's wamid or SID, so that the sample's status webhooks match a message Baton sent).
 */
public final class CallbackReceiver implements AutoCloseable {
  private static final String GRAPH = "/graph/";
  private static final String TWILIO = "/twilio/";
  private static final String MAILGUN = "/mailgun/";
  private static final String SENDGRID = "/sendgrid/";
  private static final Pattern MAILGUN_MESSAGES = Pattern.compile("/mailgun/v3/([^/]+)/messages");
  /** Headers SendGrid's mail send refuses in {@code headers} (its v3 API reference). */
  private static final java.util.Set<String> SENDGRID_RESERVED = java.util.Set.of("x-sg-id", "x-sg-eid", "received",
      "dkim-signature", "content-type", "content-transfer-encoding", "to", "from", "subject", "reply-to", "cc", "bcc");
  private static final Pattern TWILIO_MESSAGES = Pattern.compile("/twilio/2010-04-01/Accounts/([^/]+)/Messages\\.json");
  /** Twilio's longest message body, in characters. */
  public static final int TWILIO_MAX_BODY = 1600;

  /**
   * One received request.
   *
   * @param status what it was answered (204 for an accepted callback)
   * @param response the body answered (null when none)
   * @param at when it was received
   */
  public record Received(String path, Map<String, List<String>> headers, String body, int status, String response,
      Instant at, String answeredId) {
    public Received(String path, Map<String, List<String>> headers, String body, int status, String response,
        Instant at) {
      this(path, headers, body, status, response, at, null);
    }

    public Received(String path, Map<String, List<String>> headers, String body, Instant at) {
      this(path, headers, body, 204, null, at);
    }

    /** True for a request to the Mailgun or SendGrid double. */
    public boolean email() {
      return path.startsWith(MAILGUN) || path.startsWith(SENDGRID);
    }

    /** The id the email double answered: Mailgun's {@code id}, SendGrid's {@code X-Message-Id}; or null. */
    public String emailId() {
      if (answeredId != null || response == null) {
        return answeredId;
      }
      JsonNode id = parse(response);
      return id != null && id.path("id").isTextual() ? id.path("id").asText() : null;
    }

    public String header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().get(0))
          .findFirst()
          .orElse(null);
    }

    /** True for a request to the Graph API double. */
    public boolean graph() {
      return path.startsWith(GRAPH);
    }

    /** True for a request to the Twilio REST API double. */
    public boolean twilio() {
      return path.startsWith(TWILIO);
    }

    /**
     * The request's {@code application/x-www-form-urlencoded} body (a Twilio request's), decoded:
     * each name with its values in order.
     */
    public Map<String, List<String>> form() {
      return parseForm(body);
    }

    /** The first value of a form parameter, or null. */
    public String param(String name) {
      List<String> values = form().get(name);
      return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** The SID a Twilio request was answered with, or null. */
    public String sid() {
      if (response == null) {
        return null;
      }
      try {
        JsonNode sid = Json.MAPPER.readTree(response).path("sid");
        return sid.isTextual() ? sid.asText() : null;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** The request body as JSON (a Graph request's). */
    public JsonNode json() {
      try {
        return Json.MAPPER.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** The wamid a Graph request was answered with, or null. */
    public String wamid() {
      if (response == null) {
        return null;
      }
      try {
        JsonNode id = Json.MAPPER.readTree(response).path("messages").path(0).path("id");
        return id.isTextual() ? id.asText() : null;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /**
   * A Graph API error answer: {@code {"error":{"message","type":"OAuthException","code",
   * "error_subcode","fbtrace_id"}}} with an HTTP status; with {@code code} null the body is empty
   * (an outage in front of the API).
   */
  public record GraphError(int httpStatus, Integer code, Integer subcode, String message) {
    public static GraphError of(int httpStatus, int code, String message) {
      return new GraphError(httpStatus, code, null, message);
    }

    /** A bare status without a Graph body. */
    public static GraphError status(int httpStatus) {
      return new GraphError(httpStatus, null, null, null);
    }
  }

  /**
   * A Twilio REST error answer: {@code {"code","message","more_info","status"}} with an HTTP
   * status; with {@code code} null the body is empty (an outage in front of the API).
   */
  public record TwilioError(int httpStatus, Integer code, String message) {
    public static TwilioError of(int httpStatus, int code, String message) {
      return new TwilioError(httpStatus, code, message);
    }

    /** A bare status without a Twilio body. */
    public static TwilioError status(int httpStatus) {
      return new TwilioError(httpStatus, null, null);
    }
  }

  private static final DateTimeFormatter RFC_2822 =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss Z", java.util.Locale.ENGLISH).withZone(ZoneOffset.UTC);

  private final HttpServer server;
  private final Map<String, String> pages = new java.util.concurrent.ConcurrentHashMap<>();
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final AtomicInteger failuresLeft = new AtomicInteger();
  private final AtomicInteger graphFailuresLeft = new AtomicInteger();
  private final AtomicInteger twilioFailuresLeft = new AtomicInteger();
  private final Queue<String> nextWamids = new ConcurrentLinkedQueue<>();
  private final Queue<String> nextSids = new ConcurrentLinkedQueue<>();
  private volatile TwilioError twilioFailure = TwilioError.status(500);
  private volatile String twilioAuthToken = TestTenants.TWILIO_AUTH_TOKEN;
  private final AtomicInteger attempts = new AtomicInteger();
  private final SecureRandom random = new SecureRandom();
  private volatile int failureStatus = 503;
  private volatile GraphError graphFailure = GraphError.status(500);
  private volatile String graphAccessToken = TestTenants.WHATSAPP_ACCESS_TOKEN;
  private final AtomicInteger emailFailuresLeft = new AtomicInteger();
  private volatile int emailFailureStatus = 500;
  private volatile String mailgunApiKey = TestTenants.MAILGUN_API_KEY;
  private volatile String sendGridApiKey = TestTenants.SENDGRID_API_KEY;

  public CallbackReceiver() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", exchange -> {
      String path = exchange.getRequestURI().getPath();
      if ("GET".equals(exchange.getRequestMethod()) && !path.startsWith("/callback")
          && !path.startsWith(GRAPH) && !path.startsWith(TWILIO)) {
        // A browser on a page served here (the page, then its favicon): not a callback.
        String page = pages.get(path);
        byte[] html = page == null ? new byte[0] : page.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
        exchange.sendResponseHeaders(page == null ? 404 : 200, page == null ? -1 : html.length);
        if (page != null) {
          exchange.getResponseBody().write(html);
        }
        exchange.close();
        return;
      }
      byte[] body = exchange.getRequestBody().readAllBytes();
      attempts.incrementAndGet();
      if (exchange.getRequestURI().getPath().startsWith(GRAPH)) {
        graph(exchange, new String(body, StandardCharsets.UTF_8));
        return;
      }
      if (exchange.getRequestURI().getPath().startsWith(TWILIO)) {
        twilio(exchange, new String(body, StandardCharsets.UTF_8));
        return;
      }
      if (exchange.getRequestURI().getPath().startsWith(MAILGUN)) {
        mailgun(exchange, new String(body, StandardCharsets.UTF_8));
        return;
      }
      if (exchange.getRequestURI().getPath().startsWith(SENDGRID)) {
        sendGrid(exchange, new String(body, StandardCharsets.UTF_8));
        return;
      }
      int status;
      if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        status = failureStatus;
      } else {
        received.add(new Received(exchange.getRequestURI().getPath(),
            Map.copyOf(exchange.getRequestHeaders()), new String(body, StandardCharsets.UTF_8), Instant.now()));
        status = 204;
      }
      exchange.sendResponseHeaders(status, -1);
      exchange.close();
    });
    server.start();
  }

  private void graph(HttpExchange exchange, String body) throws IOException {
    int status;
    String answer;
    JsonNode request = parse(body);
    String to = request == null ? null : request.path("to").asText(null);
    if (graphFailuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      GraphError failure = graphFailure;
      status = failure.httpStatus();
      answer = failure.code() == null ? null : errorBody(failure.code(), failure.subcode(), failure.message());
    } else if (!("Bearer " + graphAccessToken).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
      status = 401;
      answer = errorBody(190, null, "Invalid OAuth access token - Cannot parse access token");
    } else if (!"POST".equals(exchange.getRequestMethod()) || !exchange.getRequestURI().getPath().endsWith("/messages")
        || request == null || !"whatsapp".equals(request.path("messaging_product").asText()) || to == null) {
      status = 400;
      answer = errorBody(100, null, "(#100) Invalid parameter");
    } else {
      status = 200;
      ObjectNode ok = Json.MAPPER.createObjectNode();
      ok.put("messaging_product", "whatsapp");
      ObjectNode contact = ok.putArray("contacts").addObject();
      contact.put("input", to);
      contact.put("wa_id", to.startsWith("+") ? to.substring(1) : to);
      String wamid = nextWamids.poll();
      ok.putArray("messages").addObject().put("id", wamid != null ? wamid : "wamid.HBgL" + token(24));
      answer = Json.write(ok);
    }
    answer(exchange, body, status, answer);
  }

  /** Records the request and answers it, with a JSON body when there is one. */
  private void answer(HttpExchange exchange, String body, int status, String answer) throws IOException {
    answer(exchange, body, status, answer, "application/json", null);
  }

  /** The same, the body of {@code type}, and {@code answeredId} as SendGrid's {@code X-Message-Id} when set. */
  private void answer(HttpExchange exchange, String body, int status, String answer, String type, String answeredId)
      throws IOException {
    received.add(new Received(exchange.getRequestURI().getPath(), Map.copyOf(exchange.getRequestHeaders()), body,
        status, answer, Instant.now(), answeredId));
    if (answeredId != null) {
      exchange.getResponseHeaders().set("X-Message-Id", answeredId);
    }
    if (answer == null) {
      exchange.sendResponseHeaders(status, -1);
    } else {
      byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", type);
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
    exchange.close();
  }

  /** Twilio's Messages resource: {@code POST /2010-04-01/Accounts/<sid>/Messages.json}. */
  private void twilio(HttpExchange exchange, String body) throws IOException {
    String path = exchange.getRequestURI().getPath();
    Matcher messages = TWILIO_MESSAGES.matcher(path);
    String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
    Map<String, List<String>> form = contentType != null && contentType.startsWith("application/x-www-form-urlencoded")
        ? parseForm(body) : Map.of();
    String to = first(form, "To");
    String from = first(form, "From");
    String text = first(form, "Body");
    String expected = "Basic " + Base64.getEncoder().encodeToString(
        (TestTenants.TWILIO_ACCOUNT_SID + ":" + twilioAuthToken).getBytes(StandardCharsets.UTF_8));
    int status;
    String answer;
    if (twilioFailuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      TwilioError failure = twilioFailure;
      status = failure.httpStatus();
      answer = failure.code() == null ? null : twilioError(failure.code(), failure.message(), status);
    } else if (!expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
      status = 401;
      answer = twilioError(20003, "Authenticate", status);
    } else if (!messages.matches() || !TestTenants.TWILIO_ACCOUNT_SID.equals(messages.group(1))) {
      status = 404;
      answer = twilioError(20404, "The requested resource " + path + " was not found", status);
    } else if (!"POST".equals(exchange.getRequestMethod())) {
      status = 405;
      answer = twilioError(20004, "Method not allowed", status);
    } else if (to == null || to.isBlank()) {
      status = 400;
      answer = twilioError(21604, "A 'To' phone number is required.", status);
    } else if ((from == null || from.isBlank()) && first(form, "MessagingServiceSid") == null) {
      status = 400;
      answer = twilioError(21603, "A 'From' phone number is required.", status);
    } else if ((text == null || text.isEmpty()) && first(form, "ContentSid") == null && first(form, "MediaUrl") == null) {
      status = 400;
      answer = twilioError(21602, "Message body is required.", status);
    } else if (text != null && text.length() > TWILIO_MAX_BODY) {
      status = 400;
      answer = twilioError(21617, "The concatenated message body exceeds the 1600 character limit.", status);
    } else {
      status = 201;
      String next = nextSids.poll();
      String sid = next != null ? next : "SM" + HexFormat.of().formatHex(randomBytes(16));
      String now = RFC_2822.format(Instant.now());
      ObjectNode message = Json.MAPPER.createObjectNode();
      message.put("account_sid", TestTenants.TWILIO_ACCOUNT_SID);
      message.put("api_version", "2010-04-01");
      message.put("body", text == null ? "" : text);
      message.put("date_created", now);
      message.putNull("date_sent");
      message.put("date_updated", now);
      message.put("direction", "outbound-api");
      message.putNull("error_code");
      message.putNull("error_message");
      message.put("from", from);
      message.putNull("messaging_service_sid");
      message.put("num_media", "0");
      int length = text == null ? 0 : text.length();
      // 160 characters fit one SMS; longer texts go in segments of 153 (GSM-7, with the header).
      message.put("num_segments", Integer.toString(length <= 160 ? 1 : (length + 152) / 153));
      message.putNull("price");
      message.put("price_unit", "USD");
      message.put("sid", sid);
      message.put("status", "queued");
      String uri = "/2010-04-01/Accounts/" + TestTenants.TWILIO_ACCOUNT_SID + "/Messages/" + sid;
      message.putObject("subresource_uris").put("media", uri + "/Media.json");
      message.put("to", to);
      message.put("uri", uri + ".json");
      answer = Json.write(message);
    }
    answer(exchange, body, status, answer);
  }

  /** Mailgun's messages API: {@code POST /v3/<domain>/messages}. */
  private void mailgun(HttpExchange exchange, String body) throws IOException {
    String path = exchange.getRequestURI().getPath();
    Matcher messages = MAILGUN_MESSAGES.matcher(path);
    String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
    Map<String, List<String>> form = contentType != null && contentType.startsWith("application/x-www-form-urlencoded")
        ? parseForm(body) : Map.of();
    String expected = "Basic " + Base64.getEncoder().encodeToString(
        ("api:" + mailgunApiKey).getBytes(StandardCharsets.UTF_8));
    String to = first(form, "to");
    int status;
    String answer;
    if (emailFailuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      status = emailFailureStatus;
      answer = mailgunMessage(status == 429 ? "Too many requests" : "Mailgun trouble (" + status + ")");
    } else if (!expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
      // Mailgun answers a wrong key with a bare word, not JSON.
      answer(exchange, body, 401, "Forbidden", "text/plain", null);
      return;
    } else if (!messages.matches() || !"POST".equals(exchange.getRequestMethod())) {
      status = 404;
      answer = mailgunMessage("Not Found");
    } else if (!TestTenants.MAILGUN_DOMAIN.equals(messages.group(1))) {
      status = 404;
      answer = mailgunMessage("Domain not found: " + messages.group(1));
    } else if (first(form, "from") == null || first(form, "from").isBlank()) {
      status = 400;
      answer = mailgunMessage("from parameter is missing");
    } else if (to == null || to.isBlank()) {
      status = 400;
      answer = mailgunMessage("to parameter is missing");
    } else if (!to.matches("(\"[^\"]*\" )?<?[^@<>\\s]+@[^@<>\\s]+>?")) {
      status = 400;
      answer = mailgunMessage("to parameter is not a valid address. please check documentation");
    } else if (first(form, "subject") == null) {
      status = 400;
      answer = mailgunMessage("subject parameter is missing");
    } else if (first(form, "text") == null && first(form, "html") == null) {
      status = 400;
      answer = mailgunMessage("Need at least one of 'text' or 'html' parameters specified");
    } else {
      status = 200;
      String id = first(form, "h:Message-Id");
      ObjectNode ok = Json.MAPPER.createObjectNode();
      ok.put("id", id != null ? id : "<" + RFC_2822.format(Instant.now()).replaceAll("\\W", "") + "." + token(9)
          + "@" + TestTenants.MAILGUN_DOMAIN + ">");
      ok.put("message", "Queued. Thank you.");
      answer = Json.write(ok);
    }
    answer(exchange, body, status, answer);
  }

  private static String mailgunMessage(String message) {
    ObjectNode error = Json.MAPPER.createObjectNode();
    error.put("message", message);
    return Json.write(error);
  }

  /** SendGrid's v3 mail send: {@code POST /v3/mail/send}. */
  private void sendGrid(HttpExchange exchange, String body) throws IOException {
    String path = exchange.getRequestURI().getPath();
    JsonNode request = parse(body);
    int status;
    String answer = null;
    String messageId = null;
    if (emailFailuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      status = emailFailureStatus;
      answer = sendGridError(status == 429 ? "too many requests" : "internal error", null);
    } else if (!("Bearer " + sendGridApiKey).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
      status = 401;
      answer = sendGridError("The provided authorization grant is invalid, expired, or revoked", null);
    } else if (!"/sendgrid/v3/mail/send".equals(path) || !"POST".equals(exchange.getRequestMethod())) {
      status = 404;
      answer = sendGridError("not found", null);
    } else if (request == null) {
      status = 400;
      answer = sendGridError("Bad Request", null);
    } else if (!request.path("personalizations").path(0).path("to").path(0).path("email").asText("").matches("[^@\\s]+@[^@\\s]+")) {
      status = 400;
      answer = sendGridError("Does not contain a valid address.", "personalizations.0.to.0.email");
    } else if (!request.path("from").path("email").asText("").contains("@")) {
      status = 400;
      answer = sendGridError("The from email does not contain a valid address.", "from.email");
    } else if (request.path("subject").asText("").isBlank()) {
      status = 400;
      answer = sendGridError("The subject is required.", "subject");
    } else if (request.path("content").path(0).path("value").asText("").isEmpty()) {
      status = 400;
      answer = sendGridError("The content value must be a string at least one character in length.", "content.0.value");
    } else if (reservedHeader(request.path("headers")) != null) {
      status = 400;
      answer = sendGridError("The header " + reservedHeader(request.path("headers")) + " is reserved.", "headers");
    } else {
      status = 202;
      messageId = token(16);
    }
    answer(exchange, body, status, answer, "application/json", messageId);
  }

  private static String reservedHeader(JsonNode headers) {
    for (java.util.Iterator<String> it = headers.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (SENDGRID_RESERVED.contains(name.toLowerCase(java.util.Locale.ROOT))) {
        return name;
      }
    }
    return null;
  }

  private static String sendGridError(String message, String field) {
    ObjectNode root = Json.MAPPER.createObjectNode();
    ObjectNode error = root.putArray("errors").addObject();
    error.put("message", message);
    if (field == null) {
      error.putNull("field");
    } else {
      error.put("field", field);
    }
    error.putNull("help");
    return Json.write(root);
  }

  private static String twilioError(int code, String message, int status) {
    ObjectNode error = Json.MAPPER.createObjectNode();
    error.put("code", code);
    error.put("message", message);
    error.put("more_info", "https://www.twilio.com/docs/errors/" + code);
    error.put("status", status);
    return Json.write(error);
  }

  private static Map<String, List<String>> parseForm(String body) {
    Map<String, List<String>> form = new LinkedHashMap<>();
    if (body == null || body.isEmpty()) {
      return form;
    }
    for (String pair : body.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      form.computeIfAbsent(name, k -> new ArrayList<>(1)).add(value);
    }
    return form;
  }

  private static String first(Map<String, List<String>> form, String name) {
    List<String> values = form.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  private String errorBody(int code, Integer subcode, String message) {
    ObjectNode root = Json.MAPPER.createObjectNode();
    ObjectNode error = root.putObject("error");
    error.put("message", message);
    error.put("type", "OAuthException");
    error.put("code", code);
    if (subcode != null) {
      error.put("error_subcode", subcode);
    }
    error.put("fbtrace_id", "A" + token(15));
    return Json.write(root);
  }

  private static JsonNode parse(String body) {
    try {
      JsonNode node = Json.MAPPER.readTree(body);
      return node != null && node.isObject() ? node : null;
    } catch (IOException e) {
      return null;
    }
  }

  private String token(int bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(bytes));
  }

  private byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  public String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  /**
   * Serves {@code html} at {@code GET path}: a tenant's web page on an origin of its own (this
   * receiver's), such as one embedding the web chat widget. Not recorded as a callback.
   */
  public void page(String path, String html) {
    pages.put(path, html);
  }

  /** The next {@code n} callback requests (not Graph or Twilio ones) get {@code status} and are not recorded. */
  public void failNext(int n, int status) {
    failureStatus = status;
    failuresLeft.set(n);
  }

  /** The next {@code n} Graph API requests are answered with {@code error}. */
  public void failGraphNext(int n, GraphError error) {
    graphFailure = error;
    graphFailuresLeft.set(n);
  }

  /** The access token the Graph API double accepts (default: {@link TestTenants#WHATSAPP_ACCESS_TOKEN}). */
  public void graphAccessToken(String token) {
    graphAccessToken = token;
  }

  /** The next message the Graph API double accepts gets this wamid (then new ones again). */
  public void nextWamid(String wamid) {
    nextWamids.add(wamid);
  }

  /** The next {@code n} Twilio REST requests are answered with {@code error}. */
  public void failTwilioNext(int n, TwilioError error) {
    twilioFailure = error;
    twilioFailuresLeft.set(n);
  }

  /** The auth token the Twilio double accepts with the test account (default: {@link TestTenants#TWILIO_AUTH_TOKEN}). */
  public void twilioAuthToken(String token) {
    twilioAuthToken = token;
  }

  /** The next message the Twilio double accepts gets this SID (then new ones again). */
  public void nextSid(String sid) {
    nextSids.add(sid);
  }

  /** The next {@code n} Mailgun or SendGrid requests are answered with {@code status} and the provider's error body. */
  public void failEmailNext(int n, int status) {
    emailFailureStatus = status;
    emailFailuresLeft.set(n);
  }

  /** The API keys the Mailgun and SendGrid doubles accept (defaults: {@link TestTenants}'). */
  public void emailApiKeys(String mailgun, String sendGrid) {
    mailgunApiKey = mailgun;
    sendGridApiKey = sendGrid;
  }

  /** The Mailgun and SendGrid requests that sent an email to this address, in arrival order. */
  public List<Received> emailRequestsTo(String address) {
    return received.stream().filter(Received::email).filter(r -> {
      if (r.path().startsWith(MAILGUN)) {
        String to = r.param("to");
        return to != null && (to.equals(address) || to.endsWith("<" + address + ">"));
      }
      JsonNode json = parse(r.body());
      return json != null && address.equals(json.path("personalizations").path(0).path("to").path(0).path("email")
          .asText(null));
    }).toList();
  }

  /** Everything received: the tenants' callbacks and the provider API doubles' requests. */
  public List<Received> received() {
    return List.copyOf(received);
  }

  /** The requests to tenants' callbacks only (Baton's own outbound format), not the provider doubles'. */
  public List<Received> callbacks() {
    return received.stream().filter(r -> !r.graph() && !r.twilio() && !r.email()).toList();
  }

  /** The Graph API requests that sent a message to this number ({@code to}), in arrival order. */
  public List<Received> graphRequestsTo(String to) {
    return received.stream().filter(Received::graph).filter(r -> {
      JsonNode json = parse(r.body());
      return json != null && to.equals(json.path("to").asText(null));
    }).toList();
  }

  /** The Twilio REST requests that sent a message to this address ({@code To}, e.g. {@code whatsapp:+1...}), in order. */
  public List<Received> twilioRequestsTo(String to) {
    return received.stream().filter(Received::twilio).filter(r -> to.equals(r.param("To"))).toList();
  }

  public int attempts() {
    return attempts.get();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
