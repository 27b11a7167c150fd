package dev.ooda.data.execution;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.jooq.DSLContext;
import org.jooq.Query;
import org.jooq.SQLDialect;

/**
 * The SQL text of the hot statements (a row by key, a one-row insert), rendered once per shape.
 * Rendering is the largest part of jOOQ's cost on such a statement, and the text depends only on
 * the dialect, the table and the columns' names and types (PostgreSQL casts some bound values to
 * their column's type): values are always bound, so a cached text never holds one.
 */
public final class Statements {
  /** Shapes are bounded by the schema; this caps what a stream of odd column selections could add. */
  private static final int MAX_SHAPES = 10_000;
  private static final ConcurrentHashMap<Shape, String> SQL = new ConcurrentHashMap<>();

  private Statements() {}

  /** @param names the table, then the columns (name and type) that make the statement what it is */
  record Shape(SQLDialect dialect, String kind, List<String> names) {}

  public static String sql(DSLContext dsl, String kind, List<String> names, Supplier<? extends Query> query) {
    Shape shape = new Shape(dsl.dialect(), kind, names);
    String sql = SQL.get(shape);
    if (sql == null) {
      sql = dsl.render(query.get());
      if (SQL.size() < MAX_SHAPES) SQL.putIfAbsent(shape, sql);
    }
    return sql;
  }
}
