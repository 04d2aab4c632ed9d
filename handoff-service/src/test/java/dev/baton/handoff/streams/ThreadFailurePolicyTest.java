package dev.baton.handoff.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;

class ThreadFailurePolicyTest {
  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

  @Test
  void aThreadThatKeepsDyingShutsTheClientDownSoLivenessGoesDown() {
    ThreadFailurePolicy policy = new ThreadFailurePolicy(3, Duration.ofMinutes(5));
    for (int i = 0; i < 3; i++) {
      assertEquals(StreamThreadExceptionResponse.REPLACE_THREAD, policy.onFailure(T0.plusSeconds(i)));
    }
    assertEquals(StreamThreadExceptionResponse.SHUTDOWN_CLIENT, policy.onFailure(T0.plusSeconds(3)));
    assertEquals(4, policy.recent(T0.plusSeconds(3)));
  }

  @Test
  void failuresFarApartAreEachReplaced() {
    ThreadFailurePolicy policy = new ThreadFailurePolicy(3, Duration.ofMinutes(5));
    for (int i = 0; i < 10; i++) {
      assertEquals(StreamThreadExceptionResponse.REPLACE_THREAD, policy.onFailure(T0.plus(Duration.ofMinutes(2L * i))));
    }
    assertEquals(3, policy.recent(T0.plus(Duration.ofMinutes(18))));
  }
}
