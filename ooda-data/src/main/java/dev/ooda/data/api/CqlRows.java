package dev.ooda.data.api;

import com.datastax.oss.driver.api.core.DriverException;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchStatementBuilder;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.servererrors.InvalidQueryException;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.ooda.data.http.Etags;
import dev.ooda.data.http.Json;
import dev.ooda.data.http.Problems;
import dev.ooda.data.storage.ColumnType;
import dev.ooda.data.storage.Cql;
import dev.ooda.data.storage.Rows;
import dev.ooda.data.storage.Schema;
import dev.ooda.data.storage.Schema.Column;
import dev.ooda.data.storage.Schema.TableSchema;
import dev.ooda.model.ProblemException;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * The table model on Cassandra, with the API of {@link Rows}: rows addressed by their full
 * primary key, each with a {@code _version}. Every write is a lightweight transaction (Paxos at
 * the serial consistency level), so that an insert of an existing key is a 409, an update of a
 * missing row a 404, and If-Match compares versions atomically, as on the SQL backends.
 */
final class CqlRows {
  /** How often a write that lost a race for a row's version reads it again before answering 409. */
  private static final int MAX_ATTEMPTS = 20;

  private CqlRows() {}

  // ---- writes ----

  /** Inserts one row; 409 when its key exists. */
  static Rows.Written insert(Cql cql, TableSchema t, Map<Column, Object> values) {
    BoundStatement st = insertStatement(cql, t, requireKey(t, values));
    if (!execute(cql, t, st).wasApplied())
      throw Problems.conflict("a row with the same key already exists in table '" + t.name() + "': " + Rows.describe(key(t, values)));
    return new Rows.Written(Rows.names(key(t, values)), 1);
  }

  /** Inserts one row, as the driver's async call, for the single inserts the bench and busy clients send. */
  static CompletionStage<Rows.Written> insertAsync(Cql cql, TableSchema t, Map<Column, Object> values) {
    BoundStatement st = insertStatement(cql, t, requireKey(t, values));
    return cql.session().executeAsync(st).handle((AsyncResultSet rs, Throwable e) -> {
      if (e != null) throw translate(e, t);
      if (!rs.wasApplied())
        throw Problems.conflict("a row with the same key already exists in table '" + t.name() + "': " + Rows.describe(key(t, values)));
      return new Rows.Written(Rows.names(key(t, values)), 1);
    });
  }

  /**
   * Inserts rows all or none. Cassandra applies a conditional batch whole only within one
   * partition, so rows of several partitions are refused rather than written one by one.
   */
  static List<Rows.Written> insertAll(Cql cql, TableSchema t, List<Map<Column, Object>> rows) {
    List<Object> partition = null;
    for (int i = 0; i < rows.size(); i++) {
      Map<Column, Object> r;
      try {
        r = requireKey(t, rows.get(i));
      } catch (ProblemException e) {
        throw DataApi.at("[" + i + "]", e);
      }
      List<Object> p = new ArrayList<>();
      for (Column c : t.partitionKey()) p.add(toCql(t, c, r.get(c)));
      if (partition == null) partition = p;
      else if (!partition.equals(p))
        throw Problems.notSupported("rows [0] and [" + i + "] are in different partitions of table '" + t.name()
            + "': Cassandra applies several rows all or none only within one partition; insert them one by one");
    }
    if (rows.size() == 1) return List.of(insert(cql, t, rows.get(0)));
    BatchStatementBuilder b = BatchStatement.builder(DefaultBatchType.LOGGED).setConsistencyLevel(cql.write());
    for (Map<Column, Object> r : rows) b.addStatement(insertStatement(cql, t, r));
    ResultSet rs = execute(cql, t, b.build());
    if (!rs.wasApplied()) {
      // The rows that stood in the way come back; name the first insert they refused.
      for (Row existing : rs) {
        for (int i = 0; i < rows.size(); i++) {
          if (sameKey(t, existing, rows.get(i)))
            throw DataApi.at("[" + i + "]", Problems.conflict("a row with the same key already exists in table '" + t.name()
                + "': " + Rows.describe(key(t, rows.get(i))) + " (none of the " + rows.size() + " rows was written)"));
        }
      }
      throw Problems.conflict("a row with the same key already exists in table '" + t.name() + "' (none of the " + rows.size() + " rows was written)");
    }
    List<Rows.Written> out = new ArrayList<>();
    for (Map<Column, Object> r : rows) out.add(new Rows.Written(Rows.names(key(t, r)), 1));
    return out;
  }

