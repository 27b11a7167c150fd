package dev.ooda.model;

import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * When a dev or test environment runs, in kube-downscaler's notation: {@code Mon-Fri 08:00-19:00
 * Europe/Berlin}, several periods separated by commas ({@code Mon-Fri 08:00-19:00 Europe/Berlin,
 * Sat 10:00-12:00 UTC}), or {@code always} / {@code never}. A period covers its days from its start
 * time up to, not including, its end time, in its time zone (so summer time is followed).
 */
public final class Uptime {
  /** One period: these days, from {@code start} to {@code end}, in {@code zone}. */
  private record Period(Set<DayOfWeek> days, LocalTime start, LocalTime end, ZoneId zone) {
    boolean covers(Instant t) {
      ZonedDateTime local = t.atZone(zone);
      LocalTime time = local.toLocalTime();
      return days.contains(local.getDayOfWeek()) && !time.isBefore(start) && time.isBefore(end);
    }
  }

  private static final List<DayOfWeek> WEEK = List.of(DayOfWeek.values());

  private final String text;
  private final List<Period> periods;
  private final boolean always;

  private Uptime(String text, List<Period> periods, boolean always) {
    this.text = text;
    this.periods = List.copyOf(periods);
    this.always = always;
  }

  /**
   * Reads an uptime.
   *
   * @throws IllegalArgumentException naming the part that is wrong
   */
  public static Uptime parse(String text) {
    if (text == null || text.isBlank()) throw new IllegalArgumentException("is empty; e.g. Mon-Fri 08:00-19:00 Europe/Berlin");
    String t = text.trim();
    if (t.equalsIgnoreCase("always")) return new Uptime(t, List.of(), true);
    if (t.equalsIgnoreCase("never")) return new Uptime(t, List.of(), false);
    List<Period> periods = new ArrayList<>();
    for (String part : t.split(",")) periods.add(period(part.trim()));
    return new Uptime(t, periods, false);
  }

  private static Period period(String p) {
    String[] f = p.split("\\s+");
    if (f.length != 3) {
      throw new IllegalArgumentException("'" + p + "' must be DAYS HH:MM-HH:MM ZONE, e.g. Mon-Fri 08:00-19:00 Europe/Berlin");
    }
    Set<DayOfWeek> days = days(f[0], p);
    String[] times = f[1].split("-", -1);
    if (times.length != 2) throw new IllegalArgumentException("'" + f[1] + "' in '" + p + "' must be HH:MM-HH:MM");
    LocalTime start = time(times[0], p);
    LocalTime end = times[1].equals("24:00") ? LocalTime.MAX : time(times[1], p);
    if (!end.isAfter(start)) throw new IllegalArgumentException("'" + f[1] + "' in '" + p + "' must end after it starts (use 24:00 for midnight)");
    ZoneId zone;
    try {
      zone = ZoneId.of(f[2]);
    } catch (DateTimeException e) {
      throw new IllegalArgumentException("'" + f[2] + "' in '" + p + "' is not a time zone (e.g. Europe/Berlin, UTC)");
    }
    return new Period(days, start, end, zone);
  }

  private static Set<DayOfWeek> days(String s, String p) {
    String[] r = s.split("-", -1);
    if (r.length > 2) throw new IllegalArgumentException("'" + s + "' in '" + p + "' must be a day (Mon) or a range (Mon-Fri)");
    DayOfWeek from = day(r[0], p);
    DayOfWeek to = r.length == 2 ? day(r[1], p) : from;
    Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
    // a range may wrap over the weekend: Fri-Mon
    for (int i = from.ordinal(); ; i = (i + 1) % 7) {
      days.add(WEEK.get(i));
      if (i == to.ordinal()) break;
    }
    return days;
  }

  private static DayOfWeek day(String s, String p) {
    for (DayOfWeek d : DayOfWeek.values()) {
      if (d.getDisplayName(TextStyle.SHORT, Locale.ENGLISH).equalsIgnoreCase(s)) return d;
    }
    throw new IllegalArgumentException("'" + s + "' in '" + p + "' is not a day: Mon, Tue, Wed, Thu, Fri, Sat or Sun");
  }

  private static LocalTime time(String s, String p) {
    if (!s.matches("\\d{2}:\\d{2}")) throw new IllegalArgumentException("'" + s + "' in '" + p + "' must be HH:MM, e.g. 08:00");
    int h = Integer.parseInt(s.substring(0, 2));
    int m = Integer.parseInt(s.substring(3));
    if (h > 23 || m > 59) throw new IllegalArgumentException("'" + s + "' in '" + p + "' is not a time of day");
    return LocalTime.of(h, m);
  }

  /** Whether {@code t} lies within the uptime. */
  public boolean isUp(Instant t) {
    if (always) return true;
    for (Period p : periods) if (p.covers(t)) return true;
    return false;
  }

  @Override
  public String toString() {
    return text;
  }
}
