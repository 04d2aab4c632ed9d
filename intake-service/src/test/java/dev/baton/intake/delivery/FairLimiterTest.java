package dev.baton.intake.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

class FairLimiterTest {

  /** A task that holds its slot until completed by the test. */
  private static final class Held {
    final CompletableFuture<Void> release = new CompletableFuture<>();
    boolean started;

    CompletionStage<Void> start() {
      started = true;
      return release;
    }
  }

  @Test
  void aTenantAtItsShareWaitsWhileOtherTenantsGetSlots() {
    FairLimiter limiter = new FairLimiter(4, 2);
    List<Held> slow = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Held h = new Held();
      slow.add(h);
      limiter.run("slow", h::start);
    }
    assertTrue(slow.get(0).started && slow.get(1).started);
    assertFalse(slow.get(2).started, "the slow tenant is held to its share");

    Held fast = new Held();
    limiter.run("fast", fast::start);
    assertTrue(fast.started, "another tenant is not held up by the slow one");
    assertEquals(3, limiter.inUse());

    slow.get(0).release.complete(null);
    assertTrue(slow.get(2).started, "a freed slot of the tenant goes to its next waiter");
  }

  @Test
  void whenAllSlotsAreTakenWaitingTenantsAreServedInTurn() {
    FairLimiter limiter = new FairLimiter(1, 1);
    Held first = new Held();
    limiter.run("a", first::start);
    List<String> order = new ArrayList<>();
    List<Held> waiting = new ArrayList<>();
    for (String t : List.of("a", "a", "b", "c")) {
      Held h = new Held();
      waiting.add(h);
      limiter.run(t, () -> {
        order.add(t);
        return h.start();
      });
    }
    first.release.complete(null);
    for (int i = 0; i < waiting.size(); i++) {
      waiting.stream().filter(h -> h.started && !h.release.isDone()).findFirst().orElseThrow().release.complete(null);
    }
    assertEquals(List.of("a", "b", "c", "a"), order, "round robin over tenants, not first come first served");
    assertEquals(0, limiter.inUse());
  }

  @Test
  void aTaskThatThrowsGivesItsSlotBack() {
    FairLimiter limiter = new FairLimiter(1, 1);
    CompletionStage<Void> failed = limiter.run("a", () -> {
      throw new IllegalStateException("boom");
    });
    assertTrue(failed.toCompletableFuture().isCompletedExceptionally());
    assertEquals(0, limiter.inUse());
  }
}