  private static BoundStatement insertStatement(Cql cql, TableSchema t, Map<Column, Object> values) {
    List<String> names = new ArrayList<>();
    List<Object> binds = new ArrayList<>();
    for (Column c : t.columns()) {
      if (!values.containsKey(c)) continue;
      writable(c);
      names.add(Cql.quote(c.name()));
      binds.add(toCql(t, c, values.get(c)));
    }
    names.add(Cql.quote(Schema.VERSION));
    binds.add(1L);
    String text = "INSERT INTO " + cql.table(t.name()) + " (" + String.join(", ", names) + ") VALUES ("
        + String.join(", ", names.stream().map(x -> "?").toList()) + ") IF NOT EXISTS";
    return cql.prepare(text).bind(binds.toArray()).setConsistencyLevel(cql.write());
  }

  /** Changes the given columns of an existing row: a compare-and-set on its version. */
  static Rows.Written update(Cql cql, TableSchema t, Map<Column, Object> key, Map<Column, Object> values, Etags.Match ifMatch) {
    for (Column c : values.keySet()) {
      if (key.containsKey(c) && !key.get(c).equals(values.get(c)))
        throw Problems.invalid(c.name(), "is part of the key: it cannot be changed");
    }
    Map<Column, Object> changed = new LinkedHashMap<>(values);
    key.keySet().forEach(changed::remove);
    if (changed.isEmpty()) throw Problems.invalid("nothing to change: give at least one column that is not part of the key");
    if (ifMatch != null && ifMatch.version() != null) {
      if (!setIfVersion(cql, t, key, changed, ifMatch.version())) throw missingOrChanged(cql, t, key, ifMatch);
      return new Rows.Written(Rows.names(key), ifMatch.version() + 1);
    }
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      if (attempt > 0) pause(attempt);
      Row r = readVersion(cql, t, key);
      if (r == null) throw missingOrChanged(cql, t, key, ifMatch);
      Long current = r.isNull(0) ? null : r.getLong(0);
      if (setIfVersion(cql, t, key, changed, current)) return new Rows.Written(Rows.names(key), (current == null ? 0 : current) + 1);
    }
    throw busy(t, key);
  }

  /** Creates the row, or changes the given columns of it when it exists. */
  static Rows.Written upsert(Cql cql, TableSchema t, Map<Column, Object> key, Map<Column, Object> values, Etags.Match ifMatch) {
    if (ifMatch != null) return update(cql, t, key, values, ifMatch);
    for (Column c : values.keySet()) {
      if (key.containsKey(c) && !key.get(c).equals(values.get(c)))
        throw Problems.invalid(c.name(), "differs from the key in the path");
    }
    Map<Column, Object> all = new LinkedHashMap<>(key);
    values.forEach((c, v) -> { if (!key.containsKey(c)) all.put(c, v); });
    Map<Column, Object> changed = new LinkedHashMap<>(all);
    key.keySet().forEach(changed::remove);
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      if (attempt > 0) pause(attempt);
      ResultSet rs = execute(cql, t, insertStatement(cql, t, all));
      if (rs.wasApplied()) return new Rows.Written(Rows.names(key), 1);
      Row existing = rs.one();
      Long current = existing == null || existing.isNull(Cql.quote(Schema.VERSION)) ? null : existing.getLong(Cql.quote(Schema.VERSION));
      if (changed.isEmpty()) return new Rows.Written(Rows.names(key), current == null ? 0 : current);
      if (setIfVersion(cql, t, key, changed, current)) return new Rows.Written(Rows.names(key), (current == null ? 0 : current) + 1);
    }
    throw busy(t, key);
  }

  static void delete(Cql cql, TableSchema t, Map<Column, Object> key, Etags.Match ifMatch) {
    List<Object> binds = keyBinds(t, key);
    String text = "DELETE FROM " + cql.table(t.name()) + " WHERE " + keyWhere(key);
    if (ifMatch != null && ifMatch.version() != null) {
      binds.add(ifMatch.version());
      text += " IF " + Cql.quote(Schema.VERSION) + " = ?";
    } else {
      text += " IF EXISTS";
    }
    if (!execute(cql, t, cql.prepare(text).bind(binds.toArray()).setConsistencyLevel(cql.write())).wasApplied())
      throw missingOrChanged(cql, t, key, ifMatch);
  }

  private static boolean setIfVersion(Cql cql, TableSchema t, Map<Column, Object> key, Map<Column, Object> changed, Long version) {
    List<String> sets = new ArrayList<>();
    List<Object> binds = new ArrayList<>();
    for (var e : changed.entrySet()) {
      writable(e.getKey());
      sets.add(Cql.quote(e.getKey().name()) + " = ?");
      binds.add(toCql(t, e.getKey(), e.getValue()));
    }
    sets.add(Cql.quote(Schema.VERSION) + " = ?");
    binds.add((version == null ? 0 : version) + 1);
    binds.addAll(keyBinds(t, key));
    binds.add(version);
    String text = "UPDATE " + cql.table(t.name()) + " SET " + String.join(", ", sets) + " WHERE " + keyWhere(key)
        + " IF " + Cql.quote(Schema.VERSION) + " = ?";
    return execute(cql, t, cql.prepare(text).bind(binds.toArray()).setConsistencyLevel(cql.write())).wasApplied();
  }

  /** The row's version, read through Paxos so that the compare-and-set that follows sees the latest; null when there is no row. */
  private static Row readVersion(Cql cql, TableSchema t, Map<Column, Object> key) {
    String text = "SELECT " + Cql.quote(Schema.VERSION) + " FROM " + cql.table(t.name()) + " WHERE " + keyWhere(key);
    return execute(cql, t, cql.prepare(text).bind(keyBinds(t, key).toArray())
        .setConsistencyLevel(com.datastax.oss.driver.api.core.DefaultConsistencyLevel.LOCAL_SERIAL)).one();
  }

  private static RuntimeException missingOrChanged(Cql cql, TableSchema t, Map<Column, Object> key, Etags.Match ifMatch) {
    boolean exists = readVersion(cql, t, key) != null;
    if (ifMatch != null) {
      return Problems.preconditionFailed(exists
          ? "row " + Rows.describe(key) + " of table '" + t.name() + "' changed: its version is no longer " + ifMatch.text()
          : "row " + Rows.describe(key) + " of table '" + t.name() + "' does not exist, so it cannot match If-Match " + ifMatch.text());
    }
    return Problems.notFound("row " + Rows.describe(key) + " not found in table '" + t.name() + "'");
  }

  /** A short random pause after losing a race, so that writers of one row do not keep colliding. */
  private static void pause(int attempt) {
    try {
      Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextLong(1, 2L + Math.min(attempt, 10) * 5L));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Problems.unavailable("interrupted while writing a row");
    }
  }

  private static RuntimeException busy(TableSchema t, Map<Column, Object> key) {
    return Problems.conflict("row " + Rows.describe(key) + " of table '" + t.name() + "' changed " + MAX_ATTEMPTS + " times while being written; retry");
  }

  // ---- reads ----

  /** The row's selected columns (as the API's values) and its version; 404 when there is none. */
  static List<Object> get(Cql cql, TableSchema t, Map<Column, Object> key, List<Column> select) {
    List<String> cols = new ArrayList<>();
    select.forEach(c -> cols.add(Cql.quote(c.name())));
    cols.add(Cql.quote(Schema.VERSION));
    String text = "SELECT " + String.join(", ", cols) + " FROM " + cql.table(t.name()) + " WHERE " + keyWhere(key);
    Row r = execute(cql, t, cql.prepare(text).bind(keyBinds(t, key).toArray()).setConsistencyLevel(cql.read())).one();
    if (r == null) throw Problems.notFound("row " + Rows.describe(key) + " not found in table '" + t.name() + "'");
    List<Object> out = new ArrayList<>(select.size() + 1);
    for (int i = 0; i < select.size(); i++) out.add(fromCql(select.get(i), r.getObject(i)));
    out.add(r.isNull(select.size()) ? 0L : r.getLong(select.size()));
    return out;
  }

  /** Writes a row read by {@link #get}: the selected columns, then {@code _version} when asked for. */
  static void writeRow(JsonGenerator g, List<Column> select, List<Object> values, boolean withVersion) throws IOException {
    g.writeStartObject();
    for (int i = 0; i < select.size(); i++) {
      g.writeFieldName(select.get(i).name());
      select.get(i).type().write(g, values.get(i));
    }
    if (withVersion) g.writeNumberField(Schema.VERSION, (Long) values.get(select.size()));
    g.writeEndObject();
  }

  static byte[] representation(Cql cql, TableSchema t, Rows.Written w) {
    Map<Column, Object> key = new LinkedHashMap<>();
    w.key().forEach((name, v) -> key.put(t.column(name), v));
    List<Object> r = get(cql, t, key, t.columns());
    return Json.write(g -> writeRow(g, t.columns(), r, true));
  }

  // ---- values ----

  /** A value as the driver binds it to the column's CQL type. */
  static Object toCql(TableSchema t, Column c, Object v) {
    if (v == null) return null;
    String type = c.dbType().toLowerCase(Locale.ROOT);
    try {
      return switch (type) {
        case "smallint" -> {
          int i = ((Number) v).intValue();
          if (i != (short) i) throw new ArithmeticException();
          yield (short) i;
        }
        case "tinyint" -> {
          int i = ((Number) v).intValue();
          if (i != (byte) i) throw new ArithmeticException();
          yield (byte) i;
        }
        case "varint" -> ((BigDecimal) v).toBigIntegerExact();
        case "float" -> ((Number) v).floatValue();
        case "timestamp" -> ((LocalDateTime) v).toInstant(ZoneOffset.UTC);
        case "blob" -> ByteBuffer.wrap((byte[]) v);
        default -> v;
      };
    } catch (ArithmeticException e) {
      throw Problems.invalid(c.name(), "column '" + c.name() + "' of table '" + t.name() + "' is a " + type + ", which cannot hold " + v);
    }
  }

  /** A value the driver read, as the API writes it. */
  static Object fromCql(Column c, Object v) {
    if (v == null) return null;
    if (c.type() == ColumnType.OTHER) return v.toString();
    if (v instanceof Short s) return (int) s;
    if (v instanceof Byte b) return (int) b;
    if (v instanceof BigInteger b) return new BigDecimal(b);
    if (v instanceof Float f) return Double.parseDouble(f.toString());
    if (v instanceof Instant i) return LocalDateTime.ofInstant(i, ZoneOffset.UTC);
    if (v instanceof ByteBuffer b) {
      byte[] out = new byte[b.remaining()];
      b.duplicate().get(out);
      return out;
    }
    return v;
  }

  private static void writable(Column c) {
    if (c.type() == ColumnType.OTHER)
      throw Problems.invalid(c.name(), "column '" + c.name() + "' has the CQL type " + c.dbType() + ", which the data service does not write");
  }

  /** The row's values, refused when they do not give its whole key (Cassandra assigns no keys). */
  private static Map<Column, Object> requireKey(TableSchema t, Map<Column, Object> values) {
    if (values.isEmpty()) throw Problems.invalid("the row is empty");
    for (Column k : t.key()) {
      if (values.get(k) == null)
        throw Problems.invalid(k.name(), "column '" + k.name() + "' is part of the key of table '" + t.name() + "', which Cassandra does not assign: give it");
    }
    return values;
  }

  private static Map<Column, Object> key(TableSchema t, Map<Column, Object> values) {
    Map<Column, Object> k = new LinkedHashMap<>();
    t.key().forEach(c -> k.put(c, values.get(c)));
    return k;
  }

  private static boolean sameKey(TableSchema t, Row existing, Map<Column, Object> values) {
    for (Column c : t.key()) {
      if (!existing.getColumnDefinitions().contains(Cql.quote(c.name()))) return false;
      Object v = existing.getObject(Cql.quote(c.name()));
      if (v == null || !v.equals(toCql(t, c, values.get(c)))) return false;
    }
    return true;
  }

  static String keyWhere(Map<Column, Object> key) {
    List<String> parts = new ArrayList<>();
    key.keySet().forEach(c -> parts.add(Cql.quote(c.name()) + " = ?"));
    return String.join(" AND ", parts);
  }

  static List<Object> keyBinds(TableSchema t, Map<Column, Object> key) {
    List<Object> out = new ArrayList<>();
    key.forEach((c, v) -> out.add(toCql(t, c, v)));
    return out;
  }

  static ResultSet execute(Cql cql, TableSchema t, com.datastax.oss.driver.api.core.cql.Statement<?> st) {
    try {
      return cql.session().execute(st);
    } catch (DriverException e) {
      throw translate(e, t);
    }
  }

  /** A value Cassandra refused is the client's error, in Cassandra's words; anything else stays a server error. */
  static RuntimeException translate(Throwable e, TableSchema t) {
    Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
    if (cause instanceof InvalidQueryException q) return Problems.invalid("table '" + t.name() + "' refused the row: " + q.getMessage());
    if (cause instanceof RuntimeException r) return r;
    return new IllegalStateException(cause);
  }
}
