package dev.baton.gateway.service;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Open SSE streams per agent, so one agent (or a stolen token) cannot hold unlimited ones; their
 * total is the gauge {@code baton_sse_connections{stream="agent"}}.
 */
@ApplicationScoped
@Startup // its gauge is there (at 0) before the first agent connects
public class StreamConnections {
  private final ConcurrentHashMap<String, Integer> open = new ConcurrentHashMap<>();
  private final AtomicInteger total = new AtomicInteger();

  public StreamConnections(MeterRegistry registry) {
    Gauge.builder("baton.sse.connections", total, AtomicInteger::get).description("open server-sent event streams")
        .tag("stream", "agent").register(registry);
  }

  /** Counts one more stream of {@code agent}; false (and nothing counted) when it has {@code max}. */
  public boolean tryOpen(String agent, int max) {
    boolean[] opened = {false};
    open.compute(agent, (a, n) -> {
      int current = n == null ? 0 : n;
      if (current >= max) {
        return n;
      }
      opened[0] = true;
      return current + 1;
    });
    if (opened[0]) {
      total.incrementAndGet();
    }
    return opened[0];
  }

  public void close(String agent) {
    boolean[] closed = {false};
    open.computeIfPresent(agent, (a, n) -> {
      closed[0] = true;
      return n <= 1 ? null : n - 1;
    });
    if (closed[0]) {
      total.decrementAndGet();
    }
  }

  public int open(String agent) {
    return open.getOrDefault(agent, 0);
  }
}
