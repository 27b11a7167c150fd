package dev.ooda.kit.data;

import dev.ooda.kit.Call;
import dev.ooda.kit.RemoteProblemException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * One table of the namespace. Rows are read into records (through the kit's JSON codec, unknown
 * columns ignored) or into {@link Row}s; rows to write are records, maps or {@link Row}s.
 *
 * <p>A {@code key} is the key column's value, or for a composite key a {@link List} of the values
 * in key order. Writes answer with the row's key and new version ({@link Written}); conditional
 * writes take the version the row must still have, and fail with a 412
 * {@link RemoteProblemException} when it changed.
 *
 * <pre>{@code
 * Table orders = kit.data("orders").table("orders");
 * Written w = orders.insert(new NewOrder("ann", total));
 * Order o = orders.get(w.key().get("id"), Order.class).orElseThrow();
 * orders.update(o.id(), Map.of("status", "paid"), w.version());           // If-Match
 * orders.update(o.id(), row -> row.with("status", "cancelled"));           // re-read and retry on 412
 * orders.stream(Query.builder().eq("customer", "ann").orderByDesc("id").build(), Order.class)
 * }</pre>
 */
public final class Table {
  /** Attempts of {@link #update(Object, UnaryOperator)} before a conflict is given up on. */
  static final int MAX_UPDATE_ATTEMPTS = 10;
  private static final String PREFER = "prefer";
  private static final String REPRESENTATION = "return=representation";

  private final OodaData data;
  private final String name;
  private final String rows;
  private final String rowPrefix;

  Table(OodaData data, String name) {
    if (name == null || name.isEmpty()) throw new IllegalArgumentException("table name is required");
    this.data = data;
    this.name = name;
    this.rows = data.base() + "/tables/" + Paths.segment(name) + "/rows";
    this.rowPrefix = rows + "/";
  }

  public String name() {
    return name;
  }

  // ---------------------------------------------------------------- reads

  /** The row with {@code key}, read into {@code type}; empty when there is none. */
  public <T> Optional<T> get(Object key, Class<T> type) {
    try {
      return Optional.ofNullable(data.get(rowPrefix + Paths.rowKey(key)).as(type));
    } catch (RemoteProblemException e) {
      if (OodaData.absent(e, "row ")) return Optional.empty();
      throw e;
    }
  }

  /** {@link #get(Object, Class)} without blocking, for handlers on an event loop. */
  public <T> CompletableFuture<Optional<T>> getAsync(Object key, Class<T> type) {
    return data.get(rowPrefix + Paths.rowKey(key)).asAsync(type).handle((v, t) -> {
      if (t == null) return Optional.ofNullable(v);
      Throwable c = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
      if (c instanceof RemoteProblemException e && OodaData.absent(e, "row ")) return Optional.empty();
      throw t instanceof CompletionException ce ? ce : new CompletionException(t);
    });
  }

  /** The row with {@code key}, with its version; empty when there is none. */
  public Optional<Row> get(Object key) {
    return get(key, Map.class).map(OodaData::row);
  }

  /** One page of the rows {@code query} selects: from the first when {@code token} is null, else after it. */
  public <T> Page<T> page(Query query, String token, Class<T> type) {
    Answers.RowsAnswer<T> a = query(query, token).as(Answers.type(Answers.ROWS, type));
    return new Page<>(a.rows(), a.next());
  }

  public Page<Row> page(Query query, String token) {
    Page<Map> p = page(query, token, Map.class);
    List<Row> out = new ArrayList<>(p.items().size());
    for (Map<?, ?> m : p.items()) out.add(OodaData.row(m));
    return new Page<>(out, p.next());
  }

  /** Every row {@code query} selects, page after page (keyset tokens) as the stream is read. */
  public <T> Stream<T> stream(Query query, Class<T> type) {
    return Pages.stream(token -> page(query, token, type));
  }

  public Stream<Row> stream(Query query) {
    return Pages.stream(token -> page(query, token));
  }

  // ---------------------------------------------------------------- writes

