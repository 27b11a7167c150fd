package dev.ooda.data.storage;

import dev.ooda.data.execution.Coalescer;
import dev.ooda.data.execution.Workers;
import dev.ooda.data.storage.Schema.Column;
import dev.ooda.data.storage.Schema.TableSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.jooq.BatchBindStep;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/**
 * Single-row inserts, grouped (see {@link Coalescer}): inserts of the same columns into one
 * table that arrive while earlier ones run are written in one transaction, as one JDBC batch of
 * one statement, so a busy namespace makes one round trip and one commit for many rows. Each
 * request is answered once the transaction has committed.
 *
 * <p>When one of the inserts fails (a duplicate key, say), it takes the others' transaction down
 * with it, so each then runs again on its own and gets the answer it would have had alone. Only
 * inserts that give their key (or into tables without one) are grouped: a generated key is read
 * back from its own statement.
 */
public final class Inserts {
  private final DSLContext dsl;
  private final Workers workers;
  private final TableShapes<Pending> shapes;

  /** @param maxRunning how many transactions of one shape may run at once */
  Inserts(DSLContext dsl, Workers workers, int maxRunning) {
    this.dsl = dsl;
    this.workers = workers;
    this.shapes = new TableShapes<>(workers, maxRunning, (t, columns) -> batch -> write(t, batch));
  }

  public CompletableFuture<Rows.Written> insert(TableSchema t, Map<Column, Object> values) {
    List<Column> columns = new ArrayList<>(values.size());
    for (Column c : t.columns()) if (values.containsKey(c)) columns.add(c);
    Coalescer<Pending> c = Rows.keyKnown(t, values) && !values.isEmpty() ? shapes.get(t, columns) : null;
    if (c == null) return workers.submit(() -> Rows.insert(dsl, t, values));
    Pending p = new Pending(values, new CompletableFuture<>());
    c.add(p);
    return p.done;
  }

  private record Pending(Map<Column, Object> values, CompletableFuture<Rows.Written> done) {}

  private void write(TableSchema t, List<Pending> batch) {
    if (batch.size() == 1) {
      alone(t, batch.get(0));
      return;
    }
    boolean[] statementsRan = {false};
    try {
      // One statement, bound once per row and sent as one JDBC batch: one round trip, one commit.
      dsl.transaction(cfg -> {
        DSLContext tx = DSL.using(cfg);
        BatchBindStep rows = tx.batch(Rows.insertQuery(tx, t, batch.get(0).values));
        for (Pending p : batch) rows = rows.bind(Rows.insertBinds(t, p.values));
        rows.execute();
        statementsRan[0] = true;
      });
    } catch (Throwable e) {
      if (statementsRan[0]) {
        // The commit itself failed: whether it took effect is unknown, so none is run again.
        for (Pending p : batch) p.done.completeExceptionally(e);
      } else {
        for (Pending p : batch) alone(t, p);
      }
      return;
    }
    for (Pending p : batch) p.done.complete(Rows.inserted(t, p.values));
  }

  private void alone(TableSchema t, Pending p) {
    try {
      p.done.complete(Rows.insert(dsl, t, p.values));
    } catch (Throwable e) {
      p.done.completeExceptionally(e);
    }
  }
}
