package dev.baton.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.schemas.serde.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * One agent's open {@code GET /v1/agent/stream} on the gateway, as the desktop keeps it: the
 * {@code handoff} events it has delivered so far, by conversation id.
 */
final class AgentStream implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final Map<String, String> handoffs = new ConcurrentHashMap<>();
  private final CompletableFuture<HttpResponse<Stream<String>>> response;

  AgentStream(URI stream, String token) {
    HttpRequest request = HttpRequest.newBuilder(stream).header("Authorization", "Bearer " + token).build();
    response = HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofLines());
    response.thenAcceptAsync(r -> {
      Event event = new Event();
      try {
        r.body().forEach(line -> event.line(line, handoffs));
      } catch (RuntimeException closed) {
        // close() ended the stream, or the gateway went away.
      }
    });
  }

  /** Conversation id to handoff id, for every {@code handoff} event received so far. */
  Map<String, String> handoffs() {
    return Map.copyOf(handoffs);
  }

  @Override
  public void close() {
    response.thenAccept(r -> r.body().close());
  }

  /** The event being read: its name and data lines, until the blank line that ends it. */
  private static final class Event {
    private String name;
    private final StringBuilder data = new StringBuilder();

    void line(String line, Map<String, String> handoffs) {
      if (line.isEmpty()) {
        if ("handoff".equals(name)) {
          JsonNode d = read(data.toString());
          handoffs.put(d.path("conversationId").asText(), d.path("conversation").path("handoffId").asText());
        }
        name = null;
        data.setLength(0);
      } else if (line.startsWith("event:")) {
        name = line.substring(6).strip();
      } else if (line.startsWith("data:")) {
        data.append(data.isEmpty() ? "" : "\n").append(line.substring(5).stripLeading());
      }
    }

    private static JsonNode read(String json) {
      try {
        return Json.MAPPER.readTree(json);
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON: " + json, e);
      }
    }
  }
}
