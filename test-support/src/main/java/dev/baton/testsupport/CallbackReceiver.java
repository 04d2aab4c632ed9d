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
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stands in for the far sides we cannot reach.
 *
 * <ul>
 *   <li>A tenant's callback endpoint (every path but {@code /graph/}): records every POST with its
 *       headers and answers 204; can be told to fail the next N requests with a status (those are
 *       not recorded).
 *   <li>Meta's Graph API under {@code /graph/} (a tenant's {@code apiBaseUrl} is
 *       {@code <base>/graph/v21.0}): {@code POST .../<phone-number-id>/messages} answers as the
 *       Cloud API does, 200 with {@code {"messaging_product":"whatsapp","contacts":[{"input",
 *       "wa_id"}],"messages":[{"id":"wamid...."}]}}, a new wamid each time; a request without the
 *       expected bearer token gets Meta's 401 (code 190), one that is not a message gets 400 (code
 *       100). Can be told to answer the next N requests with a Graph error body and status.
 *       Every Graph request is recorded, failed ones too, with the status and body answered.
 * </ul>
 */
public final class CallbackReceiver implements AutoCloseable {
  private static final String GRAPH = "/graph/";

  /**
   * One received request.
   *
   * @param status what it was answered (204 for an accepted callback)
   * @param response the body answered (null when none)
   * @param at when it was received
   */
  public record Received(String path, Map<String, List<String>> headers, String body, int status, String response,
      Instant at) {
    public Received(String path, Map<String, List<String>> headers, String body, Instant at) {
      this(path, headers, body, 204, null, at);
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

  private final HttpServer server;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final AtomicInteger failuresLeft = new AtomicInteger();
  private final AtomicInteger graphFailuresLeft = new AtomicInteger();
  private final AtomicInteger attempts = new AtomicInteger();
  private final SecureRandom random = new SecureRandom();
  private volatile int failureStatus = 503;
  private volatile GraphError graphFailure = GraphError.status(500);
  private volatile String graphAccessToken = TestTenants.WHATSAPP_ACCESS_TOKEN;

  public CallbackReceiver() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", exchange -> {
      byte[] body = exchange.getRequestBody().readAllBytes();
      attempts.incrementAndGet();
      if (exchange.getRequestURI().getPath().startsWith(GRAPH)) {
        graph(exchange, new String(body, StandardCharsets.UTF_8));
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
      ok.putArray("messages").addObject().put("id", "wamid.HBgL" + token(24));
      answer = Json.write(ok);
    }
    received.add(new Received(exchange.getRequestURI().getPath(), Map.copyOf(exchange.getRequestHeaders()), body,
        status, answer, Instant.now()));
    if (answer == null) {
      exchange.sendResponseHeaders(status, -1);
    } else {
      byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
    exchange.close();
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
    byte[] b = new byte[bytes];
    random.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  public String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  /** The next {@code n} callback requests (not Graph ones) get {@code status} and are not recorded. */
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

  /** Everything received: the tenants' callbacks and the provider API doubles' requests. */
  public List<Received> received() {
    return List.copyOf(received);
  }

  /** The requests to tenants' callbacks only (Baton's own outbound format), not the provider doubles'. */
  public List<Received> callbacks() {
    return received.stream().filter(r -> !r.graph()).toList();
  }

  /** The Graph API requests that sent a message to this number ({@code to}), in arrival order. */
  public List<Received> graphRequestsTo(String to) {
    return received.stream().filter(Received::graph).filter(r -> {
      JsonNode json = parse(r.body());
      return json != null && to.equals(json.path("to").asText(null));
    }).toList();
  }

  public int attempts() {
    return attempts.get();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
