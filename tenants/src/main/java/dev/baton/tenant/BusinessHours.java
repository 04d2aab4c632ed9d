package dev.baton.tenant;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Set;

/** When agents are there to answer, in the tenant's time zone. */
public record BusinessHours(Set<DayOfWeek> days, LocalTime open, LocalTime close) {

  public static final BusinessHours ALWAYS =
      new BusinessHours(Set.of(DayOfWeek.values()), LocalTime.MIN, LocalTime.MAX);

  public BusinessHours {
    days = Set.copyOf(days);
  }

  public boolean isOpen(Instant at, ZoneId zone) {
    ZonedDateTime local = at.atZone(zone);
    LocalTime time = local.toLocalTime();
    return days.contains(local.getDayOfWeek()) && !time.isBefore(open) && time.isBefore(close);
  }

  /** The next opening time at or after {@code at}, for telling the customer when to expect us. */
  public ZonedDateTime nextOpening(Instant at, ZoneId zone) {
    ZonedDateTime local = at.atZone(zone);
    for (int day = 0; day <= 7; day++) {
      ZonedDateTime candidate = local.plusDays(day).with(open);
      if (days.contains(candidate.getDayOfWeek()) && !candidate.isBefore(local)) {
        return candidate;
      }
    }
    return local;
  }
}
