package dev.baton.handoff.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.baton.schemas.Slot;
import dev.baton.schemas.Slot.SlotType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class StateLimitsTest {
  private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
  private final StateLimits limits = StateLimits.DEFAULTS;

  @Test
  void timesWithinTheWindowAreKeptAndOthersReadAsNow() {
    assertEquals(NOW.minus(Duration.ofHours(23)), limits.bound(NOW.minus(Duration.ofHours(23)), NOW));
    assertEquals(NOW.plus(Duration.ofHours(24)), limits.bound(NOW.plus(Duration.ofHours(24)), NOW));
    assertEquals(NOW, limits.bound(NOW.minus(Duration.ofHours(25)), NOW));
    assertEquals(NOW, limits.bound(Instant.MIN, NOW));
    assertEquals(NOW, limits.bound(Instant.MAX, NOW));
    assertEquals(NOW, limits.bound(null, NOW));
  }

  @Test
  void slotsKeepTheNewestDistinctValuesOfEachKind() {
    StateLimits two = new StateLimits(Duration.ofHours(1), 64 * 1024, 2);
    List<Slot> earlier = List.of(new Slot(SlotType.ORDER_NUMBER, "A1"), new Slot(SlotType.EMAIL, "a@x.io"),
        new Slot(SlotType.ORDER_NUMBER, "A2"));
    List<Slot> kept = two.boundSlots(earlier, List.of(new Slot(SlotType.ORDER_NUMBER, "A3"),
        new Slot(SlotType.ORDER_NUMBER, "A2")));
    assertEquals(List.of(new Slot(SlotType.EMAIL, "a@x.io"), new Slot(SlotType.ORDER_NUMBER, "A3"),
        new Slot(SlotType.ORDER_NUMBER, "A2")), kept);
  }

  @Test
  void aBoundBeyondHalfTheRecordLimitIsRefusedAtStart() {
    assertThrows(IllegalArgumentException.class, () -> new StateLimits(Duration.ofHours(1), 900_000, 8));
    assertThrows(IllegalArgumentException.class, () -> new StateLimits(Duration.ZERO, 64 * 1024, 8));
  }
}
