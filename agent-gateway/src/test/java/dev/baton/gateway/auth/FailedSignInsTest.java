package dev.baton.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class FailedSignInsTest {
  private static final Duration WINDOW = Duration.ofMinutes(1);

  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final FailedSignIns failures = new FailedSignIns(3, WINDOW, 1000, now::get, Runnable::run);

  private void advance(Duration d) {
    now.addAndGet(d.toNanos());
  }

  @Test
  void anAddressIsRefusedOnlyOnceItHasHadMaxFailuresInTheWindow() {
    failures.failed("10.0.0.1");
    failures.failed("10.0.0.1");
    assertEquals(Optional.empty(), failures.refusedFor("10.0.0.1"), "two of three");

    advance(Duration.ofSeconds(20));
    failures.failed("10.0.0.1");

    assertEquals(Optional.of(Duration.ofSeconds(40)), failures.refusedFor("10.0.0.1"),
        "refused until a minute after the first failure");
  }

  @Test
  void theWindowRunsFromTheFirstFailureAndLaterOnesDoNotExtendIt() {
    failures.failed("a");
    advance(Duration.ofSeconds(50));
    failures.failed("a");
    failures.failed("a");
    failures.failed("a");
    assertEquals(Optional.of(Duration.ofSeconds(10)), failures.refusedFor("a"));

    advance(Duration.ofSeconds(10));

    assertEquals(Optional.empty(), failures.refusedFor("a"), "the window has passed");
    failures.failed("a");
    assertEquals(Optional.empty(), failures.refusedFor("a"), "a new window with one failure");
  }

  @Test
  void failuresSpreadOverWindowsAreNeverRefused() {
    for (int i = 0; i < 10; i++) {
      failures.failed("slow");
      failures.failed("slow");
      assertEquals(Optional.empty(), failures.refusedFor("slow"), "window " + i);
      advance(WINDOW);
    }
  }

  @Test
  void addressesAreCountedApart() {
    for (int i = 0; i < 3; i++) {
      failures.failed("attacker");
    }

    assertTrue(failures.refusedFor("attacker").isPresent());
    assertEquals(Optional.empty(), failures.refusedFor("colleague"));
  }

  @Test
  void memoryIsBoundedByMaxAddresses() {
    FailedSignIns small = new FailedSignIns(3, WINDOW, 100, now::get, Runnable::run);

    for (int i = 0; i < 10_000; i++) {
      small.failed("198.51.100." + i);
    }

    assertTrue(small.remembered() <= 100, "remembered " + small.remembered());
  }

  @Test
  void addressesAreForgottenWhenTheirWindowEnds() {
    for (int i = 0; i < 50; i++) {
      failures.failed("192.0.2." + i);
    }
    assertEquals(50, failures.remembered());

    advance(WINDOW);

    assertEquals(0, failures.remembered());
  }

  @Test
  void nonsenseSettingsAreRefusedNamingTheKey() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new FailedSignIns(0, WINDOW, 10, now::get, Runnable::run));
    assertTrue(e.getMessage().startsWith("gateway.auth.rate-limit.max-failures"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new FailedSignIns(3, Duration.ZERO, 10, now::get, Runnable::run));
    assertThrows(IllegalArgumentException.class, () -> new FailedSignIns(3, WINDOW, 0, now::get, Runnable::run));
  }
}
