package dev.baton.gateway;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/** SSE streams a test opens, collecting their lines; {@link #closeAll()} ends them (per-agent caps). */
final class SseClients {
  private final List<CompletableFuture<HttpResponse<Stream<String>>>> open = new CopyOnWriteArrayList<>();

  /** Opens a stream and collects its lines until it is closed. */
  List<String> open(URI stream, String authorization, String lastEventId) {
    List<String> lines = new CopyOnWriteArrayList<>();
    HttpRequest.Builder request = HttpRequest.newBuilder(stream).header("Authorization", authorization);
    if (lastEventId != null) {
      request.header("Last-Event-ID", lastEventId);
    }
    CompletableFuture<HttpResponse<Stream<String>>> response =
        HttpClient.newHttpClient().sendAsync(request.build(), HttpResponse.BodyHandlers.ofLines());
    open.add(response);
    response.thenAcceptAsync(r -> {
      try {
        r.body().forEach(lines::add);
      } catch (RuntimeException closed) {
        // closeAll() ended the stream.
      }
    });
    return lines;
  }

  /** One parsed Server-Sent Event. */
  record Event(String id, String name, String data) {}

  /** The complete events in these lines (an event ends with a blank line), in order. */
  static List<Event> events(List<String> lines) {
    List<Event> out = new java.util.ArrayList<>();
    String id = null;
    String name = null;
    StringBuilder data = null;
    for (String line : List.copyOf(lines)) {
      if (line.isEmpty()) {
        if (data != null) {
          out.add(new Event(id, name == null ? "message" : name, data.toString()));
        }
        id = null;
        name = null;
        data = null;
      } else if (line.startsWith("id:")) {
        id = line.substring(3).strip();
      } else if (line.startsWith("event:")) {
        name = line.substring(6).strip();
      } else if (line.startsWith("data:")) {
        String d = line.substring(5);
        d = d.startsWith(" ") ? d.substring(1) : d;
        data = data == null ? new StringBuilder(d) : data.append('\n').append(d);
      }
    }
    return out;
  }

  /** The events named {@code name} whose data mentions {@code text}. */
  static List<Event> named(List<String> lines, String name, String text) {
    return events(lines).stream().filter(e -> e.name().equals(name) && e.data().contains(text)).toList();
  }

  void closeAll() {
    for (var response : open) {
      response.thenAccept(r -> r.body().close());
    }
    open.clear();
  }
}
