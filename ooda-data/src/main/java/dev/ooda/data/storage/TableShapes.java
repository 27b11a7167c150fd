package dev.ooda.data.storage;

import dev.ooda.data.execution.Coalescer;
import dev.ooda.data.execution.Workers;
import dev.ooda.data.storage.Schema.Column;
import dev.ooda.data.storage.Schema.TableSchema;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * One {@link Coalescer} per shape of request: a table, as this very schema (so a migration
 * starts afresh), and a list of its columns. They are made on first use. Their number is
 * bounded, so that migrations and a stream of odd column lists cannot grow it at will: when the
 * bound is reached, all are forgotten and made again as used. A forgotten coalescer still drains
 * what it holds, since a request is only queued where a drain will find it.
 */
final class TableShapes<P> {
  static final int MAX_SHAPES = 1_000;

  private record Shape(TableSchema table, List<Column> columns) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Shape s && s.table == table && s.columns.equals(columns);
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(table) * 31 + columns.hashCode();
    }
  }

  private final Workers workers;
  private final int maxRunning;
  private final BiFunction<TableSchema, List<Column>, Consumer<List<P>>> run;
  private final ConcurrentHashMap<Shape, Coalescer<P>> shapes = new ConcurrentHashMap<>();

  /** @param run what answers a batch of requests of the given table and columns */
  TableShapes(Workers workers, int maxRunning, BiFunction<TableSchema, List<Column>, Consumer<List<P>>> run) {
    this.workers = workers;
    this.maxRunning = maxRunning;
    this.run = run;
  }

  /** The coalescer of this shape. */
  Coalescer<P> get(TableSchema t, List<Column> columns) {
    Shape shape = new Shape(t, columns);
    Coalescer<P> c = shapes.get(shape);
    if (c != null) return c;
    if (shapes.size() >= MAX_SHAPES) shapes.clear();
    return shapes.computeIfAbsent(shape, s -> new Coalescer<>(workers, maxRunning, run.apply(s.table, s.columns)));
  }
}
