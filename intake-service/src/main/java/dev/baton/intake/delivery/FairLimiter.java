package dev.baton.intake.delivery;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Bounds the callback exchanges in flight: at most {@code max} in all and at most
 * {@code maxPerTenant} for one tenant, so a tenant whose partner is slow fills its own share and
 * never the others'. Waiters are granted a slot tenant by tenant in turn (round robin), each
 * tenant's waiters first come first served. Nothing blocks: {@link #run} returns at once and
 * starts the task when a slot is free.
 */
final class FairLimiter {
  private final int max;
  private final int maxPerTenant;
  private int inUse;
  private final Map<String, Integer> inUseByTenant = new HashMap<>();
  /** Tenants with waiters, in the order they are served next. */
  private final LinkedHashMap<String, ArrayDeque<CompletableFuture<Void>>> waiting = new LinkedHashMap<>();

  FairLimiter(int max, int maxPerTenant) {
    if (max < 1 || maxPerTenant < 1) {
      throw new IllegalArgumentException("concurrency limits must be at least 1");
    }
    this.max = max;
    this.maxPerTenant = maxPerTenant;
  }

  /** Runs {@code task} once {@code tenant} has a slot, and frees the slot when its stage ends. */
  <T> CompletionStage<T> run(String tenant, Supplier<CompletionStage<T>> task) {
    return acquire(tenant).thenCompose(granted -> {
      CompletionStage<T> stage;
      try {
        stage = task.get();
      } catch (RuntimeException e) {
        release(tenant);
        return CompletableFuture.failedFuture(e);
      }
      return stage.whenComplete((r, e) -> release(tenant));
    });
  }

  /** Exchanges in flight now (for tests and the benchmark). */
  synchronized int inUse() {
    return inUse;
  }

  synchronized int inUse(String tenant) {
    return inUseByTenant.getOrDefault(tenant, 0);
  }

  private CompletableFuture<Void> acquire(String tenant) {
    synchronized (this) {
      if (!waiting.containsKey(tenant) && inUse < max && inUse(tenant) < maxPerTenant) {
        take(tenant);
        return CompletableFuture.completedFuture(null);
      }
      CompletableFuture<Void> waiter = new CompletableFuture<>();
      waiting.computeIfAbsent(tenant, t -> new ArrayDeque<>()).add(waiter);
      return waiter;
    }
  }

  private void release(String tenant) {
    List<CompletableFuture<Void>> granted = new ArrayList<>();
    synchronized (this) {
      inUse--;
      inUseByTenant.merge(tenant, -1, Integer::sum);
      inUseByTenant.remove(tenant, 0);
      while (inUse < max) {
        String next = null;
        for (String t : waiting.keySet()) {
          if (inUse(t) < maxPerTenant) {
            next = t;
            break;
          }
        }
        if (next == null) {
          break;
        }
        ArrayDeque<CompletableFuture<Void>> queue = waiting.remove(next);
        take(next);
        granted.add(queue.poll());
        if (!queue.isEmpty()) {
          waiting.put(next, queue); // to the back of the round
        }
      }
    }
    // Outside the lock: completing a waiter starts its exchange on this thread.
    granted.forEach(w -> w.complete(null));
  }

  private void take(String tenant) {
    inUse++;
    inUseByTenant.merge(tenant, 1, Integer::sum);
  }
}
