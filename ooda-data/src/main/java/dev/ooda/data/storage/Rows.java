package dev.ooda.data.storage;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ooda.data.execution.Statements;
import dev.ooda.data.http.Etags;
import dev.ooda.data.http.Problems;
import dev.ooda.data.storage.Schema.Column;
import dev.ooda.data.storage.Schema.TableSchema;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Query;
import org.jooq.Record;
import org.jooq.impl.DSL;

/**
 * The table model: rows addressed by primary key, each carrying a version that increases on
 * every write. Every column name was looked up in the schema read from the database, and every
 * value is bound as a parameter of the column's type.
 */
public final class Rows {
  private Rows() {}

  /** What a write left: the row's key and its new version. */
  public record Written(Map<String, Object> key, long version) {
    public String etag() {
      return Etags.of(version);
    }
  }

  // ---- reading input ----

  /** Column values from a JSON object, each converted to its column's type. */
  public static Map<Column, Object> values(TableSchema t, JsonNode row, int maxValueBytes) {
    if (row == null || !row.isObject()) throw Problems.invalid("a row must be a JSON object of column: value");
    Map<Column, Object> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : row.properties()) {
      Column c = t.column(e.getKey());
      out.put(c, convert(t, c, e.getValue(), maxValueBytes));
    }
    return out;
  }

  static Object convert(TableSchema t, Column c, JsonNode v, int maxValueBytes) {
    Object value;
    try {
      value = c.type().fromJson(v);
    } catch (ColumnType.BadValue e) {
      throw Problems.invalid(c.name(), "column '" + c.name() + "' of table '" + t.name() + "' " + e.getMessage());
    }
    return checked(t, c, value, maxValueBytes);
  }

  public static Object convertText(TableSchema t, Column c, String v, int maxValueBytes) {
    Object value;
    try {
      value = c.type().fromText(v);
    } catch (ColumnType.BadValue e) {
      throw Problems.invalid(c.name(), "column '" + c.name() + "' of table '" + t.name() + "' " + e.getMessage());
    }
    return checked(t, c, value, maxValueBytes);
  }

  private static Object checked(TableSchema t, Column c, Object value, int maxValueBytes) {
    if (value == null) {
      if (!c.nullable()) throw Problems.invalid(c.name(), "column '" + c.name() + "' of table '" + t.name() + "' cannot be null");
      return null;
    }
    int size = ColumnType.sizeOf(value);
    if (size > maxValueBytes)
      throw Problems.tooLarge("the value of column '" + c.name() + "' is " + size + " bytes, more than the limit of " + maxValueBytes);
    if (c.size() > 0 && value instanceof String s && s.codePointCount(0, s.length()) > c.size())
      throw Problems.invalid(c.name(), "column '" + c.name() + "' of table '" + t.name() + "' takes at most " + c.size() + " characters");
    return value;
  }

  /**
   * The key from a path segment: the whole segment for a one-column key, comma-separated values
   * in key order for a composite key.
   */
  public static Map<Column, Object> keyFromPath(TableSchema t, String segment, int maxValueBytes) {
    List<Column> key = t.requireKey();
    String[] parts = key.size() == 1 ? new String[] {segment} : segment.split(",", -1);
    if (parts.length != key.size())
      throw Problems.invalid("key", "table '" + t.name() + "' has a key of " + key.size() + " columns ("
          + String.join(", ", key.stream().map(Column::name).toList()) + "): give " + key.size() + " comma-separated values");
    Map<Column, Object> out = new LinkedHashMap<>();
    for (int i = 0; i < parts.length; i++) {
      Object v = convertText(t, key.get(i), parts[i], maxValueBytes);
      if (v == null) throw Problems.invalid(key.get(i).name(), "a key value cannot be null");
      out.put(key.get(i), v);
    }
    return out;
  }

  /** The key from a JSON object of key columns (batches). */
  public static Map<Column, Object> keyFromJson(TableSchema t, JsonNode key, int maxValueBytes) {
    List<Column> cols = t.requireKey();
    if (key == null || !key.isObject()) throw Problems.invalid("key", "must be an object of the key columns");
    Map<Column, Object> out = new LinkedHashMap<>();
    for (Column c : cols) {
      JsonNode v = key.get(c.name());
      if (v == null || v.isNull()) throw Problems.invalid("key." + c.name(), "is required");
      out.put(c, convert(t, c, v, maxValueBytes));
    }
    for (var it = key.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (cols.stream().noneMatch(c -> c.name().equals(f))) throw Problems.invalid("key." + f, "is not a key column of table '" + t.name() + "'");
    }
    return out;
  }

  // ---- writes ----

  public static Written insert(DSLContext tx, TableSchema t, Map<Column, Object> values) {
    if (values.isEmpty()) throw Problems.invalid("the row is empty");
    List<Column> key = t.key();
    try {
      if (keyKnown(t, values)) {
        insertQuery(tx, t, values).execute();
        return inserted(t, values);
      }
      Map<Field<?>, Field<?>> set = insertAssignments(t, values);
      Record r = tx.insertInto(t.table()).set(set).returningResult(key.stream().map(Column::field).toList()).fetchOne();
      Map<String, Object> k = new LinkedHashMap<>();
      for (int i = 0; i < key.size(); i++) k.put(key.get(i).name(), r == null ? null : r.get(i));
      return new Written(k, 1);
    } catch (org.jooq.exception.DataAccessException e) {
      throw DbErrors.translate(e, t.name());
    }
  }

  /** Whether an insert of {@code values} gives the row's whole key, or the table has none. */
  static boolean keyKnown(TableSchema t, Map<Column, Object> values) {
    return t.key().isEmpty() || values.keySet().containsAll(t.key());
  }

  /**
   * The insert of one row whose key is known, from its cached text. Its values come in the
   * table's column order, so that rows giving the same columns share one statement, and one
   * batch of such inserts can bind them ({@link #insertBinds}).
   */
  static Query insertQuery(DSLContext tx, TableSchema t, Map<Column, Object> values) {
    Map<Field<?>, Field<?>> set = insertAssignments(t, values);
    List<String> shape = new ArrayList<>(set.size() + 1);
    shape.add(t.name());
    set.keySet().forEach(f -> shape.add(typed(f)));
    String sql = Statements.sql(tx, "insert", shape, () -> tx.insertInto(t.table()).set(set));
    return tx.query(sql, set.values().toArray());
  }

  /** The values {@link #insertQuery} binds, in its order, as a batch binds them. */
  static Object[] insertBinds(TableSchema t, Map<Column, Object> values) {
    List<Object> out = new ArrayList<>(values.size() + 1);
    for (Column c : t.columns()) if (values.containsKey(c)) out.add(c.type().bindable(values.get(c), c.dataType()));
    if (t.versioned()) out.add(1L);
    return out.toArray();
  }

  /** What an insert whose key was known left. */
  static Written inserted(TableSchema t, Map<Column, Object> values) {
    return new Written(names(pick(values, t.key())), 1);
  }

  private static Map<Field<?>, Field<?>> insertAssignments(TableSchema t, Map<Column, Object> values) {
    Map<Column, Object> ordered = new LinkedHashMap<>();
    for (Column c : t.columns()) if (values.containsKey(c)) ordered.put(c, values.get(c));
    Map<Field<?>, Field<?>> set = assignments(ordered);
    if (t.versioned()) set.put(Schema.VERSION_FIELD, DSL.val(1L));
    return set;
  }

  /** Changes the given columns of an existing row. */
  public static Written update(DSLContext tx, TableSchema t, Map<Column, Object> key, Map<Column, Object> values, Etags.Match ifMatch) {
    for (Column c : values.keySet()) {
      if (key.containsKey(c) && !key.get(c).equals(values.get(c)))
        throw Problems.invalid(c.name(), "is part of the key: it cannot be changed");
    }
    Map<Column, Object> changed = new LinkedHashMap<>(values);
    key.keySet().forEach(changed::remove);
    Map<Field<?>, Field<?>> set = assignments(changed);
    if (t.versioned()) set.put(Schema.VERSION_FIELD, Schema.VERSION_FIELD.plus(1));
    if (set.isEmpty()) throw Problems.invalid("nothing to change: give at least one column that is not part of the key");
    Condition where = keyCondition(key);
    if (ifMatch != null && ifMatch.version() != null) where = where.and(Schema.VERSION_FIELD.eq(ifMatch.version()));
    int n;
    try {
      n = tx.update(t.table()).set(set).where(where).execute();
    } catch (org.jooq.exception.DataAccessException e) {
      throw DbErrors.translate(e, t.name());
    }
    if (n == 0) throw missingOrChanged(tx, t, key, ifMatch);
    return new Written(names(key), t.versioned() ? versionOf(tx, t, key) : 0);
  }

  /** Creates the row, or replaces its columns when it exists. */
  public static Written upsert(DSLContext tx, TableSchema t, Map<Column, Object> key, Map<Column, Object> values, Etags.Match ifMatch) {
    if (ifMatch != null) return update(tx, t, key, values, ifMatch);
    for (Column c : values.keySet()) {
      if (key.containsKey(c) && !key.get(c).equals(values.get(c)))
        throw Problems.invalid(c.name(), "differs from the key in the path");
    }
    Map<Column, Object> all = new LinkedHashMap<>(key);
    values.forEach((c, v) -> { if (!key.containsKey(c)) all.put(c, v); });
    Map<Column, Object> changed = new LinkedHashMap<>(all);
    key.keySet().forEach(changed::remove);
    Map<Field<?>, Field<?>> insert = assignments(all);
    Map<Field<?>, Field<?>> update = assignments(changed);
    if (t.versioned()) {
      insert.put(Schema.VERSION_FIELD, DSL.val(1L));
      Field<Long> qualified = DSL.field(DSL.name(t.name(), Schema.VERSION), Long.class);
      update.put(Schema.VERSION_FIELD, qualified.plus(1));
    }
    try {
      var step = tx.insertInto(t.table()).set(insert).onConflict(key.keySet().stream().map(Column::field).toList());
      if (update.isEmpty()) step.doNothing().execute();
      else step.doUpdate().set(update).execute();
    } catch (org.jooq.exception.DataAccessException e) {
      throw DbErrors.translate(e, t.name());
    }
    return new Written(names(key), t.versioned() ? versionOf(tx, t, key) : 0);
  }

  public static void delete(DSLContext tx, TableSchema t, Map<Column, Object> key, Etags.Match ifMatch) {
    Condition where = keyCondition(key);
    if (ifMatch != null && ifMatch.version() != null) where = where.and(Schema.VERSION_FIELD.eq(ifMatch.version()));
    int n;
    try {
      n = tx.deleteFrom(t.table()).where(where).execute();
    } catch (org.jooq.exception.DataAccessException e) {
      throw DbErrors.translate(e, t.name());
    }
    if (n == 0) throw missingOrChanged(tx, t, key, ifMatch);
  }

  private static RuntimeException missingOrChanged(DSLContext tx, TableSchema t, Map<Column, Object> key, Etags.Match ifMatch) {
    boolean exists = tx.fetchExists(t.table(), keyCondition(key));
    if (ifMatch != null) {
      return Problems.preconditionFailed(exists
          ? "row " + describe(key) + " of table '" + t.name() + "' changed: its version is no longer " + ifMatch.text()
          : "row " + describe(key) + " of table '" + t.name() + "' does not exist, so it cannot match If-Match " + ifMatch.text());
    }
    return Problems.notFound("row " + describe(key) + " not found in table '" + t.name() + "'");
  }

  private static long versionOf(DSLContext tx, TableSchema t, Map<Column, Object> key) {
    Long v = tx.select(Schema.VERSION_FIELD).from(t.table()).where(keyCondition(key)).fetchOne(Schema.VERSION_FIELD);
    return v == null ? 0 : v;
  }

  // ---- reads ----

  /** The row with its version, or 404. */
  public static Record get(DSLContext dsl, TableSchema t, Map<Column, Object> key, List<Column> select) {
    List<Field<?>> fields = new ArrayList<>();
    select.forEach(c -> fields.add(c.field()));
    if (t.versioned()) fields.add(Schema.VERSION_FIELD);
    List<String> shape = new ArrayList<>(fields.size() + key.size() + 1);
    shape.add(t.name());
    fields.forEach(f -> shape.add(typed(f)));
    key.keySet().forEach(c -> shape.add("=" + typed(c.field())));
    String sql = Statements.sql(dsl, "get", shape, () -> dsl.select(fields).from(t.table()).where(keyCondition(key)));
    Record r = dsl.resultQuery(sql, binds(key)).coerce(fields).fetchOne();
    if (r == null) throw Problems.notFound("row " + describe(key) + " not found in table '" + t.name() + "'");
    return r;
  }

  /**
   * The rows whose one-column key is among {@code values}, each with the key column appended as
   * its last field. The list is padded to a power of two with its last value, so that a few
   * statement texts serve every batch size.
   */
  static List<Record> getMany(DSLContext dsl, TableSchema t, Column key, List<Object> values, List<Column> select) {
    List<Field<?>> fields = new ArrayList<>(select.size() + 2);
    select.forEach(c -> fields.add(c.field()));
    if (t.versioned()) fields.add(Schema.VERSION_FIELD);
    fields.add(key.field());
    int size = Integer.highestOneBit(values.size() - 1) << 1;
    if (values.size() == 1) size = 1;
    List<Field<?>> binds = new ArrayList<>(size);
    for (int i = 0; i < size; i++) binds.add(key.val(values.get(Math.min(i, values.size() - 1))));
    List<String> shape = new ArrayList<>(fields.size() + 2);
    shape.add(t.name());
    fields.forEach(f -> shape.add(typed(f)));
    shape.add("in" + size);
    String sql = Statements.sql(dsl, "getMany", shape, () -> dsl.select(fields).from(t.table()).where(key.field().in(binds)));
    return dsl.resultQuery(sql, binds.toArray()).coerce(fields).fetch();
  }

  public static long versionOf(TableSchema t, Record r) {
    if (!t.versioned()) return 0;
    Long v = r.get(Schema.VERSION_FIELD);
    return v == null ? 0 : v;
  }

  /** Writes a row: the selected columns, then {@code _version} when it was selected. */
  public static void writeRow(JsonGenerator g, List<Column> columns, Record r, boolean withVersion) throws IOException {
    g.writeStartObject();
    for (int i = 0; i < columns.size(); i++) {
      g.writeFieldName(columns.get(i).name());
      columns.get(i).type().write(g, r.get(i));
    }
    if (withVersion) g.writeNumberField(Schema.VERSION, r.get(Schema.VERSION_FIELD));
    g.writeEndObject();
  }

  public static void writeWritten(JsonGenerator g, Written w) throws IOException {
    g.writeStartObject();
    g.writeObjectFieldStart("key");
    for (var e : w.key().entrySet()) {
      g.writeFieldName(e.getKey());
      if (e.getValue() == null) g.writeNull();
      else if (e.getValue() instanceof Number n) g.writeNumber(n.toString());
      else g.writeString(e.getValue() instanceof byte[] b ? java.util.Base64.getEncoder().encodeToString(b) : e.getValue().toString());
    }
    g.writeEndObject();
    g.writeNumberField(Schema.VERSION, w.version());
    g.writeEndObject();
  }

  // ---- helpers ----

  static Condition keyCondition(Map<Column, Object> key) {
    Condition c = DSL.noCondition();
    for (var e : key.entrySet()) c = c.and(e.getKey().field().eq(e.getKey().val(e.getValue())));
    return c;
  }

  /** A column in a statement's shape: its name and type, since some dialects cast a bound value to it. */
  private static String typed(Field<?> f) {
    return f.getName() + ":" + f.getDataType().getTypeName();
  }

  /** The key's values, bound to their columns' types, in the order of {@link #keyCondition}. */
  private static Object[] binds(Map<Column, Object> key) {
    Object[] out = new Object[key.size()];
    int i = 0;
    for (var e : key.entrySet()) out[i++] = e.getKey().val(e.getValue());
    return out;
  }

  private static Map<Field<?>, Field<?>> assignments(Map<Column, Object> values) {
    Map<Field<?>, Field<?>> set = new LinkedHashMap<>();
    values.forEach((c, v) -> {
      if (c.type() == ColumnType.OTHER)
        throw Problems.invalid(c.name(), "column '" + c.name() + "' has the database type " + c.dbType() + ", which the data service does not write");
      set.put(c.field(), c.val(v));
    });
    return set;
  }

  private static Map<Column, Object> pick(Map<Column, Object> values, List<Column> cols) {
    Map<Column, Object> m = new LinkedHashMap<>();
    cols.forEach(c -> m.put(c, values.get(c)));
    return m;
  }

  /** A key by column name, as answers show it. */
  public static Map<String, Object> names(Map<Column, Object> key) {
    Map<String, Object> m = new LinkedHashMap<>();
    key.forEach((c, v) -> m.put(c.name(), v));
    return m;
  }

  /** A key as problem details name it: {@code (id=7, sku=ab..)}. */
  public static String describe(Map<Column, Object> key) {
    List<String> parts = new ArrayList<>();
    key.forEach((c, v) -> parts.add(c.name() + "=" + ColumnType.abbreviate(String.valueOf(v))));
    return "(" + String.join(", ", parts) + ")";
  }
}
