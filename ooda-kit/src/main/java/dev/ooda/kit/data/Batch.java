package dev.ooda.kit.data;

import dev.ooda.model.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes to tables and key-value records that apply together or not at all: {@link #commit()}
 * runs them in order in one transaction; any failure (a 409, a 412, a bad value, named
 * {@code ops[i]: ...} in the problem's detail) rolls all of them back. Keys here are maps of the
 * key columns. A batch is built and committed once, on one thread.
 *
 * <pre>{@code
 * List<Batch.Result> r = orders.batch()
 *     .insert("orders", new NewOrder("ann", total))
 *     .update("stock", Map.of("sku", "lamp"), Map.of("count", 4), stockVersion)
 *     .put("cart-ann", Map.of("lamp", 0), null)
 *     .commit();
 * }</pre>
 */
public final class Batch {
  /**
   * What one operation did.
   *
   * @param op     {@code insert}, {@code update}, {@code upsert}, {@code delete}, {@code kv.put} or {@code kv.delete}
   * @param status the HTTP status it would have had alone (201, 200 or 204)
   * @param row    the written row's key and version; null for deletes and key-value operations
   */
  public record Result(String op, int status, Written row) {}

  private final OodaData data;
  private final List<Map<String, Object>> ops = new ArrayList<>();

  Batch(OodaData data) {
    this.data = data;
  }

  public Batch insert(String table, Object row) {
    return add(op("insert", "table", table, "row", Table.body(row)));
  }

  public Batch upsert(String table, Object row) {
    return add(op("upsert", "table", table, "row", Table.body(row)));
  }

  public Batch update(String table, Map<String, ?> key, Object changes) {
    return add(op("update", "table", table, "key", key, "set", Table.body(changes)));
  }

  /** An update while the row's version is {@code version}; else the batch fails with 412. */
  public Batch update(String table, Map<String, ?> key, Object changes, long version) {
    Map<String, Object> op = op("update", "table", table, "key", key, "set", Table.body(changes));
    op.put("ifMatch", Table.etag(version));
    return add(op);
  }

  public Batch delete(String table, Map<String, ?> key) {
    return add(op("delete", "table", table, "key", key));
  }

  /** A delete while the row's version is {@code version}; else the batch fails with 412. */
  public Batch delete(String table, Map<String, ?> key, long version) {
    Map<String, Object> op = op("delete", "table", table, "key", key);
    op.put("ifMatch", Table.etag(version));
    return add(op);
  }

  /** Writes (merges) items into a key-value record, to expire {@code ttl} from now (null: never). */
  public Batch put(String id, Map<String, ?> items, Duration ttl) {
    Map<String, Object> op = op("kv.put", "id", id, "items", items);
    if (ttl != null) op.put("ttl", Durations.format(ttl));
    return add(op);
  }

  /** Deletes one item of a key-value record. */
  public Batch deleteItem(String id, String key) {
    return add(op("kv.delete", "id", id, "key", key));
  }

  /** Deletes a whole key-value record. */
  public Batch deleteRecord(String id) {
    return add(op("kv.delete", "id", id));
  }

  /** Runs the operations in one transaction; their results in the same order. */
  public List<Result> commit() {
    if (ops.isEmpty()) return List.of();
    return data.write(data.client().post(data.base() + "/batch")).body(Map.of("ops", ops)).as(Answers.BatchAnswer.class).results();
  }

  private Batch add(Map<String, Object> op) {
    ops.add(op);
    return this;
  }

  private static Map<String, Object> op(String op, Object... pairs) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("op", op);
    for (int i = 0; i < pairs.length; i += 2) {
      if (pairs[i + 1] == null) throw new IllegalArgumentException(op + " needs " + pairs[i]);
      m.put((String) pairs[i], pairs[i + 1]);
    }
    return m;
  }
}
