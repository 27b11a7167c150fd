package dev.ooda.kit.data;

import java.time.Instant;

/**
 * Which events of a series to read: those with {@code from <= ts < to}, of one prefix or all,
 * oldest or newest first.
 *
 * @param from       inclusive; null for the start of the series
 * @param to         exclusive; null for no end
 * @param prefix     only events of this prefix; null for all
 * @param descending newest first
 */
public record Window(Instant from, Instant to, String prefix, boolean descending) {
  /** Every event, oldest first. */
  public static final Window ALL = new Window(null, null, null, false);

  public static Window between(Instant from, Instant to) {
    return new Window(from, to, null, false);
  }

  public Window prefix(String p) {
    return new Window(from, to, p, descending);
  }

  public Window newestFirst() {
    return new Window(from, to, prefix, true);
  }
}
