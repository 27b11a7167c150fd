package dev.ooda.kit.data;

import java.time.Instant;

/**
 * One event of a series.
 *
 * @param prefix what the event is about (a device, a user...); null for none
 * @param ts     when it happened
 * @param id     tells apart events of one prefix at one millisecond; null on append lets the
 *               data service choose a random one. Appending the same prefix, time and id again
 *               changes nothing.
 * @param value  the event's data
 */
public record Event<T>(String prefix, Instant ts, Long id, T value) {
  /** An event of now, with no prefix. */
  public static <T> Event<T> of(T value) {
    return new Event<>(null, null, null, value);
  }

  public static <T> Event<T> of(String prefix, Instant ts, T value) {
    return new Event<>(prefix, ts, null, value);
  }
}
