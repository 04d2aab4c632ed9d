package dev.baton.intake.delivery;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Stands in for the tenants' partner callbacks (plain HTTP on loopback), one path per tenant
 * ({@code /callback/<tenant>}), each with its own behaviour: healthy (204), failing (a status),
 * or trickling (headers 200 at once, then the body a byte at a time). Single messages can be
 * held failing by id until released. Records every accepted message in arrival order.
 */
public final class PartnerCallbacks implements AutoCloseable {
  /** How a tenant's callback answers. */
  public enum Mode {
    HEALTHY,
    FAILING,
    TRICKLING
  }

  /** One accepted message. */
  public record Received(String tenant, String messageId, String body, long atNanos) {}

  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "partner-callback");
    t.setDaemon(true);
    return t;
  });
  private final Map<String, Mode> modes = new ConcurrentHashMap<>();
  private volatile int failureStatus = 500;
  private volatile Duration trickleInterval = Duration.ofMillis(100);
  private volatile Duration trickleFor = Duration.ofSeconds(60);
  private final Set<String> heldFailing = ConcurrentHashMap.newKeySet();
  private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
  private final AtomicInteger trickling = new AtomicInteger();
  private final List<Received> received = new CopyOnWriteArrayList<>();

  public PartnerCallbacks() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(threads); // a trickling answer must not hold up the other tenants' answers
    server.createContext("/callback/", this::handle);
    server.start();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      String tenant = exchange.getRequestURI().getPath().substring("/callback/".length());
      String id = exchange.getRequestHeaders().getFirst("Idempotency-Key");
      attempts.computeIfAbsent(String.valueOf(id), k -> new AtomicInteger()).incrementAndGet();
      Mode mode = mode(tenant);
      if (mode == Mode.FAILING || heldFailing.contains(String.valueOf(id))) {
        exchange.sendResponseHeaders(failureStatus, -1);
        return;
      }
      if (mode == Mode.TRICKLING) {
        trickle(exchange, tenant);
        if (mode(tenant) != Mode.TRICKLING) {
          record(tenant, id, body); // let go: the answer completed
        }
        return;
      }
      record(tenant, id, body);
      exchange.sendResponseHeaders(204, -1);
    }
  }

  private void trickle(HttpExchange exchange, String tenant) throws IOException {
    trickling.incrementAndGet();
    try {
      exchange.sendResponseHeaders(200, 0); // chunked: the body follows, slowly
      OutputStream out = exchange.getResponseBody();
      long end = System.nanoTime() + trickleFor.toNanos();
      while (System.nanoTime() < end && mode(tenant) == Mode.TRICKLING) {
        out.write(' ');
        out.flush();
        LockSupport.parkNanos(trickleInterval.toNanos());
      }
      out.close();
    } catch (IOException e) {
      // The client gave up on us: what a deadline is for.
    } finally {
      trickling.decrementAndGet();
    }
  }

  private void record(String tenant, String id, byte[] body) {
    received.add(new Received(tenant, id, new String(body, StandardCharsets.UTF_8), System.nanoTime()));
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public Mode mode(String tenant) {
    return modes.getOrDefault(tenant, Mode.HEALTHY);
  }

  public void mode(String tenant, Mode mode) {
    modes.put(tenant, mode);
  }

  public void failureStatus(int status) {
    failureStatus = status;
  }

  public void trickle(Duration interval, Duration total) {
    trickleInterval = interval;
    trickleFor = total;
  }

  /** Answers this message with the failure status until {@link #release}. */
  public void holdFailing(String messageId) {
    heldFailing.add(messageId);
  }

  public void release(String messageId) {
    heldFailing.remove(messageId);
  }

  /** Every tenant healthy, no message held. */
  public void reset() {
    modes.clear();
    heldFailing.clear();
    failureStatus = 500;
  }

  public int attempts(String messageId) {
    AtomicInteger n = attempts.get(messageId);
    return n == null ? 0 : n.get();
  }

  /** Answers being trickled right now. */
  public int trickling() {
    return trickling.get();
  }

  public List<Received> received() {
    return List.copyOf(received);
  }

  public List<Received> received(String messageId) {
    return received.stream().filter(r -> messageId.equals(r.messageId())).toList();
  }

  @Override
  public void close() {
    reset();
    server.stop(0);
    threads.shutdownNow();
  }
}