  /** Inserts a row; a duplicate key is a 409. */
  public Written insert(Object row) {
    return data.write(data.client().post(rows)).body(body(row)).as(Written.class);
  }

  /**
   * Inserts a row under the caller's idempotency key, e.g. the one its own caller sent: the same
   * key again (within 24 hours) inserts nothing and answers as the first time.
   */
  public Written insert(Object row, String idempotencyKey) {
    return data.write(data.client().post(rows), idempotencyKey).body(body(row)).as(Written.class);
  }

  /** Inserts rows in one transaction: one bad row and none is written (at most 1000 by default). */
  public List<Written> insertAll(List<?> rows) {
    if (rows.isEmpty()) return List.of();
    List<Object> bodies = new ArrayList<>(rows.size());
    for (Object r : rows) bodies.add(body(r));
    return data.write(data.client().post(this.rows)).body(bodies).as(Answers.BulkAnswer.class).rows();
  }

  /** Creates the row with {@code key}, or sets the given columns of the existing one. */
  public Written upsert(Object key, Object row) {
    return data.write(data.client().put(rowPrefix + Paths.rowKey(key))).body(body(row)).as(Written.class);
  }

  /** Sets the given columns of the row with {@code key}; a 404 when there is none. */
  public Written update(Object key, Object changes) {
    return data.write(data.client().patch(rowPrefix + Paths.rowKey(key))).body(body(changes)).as(Written.class);
  }

  /** Sets the given columns while the row's version is {@code version}; a 412 when it is not (or the row is gone). */
  public Written update(Object key, Object changes, long version) {
    return data.write(data.client().patch(rowPrefix + Paths.rowKey(key))).header("if-match", etag(version))
        .body(body(changes)).as(Written.class);
  }

  /**
   * Reads the row, applies {@code change} to it and writes the columns it changed, on the
   * condition that nobody wrote the row in between; when somebody did (412), reads it again and
   * applies {@code change} to the new row, up to 10 times. {@code change} may thus run more than
   * once and should only compute. Returns the row as written, or as read when nothing changed.
   *
   * @throws RemoteProblemException 404 when there is no such row; 412 when it kept changing
   */
  public Row update(Object key, UnaryOperator<Row> change) {
    String path = rowPrefix + Paths.rowKey(key);
    for (int attempt = 1; ; attempt++) {
      Row current = OodaData.row(data.get(path).as(Map.class));
      Row next = change.apply(current);
      Map<String, Object> changed = next == null ? Map.of() : next.changesFrom(current);
      if (changed.isEmpty()) return current;
      try {
        return OodaData.row(data.write(data.client().patch(path)).header("if-match", etag(current.version()))
            .header(PREFER, REPRESENTATION).body(changed).as(Map.class));
      } catch (RemoteProblemException e) {
        if (e.status() != 412 || attempt == MAX_UPDATE_ATTEMPTS) throw e;
      }
    }
  }

  /** Deletes the row with {@code key}; false when there was none. */
  public boolean delete(Object key) {
    try {
      data.write(data.client().delete(rowPrefix + Paths.rowKey(key))).send();
      return true;
    } catch (RemoteProblemException e) {
      if (OodaData.absent(e, "row ")) return false;
      throw e;
    }
  }

  /** Deletes the row while its version is {@code version}; a 412 when it is not (or the row is gone). */
  public void delete(Object key, long version) {
    data.write(data.client().delete(rowPrefix + Paths.rowKey(key))).header("if-match", etag(version)).send();
  }

  private Call query(Query q, String token) {
    Call c = data.get(rows);
    for (Query.Filter f : q.filters()) c.query(f.column(), f.expression());
    if (q.order() != null) c.query("order", q.order());
    if (q.select() != null) c.query("select", q.select());
    if (q.limit() > 0) c.query("limit", q.limit());
    if (token != null) c.query("page", token);
    return c;
  }

  static String etag(long version) {
    return "\"" + version + "\"";
  }

  /** A {@link Row} is written as its values; anything else as the codec writes it. */
  static Object body(Object row) {
    if (row == null) throw new IllegalArgumentException("no row to write");
    return row instanceof Row r ? r.values() : row;
  }
}
