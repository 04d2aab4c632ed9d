package dev.baton.tenant;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Set;

/** When agents are there to answer, in the tenant's time zone. */
public record BusinessHours(Set<DayOfWeek> days, LocalTime open, LocalTime close) {

  private static final DateTimeFormatter OPENING = DateTimeFormatter.ofPattern("EEEE 'at' HH:mm", Locale.ENGLISH);

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

  /**
   * The next opening as the after-hours notice's {@code {opening}} says it: "today at 08:00" or
   * "on Monday at 08:00".
   */
  public String describeNextOpening(Instant at, ZoneId zone) {
    ZonedDateTime next = nextOpening(at, zone);
    boolean today = next.toLocalDate().equals(at.atZone(zone).toLocalDate());
    return today ? "today at " + next.toLocalTime() : "on " + OPENING.format(next);
  }
}
