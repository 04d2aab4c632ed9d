package dev.baton.handoff.streams;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;

/**
 * What to do when a stream thread dies. A failure may be passing (the broker restarting), so the
 * thread is replaced; more than {@code maxFailures} within {@code window} means it is not, and the
 * client shuts down so that liveness goes DOWN and the platform restarts the service. Thread-safe.
 */
final class ThreadFailurePolicy {
  private final int maxFailures;
  private final Duration window;
  private final Deque<Instant> failures = new ArrayDeque<>();

  ThreadFailurePolicy(int maxFailures, Duration window) {
    this.maxFailures = maxFailures;
    this.window = window;
  }

  synchronized StreamThreadExceptionResponse onFailure(Instant now) {
    failures.addLast(now);
    return recent(now) > maxFailures
        ? StreamThreadExceptionResponse.SHUTDOWN_CLIENT
        : StreamThreadExceptionResponse.REPLACE_THREAD;
  }

  /** Failures within the window before {@code now}. */
  synchronized int recent(Instant now) {
    Instant oldest = now.minus(window);
    while (!failures.isEmpty() && failures.peekFirst().isBefore(oldest)) {
      failures.removeFirst();
    }
    return failures.size();
  }
}
