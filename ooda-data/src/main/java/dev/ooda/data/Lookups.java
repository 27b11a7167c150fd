package dev.ooda.data;

import dev.ooda.data.Schema.Column;
import dev.ooda.data.Schema.TableSchema;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.jooq.DSLContext;
import org.jooq.Record;

/**
 * Row reads by primary key, coalesced: reads of the same columns of one table that arrive while
 * earlier ones run are answered together by one {@code key IN (...)} statement. A busy namespace
 * then spends one round trip, one plan and one thread hand-off on many reads, and only a few of
 * its threads wake at all. An idle one answers each read at once, alone.
 *
 * <p>Only one-column keys of integer, text or UUID type are coalesced, since their values compare
 * in Java as in the database. A key that the batch did not return (no such row, or a collation
 * that matched it to a different spelling) is read again on its own, so the answer is always
 * the one a single read gives.
 */
final class Lookups {
  static final int MAX_BATCH = 64;
  /** Bounds the lanes a stream of odd column selections could create. */
  private static final int MAX_LANES = 1_000;

  private final DSLContext dsl;
  private final Workers workers;
  private final int lanesRunning;
  private final ConcurrentHashMap<Shape, Lane> lanes = new ConcurrentHashMap<>();

  /** @param lanesRunning how many statements of one shape may run at once */
  Lookups(DSLContext dsl, Workers workers, int lanesRunning) {
    this.dsl = dsl;
    this.workers = workers;
    this.lanesRunning = lanesRunning;
  }

  /** The row, or a 404 naming it. */
  CompletableFuture<Record> get(TableSchema t, Map<Column, Object> key, List<Column> select) {
    Column k = key.size() == 1 ? key.keySet().iterator().next() : null;
    if (k == null || !coalesces(k)) return workers.submit(() -> Rows.get(dsl, t, key, select));
    Shape shape = new Shape(t, select);
    Lane lane = lanes.get(shape);
    if (lane == null) {
      if (lanes.size() >= MAX_LANES) return workers.submit(() -> Rows.get(dsl, t, key, select));
      lane = lanes.computeIfAbsent(shape, s -> new Lane(s, k));
    }
    Pending p = new Pending(key, normal(key.get(k)), new CompletableFuture<>());
    lane.queue.add(p);
    try {
      lane.wake();
    } catch (RuntimeException e) {
      if (lane.queue.remove(p)) throw e;   // otherwise a running drain took it and will answer
    }
    return p.done;
  }

  private static boolean coalesces(Column k) {
    return switch (k.type()) {
      case INT, BIGINT, STRING, UUID -> true;
      default -> false;
    };
  }

  /** Key values as they compare: integers of any width as longs. */
  private static Object normal(Object v) {
    return v instanceof Number n ? (Object) n.longValue() : v;
  }

  /** A table (this very schema, so a migration starts new lanes) and the columns read. */
  private record Shape(TableSchema table, List<Column> select) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Shape s && s.table == table && s.select.equals(select);
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(table) * 31 + select.hashCode();
    }
  }

  private record Pending(Map<Column, Object> key, Object value, CompletableFuture<Record> done) {}

  /** The reads of one shape waiting for a statement, and how many statements are running. */
  private final class Lane {
    final Shape shape;
    final Column key;
    final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
    final AtomicInteger running = new AtomicInteger();

    Lane(Shape shape, Column key) {
      this.shape = shape;
      this.key = key;
    }

    /** Starts a drain unless enough are running; those pick up what was queued. */
    void wake() {
      if (!acquire()) return;
      try {
        workers.execute(this::drain);
      } catch (RuntimeException e) {
        running.decrementAndGet();
        throw e;
      }
    }

    private boolean acquire() {
      for (int r = running.get(); r < lanesRunning; r = running.get()) {
        if (running.compareAndSet(r, r + 1)) return true;
      }
      return false;
    }

    private void drain() {
      for (;;) {
        List<Pending> batch = new ArrayList<>();
        for (Pending p; batch.size() < MAX_BATCH && (p = queue.poll()) != null; ) batch.add(p);
        if (batch.isEmpty()) {
          running.decrementAndGet();
          // A read queued after the poll may have seen this drain still counted as running.
          if (queue.isEmpty() || !acquire()) return;
          continue;
        }
        answer(batch);
      }
    }

    private void answer(List<Pending> batch) {
      Map<Object, Record> found = new HashMap<>();
      try {
        List<Object> values = new ArrayList<>();
        Set<Object> seen = new HashSet<>();
        for (Pending p : batch) if (seen.add(p.value)) values.add(p.key.get(key));
        for (Record r : Rows.getMany(dsl, shape.table, key, values, shape.select)) found.put(normal(r.get(r.size() - 1)), r);
      } catch (Throwable e) {
        for (Pending p : batch) p.done.completeExceptionally(e);
        return;
      }
      for (Pending p : batch) {
        Record r = found.get(p.value);
        if (r != null) {
          p.done.complete(r);
          continue;
        }
        try {
          p.done.complete(Rows.get(dsl, shape.table, p.key, shape.select));
        } catch (Throwable e) {
          p.done.completeExceptionally(e);
        }
      }
    }
  }
}
