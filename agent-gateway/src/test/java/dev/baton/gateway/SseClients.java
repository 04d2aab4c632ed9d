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

  void closeAll() {
    for (var response : open) {
      response.thenAccept(r -> r.body().close());
    }
    open.clear();
  }
}
