package dev.baton.gateway.service;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.ConcurrentHashMap;

/** Open SSE streams per agent, so one agent (or a stolen token) cannot hold unlimited ones. */
@ApplicationScoped
public class StreamConnections {
  private final ConcurrentHashMap<String, Integer> open = new ConcurrentHashMap<>();

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
    return opened[0];
  }

  public void close(String agent) {
    open.computeIfPresent(agent, (a, n) -> n <= 1 ? null : n - 1);
  }

  public int open(String agent) {
    return open.getOrDefault(agent, 0);
  }
}
