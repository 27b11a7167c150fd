package dev.ooda.console;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The latest access decision lines (JSON, as written on the {@code ooda.decisions} logger) of the
 * roles in this process, newest last. Bounded: a flood of refusals keeps only the last ones.
 */
public final class RecentDecisions {
  /** Enough for a page of recent denials; each line is a few hundred bytes. */
  public static final int DEFAULT_CAPACITY = 500;

  private final int capacity;
  private final ArrayDeque<String> lines = new ArrayDeque<>();

  public RecentDecisions() {
    this(DEFAULT_CAPACITY);
  }

  public RecentDecisions(int capacity) {
    if (capacity < 1) throw new IllegalArgumentException("capacity must be at least 1, not " + capacity);
    this.capacity = capacity;
  }

  public synchronized void add(String jsonLine) {
    if (lines.size() == capacity) lines.removeFirst();
    lines.addLast(jsonLine);
  }

  /** Up to {@code max} lines, newest first. */
  public synchronized List<String> latest(int max) {
    List<String> out = new ArrayList<>(Math.min(max, lines.size()));
    var it = lines.descendingIterator();
    while (it.hasNext() && out.size() < max) out.add(it.next());
    return out;
  }
}
