package dev.ooda.data.storage;

import dev.ooda.data.execution.Coalescer;
import dev.ooda.data.execution.Workers;
import dev.ooda.data.storage.Schema.Column;
import dev.ooda.data.storage.Schema.TableSchema;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.jooq.DSLContext;
import org.jooq.Record;

/**
 * Row reads by primary key, coalesced (see {@link Coalescer}): reads of the same columns of one
 * table that arrive while earlier ones run are answered together by one {@code key IN (...)}
 * statement.
 *
 * <p>Only one-column keys of integer, text or UUID type are coalesced, since their values compare
 * in Java as in the database. A key that the batch did not return (no such row, or a collation
 * that matched it to a different spelling) is read again on its own, so the answer is always
 * the one a single read gives.
 */
public final class Lookups {
  private final DSLContext dsl;
  private final Workers workers;
  private final TableShapes<Pending> shapes;

  /** @param maxRunning how many statements of one shape may run at once */
  Lookups(DSLContext dsl, Workers workers, int maxRunning) {
    this.dsl = dsl;
    this.workers = workers;
    this.shapes = new TableShapes<>(workers, maxRunning, (t, select) -> batch -> answer(t, select, batch));
  }

  /** The row, or a 404 naming it. */
  public CompletableFuture<Record> get(TableSchema t, Map<Column, Object> key, List<Column> select) {
    Column k = key.size() == 1 ? key.keySet().iterator().next() : null;
    Coalescer<Pending> c = k != null && coalesces(k) ? shapes.get(t, select) : null;
    if (c == null) return workers.submit(() -> Rows.get(dsl, t, key, select));
    Pending p = new Pending(key, normal(key.get(k)), new CompletableFuture<>());
    c.add(p);
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

  private record Pending(Map<Column, Object> key, Object value, CompletableFuture<Record> done) {}

  private void answer(TableSchema t, List<Column> select, List<Pending> batch) {
    Column key = t.key().get(0);
    Map<Object, Record> found = new HashMap<>();
    try {
      List<Object> values = new ArrayList<>();
      Set<Object> seen = new HashSet<>();
      for (Pending p : batch) if (seen.add(p.value)) values.add(p.key.get(key));
      for (Record r : Rows.getMany(dsl, t, key, values, select)) found.put(normal(r.get(r.size() - 1)), r);
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
        p.done.complete(Rows.get(dsl, t, p.key, select));
      } catch (Throwable e) {
        p.done.completeExceptionally(e);
      }
    }
  }
}
