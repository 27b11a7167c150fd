package dev.ooda.trace;

/**
 * What the store counts against its byte bound besides each span's encoding: its entries in the
 * store's primitive arrays. The arrays grow by doubling, so up to twice this is allocated.
 */
final class SpanSize {
  /** A span's index entries: id, timestamp and duration (longs), service, page, offset, length, next (ints), kind. */
  static final int SPAN = 48;
  /** A trace's ring entries (id, first and last span, count, time range) and its two hash slots. */
  static final int TRACE = 72;

  private SpanSize() {}
}
