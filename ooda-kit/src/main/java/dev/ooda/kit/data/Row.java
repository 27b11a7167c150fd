package dev.ooda.kit.data;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A row as column values, with its version. Values are what the kit's JSON codec reads: strings,
 * numbers ({@code Integer}, {@code Long}, {@code Double}, {@code BigInteger}), booleans, lists
 * and maps; timestamps and dates as ISO-8601 strings, bytes in base64. For exact decimals and
 * typed fields read rows into a record instead ({@link Table#get(Object, Class)}).
 *
 * @param values  column name to value, in the order the data service gave them; nulls kept
 * @param version the row's version ({@code _version}), 0 when not read
 */
public record Row(Map<String, Object> values, long version) {
  static final String VERSION = "_version";

  public Row {
    values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  /** A row of these values, with no version: to insert or upsert. */
  public static Row of(Map<String, ?> values) {
    return new Row(new LinkedHashMap<String, Object>(values), 0);
  }

  /** A row as the data service answers it: {@code _version} becomes the version. */
  static Row read(Map<String, Object> answer) {
    Object v = answer.remove(VERSION);
    return new Row(answer, v instanceof Number n ? n.longValue() : 0);
  }

  public Object get(String column) {
    return values.get(column);
  }

  /** The value of a string column, or null. */
  public String getString(String column) {
    Object v = values.get(column);
    return v == null ? null : v.toString();
  }

  /** This row with one column set to another value. */
  public Row with(String column, Object value) {
    Map<String, Object> m = new LinkedHashMap<>(values);
    m.put(column, value);
    return new Row(m, version);
  }

  /** The columns whose values differ from {@code before}'s, to write only those. */
  Map<String, Object> changesFrom(Row before) {
    Map<String, Object> changed = new LinkedHashMap<>();
    values.forEach((k, v) -> {
      if (!before.values.containsKey(k) || !Objects.equals(before.values.get(k), v)) changed.put(k, v);
    });
    return changed;
  }
}
