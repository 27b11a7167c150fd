package dev.ooda.data.api;

/**
 * Bounds on what one request may send or receive. Going over a size bound is a 413.
 *
 * @param maxRequestBytes  largest request body; default 1 MiB
 * @param maxValueBytes    largest single value: a key-value item, a cell, an event; default 256 KiB
 * @param maxPageItems     most items, rows or events in one page; default 1000
 * @param defaultPageItems page size when the client gives none; default 100
 * @param maxPageBytes     largest page body; a page always holds at least one item; default 1 MiB
 * @param maxBatchOps      most writes in one batch or bulk insert; default 1000
 */
public record Limits(
    long maxRequestBytes, int maxValueBytes, int maxPageItems, int defaultPageItems, long maxPageBytes, int maxBatchOps) {

  public static final Limits DEFAULT = new Limits(1 << 20, 256 << 10, 1000, 100, 1 << 20, 1000);

  /** Longest key-value id and key, event series and prefix, idempotency key, in UTF-8 bytes. */
  public static final int MAX_KEY_BYTES = 255;
}
