package dev.baton.gateway.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.baton.gateway.config.GatewayConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Failed sign-ins counted per client address, in a fixed window from the address's first failure:
 * after {@code maxFailures} in one window the address is refused until the window ends. Memory is
 * bounded: at most {@code maxAddresses} addresses are remembered (Caffeine forgets the least used
 * first), and each is forgotten when its window ends.
 */
@ApplicationScoped
public class FailedSignIns {
  /** Failures of one address in its current window. */
  private record Window(long startNanos, AtomicInteger failures) {}

  private final int maxFailures;
  private final long windowNanos;
  private final Ticker ticker;
  private final Cache<String, Window> windows;

  @Inject
  public FailedSignIns(GatewayConfig config) {
    this(config.auth().rateLimit().maxFailures(), config.auth().rateLimit().window(),
        config.auth().rateLimit().maxAddresses(), Ticker.systemTicker(), null);
  }

  /**
   * @param executor where Caffeine evicts; null for its default (the common pool), {@code Runnable::run}
   *     in tests so eviction is done when a call returns
   */
  FailedSignIns(int maxFailures, Duration window, long maxAddresses, Ticker ticker, Executor executor) {
    if (maxFailures < 1) {
      throw new IllegalArgumentException("gateway.auth.rate-limit.max-failures must be at least 1, was " + maxFailures);
    }
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("gateway.auth.rate-limit.window must be positive, was " + window);
    }
    if (maxAddresses < 1) {
      throw new IllegalArgumentException("gateway.auth.rate-limit.max-addresses must be at least 1, was " + maxAddresses);
    }
    this.maxFailures = maxFailures;
    this.windowNanos = window.toNanos();
    this.ticker = ticker;
    // A window ends a fixed time after its first failure: later failures do not extend it.
    Expiry<String, Window> fromFirstFailure = Expiry.creating((address, w) -> window);
    Caffeine<String, Window> builder = Caffeine.newBuilder().maximumSize(maxAddresses).ticker(ticker)
        .expireAfter(fromFirstFailure);
    if (executor != null) {
      builder.executor(executor);
    }
    this.windows = builder.build();
  }

  /** Empty when {@code address} may try to sign in; otherwise how long until it may again. */
  public Optional<Duration> refusedFor(String address) {
    Window w = windows.getIfPresent(address);
    long now = ticker.read();
    if (w == null || now - w.startNanos >= windowNanos || w.failures.get() < maxFailures) {
      return Optional.empty();
    }
    return Optional.of(Duration.ofNanos(w.startNanos + windowNanos - now));
  }

  /** Counts a failed sign-in of {@code address}. */
  public void failed(String address) {
    long now = ticker.read();
    windows.asMap().compute(address, (a, w) ->
        w == null || now - w.startNanos >= windowNanos ? new Window(now, new AtomicInteger(1)) : increment(w));
  }

  private static Window increment(Window w) {
    w.failures.incrementAndGet();
    return w;
  }

  /** Addresses remembered now (after pending evictions). */
  long remembered() {
    windows.cleanUp();
    return windows.estimatedSize();
  }
}
