package dev.ooda.data.storage;

import dev.ooda.data.http.Problems;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jooq.DataType;
import org.jooq.Field;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * A namespace's tables as the database reports them, read after each migration. Every name the
 * API accepts is looked up here first: what is not here never reaches SQL.
 */
public record Schema(Map<String, TableSchema> tables) {
  static final Schema EMPTY = new Schema(Map.of());
  /** The row version column that ooda adds to every table. */
  public static final String VERSION = "_version";
  public static final Field<Long> VERSION_FIELD = DSL.field(DSL.name(VERSION), SQLDataType.BIGINT);

  public Schema {
    tables = Collections.unmodifiableMap(new TreeMap<>(tables));
  }

  public TableSchema table(String namespace, String name) {
    TableSchema t = tables.get(name);
    if (t == null) {
      throw Problems.notFound("table '" + name + "' not found in namespace '" + namespace + "'"
          + (tables.isEmpty() ? " (it has no tables)" : " (tables: " + String.join(", ", tables.keySet()) + ")"));
    }
    return t;
  }

  /**
   * One table: its columns in declared order, its key, and whether rows carry a version.
   *
   * @param cassandra how the key is laid out on Cassandra, null on the SQL backends
   */
  public record TableSchema(String name, List<Column> columns, Map<String, Column> byName, List<Column> key, boolean versioned,
                            CassandraKey cassandra) {
    TableSchema(String name, List<Column> columns, List<String> keyNames, boolean versioned) {
      this(name, List.copyOf(columns), index(columns), keyOf(columns, keyNames), versioned, null);
    }

    TableSchema(String name, List<Column> columns, List<String> keyNames, boolean versioned, CassandraKey cassandra) {
      this(name, List.copyOf(columns), index(columns), keyOf(columns, keyNames), versioned, cassandra);
    }

    /** The partition key columns: the first {@link CassandraKey#partitionColumns()} of the key. */
    public List<Column> partitionKey() {
      return key.subList(0, cassandra.partitionColumns());
    }

    /** The clustering columns, the rest of the key, in clustering order. */
    public List<Column> clustering() {
      return key.subList(cassandra.partitionColumns(), key.size());
    }

    public Table<?> table() {
      return DSL.table(DSL.name(name));
    }

    public Column column(String column) {
      Column c = byName.get(column);
      if (c == null) {
        if (Schema.VERSION.equals(column)) throw Problems.invalid(column, "is managed by ooda: send it as If-Match instead");
        throw Problems.invalid(column, "unknown column '" + column + "' in table '" + name + "' (columns: "
            + String.join(", ", byName.keySet()) + ")");
      }
      return c;
    }

    public List<Column> requireKey() {
      if (key.isEmpty()) throw Problems.invalid("table '" + name + "' has no primary key: rows can only be queried");
      return key;
    }

    private static Map<String, Column> index(List<Column> columns) {
      Map<String, Column> m = new LinkedHashMap<>();
      columns.forEach(c -> m.put(c.name(), c));
      return Collections.unmodifiableMap(m);
    }

    private static List<Column> keyOf(List<Column> columns, List<String> keyNames) {
      List<Column> k = new ArrayList<>();
      for (String n : keyNames) columns.stream().filter(c -> c.name().equals(n)).findFirst().ifPresent(k::add);
      return List.copyOf(k);
    }
  }

  /**
   * A Cassandra table's key: its first {@code partitionColumns} columns form the partition key,
   * the rest are clustering columns, each stored ascending or descending.
   */
  public record CassandraKey(int partitionColumns, List<Boolean> ascending) {
    public CassandraKey {
      ascending = List.copyOf(ascending);
    }
  }

  /**
   * A column.
   *
   * @param dbType    the type name the database reports, e.g. {@code varchar}
   * @param size      the declared length of a string column, 0 when unbounded or unknown
   * @param generated the database assigns its value
   */
  public record Column(String name, ColumnType type, String dbType, boolean nullable, int size, boolean generated,
                DataType<?> dataType, Field<Object> field) {
    @SuppressWarnings("unchecked")
    static Column of(Backend backend, String name, ColumnType type, String dbType, boolean nullable, int size, boolean generated) {
      DataType<?> dt = type.dataType(backend, dbType);
      Field<Object> f = (Field<Object>) DSL.field(DSL.name(name), dt);
      return new Column(name, type, dbType, nullable, size, generated, dt, f);
    }

    /** Columns of one table are told apart by name. */
    @Override
    public boolean equals(Object o) {
      return o instanceof Column c && c.name.equals(name);
    }

    @Override
    public int hashCode() {
      return name.hashCode();
    }

    /** A value bound to this column's type. */
    public Field<Object> val(Object v) {
      @SuppressWarnings("unchecked")
      DataType<Object> dt = (DataType<Object>) dataType;
      return DSL.val(type.bindable(v, dataType), dt);
    }
  }
}
