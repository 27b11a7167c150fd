package dev.ooda.kit.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Which rows of a table to read, in what order and with which columns: filters (all of them
 * must hold), an order, a selection and a page size. Built with {@link #builder()}; values are
 * written in the data service's query syntax and encoded by the client, never pasted by hand.
 *
 * <pre>{@code
 * Query q = Query.builder().eq("customer", "ann").gt("total", 10).in("status", "open", "paid")
 *     .orderByDesc("created").limit(50).build();
 * }</pre>
 *
 * @param filters the filters, each a column and its {@code op.value} expression
 * @param order   the order ({@code total.desc,id}), or null for key order
 * @param select  the columns to read ({@code id,total}), or null for all and {@code _version}
 * @param limit   rows per page, or 0 for the data service's default (100)
 */
public record Query(List<Filter> filters, String order, String select, int limit) {
  /** Every row, in key order. */
  public static final Query ALL = new Query(List.of(), null, null, 0);

  /** Names the data service reads as the query's own parameters, so no filter can use them. */
  private static final Set<String> RESERVED = Set.of("select", "order", "limit", "page", "maxBytes");

  /** One filter: {@code column=expression}, e.g. {@code total=gt.10}. */
  public record Filter(String column, String expression) {}

  public Query {
    filters = List.copyOf(filters);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link Query}. Each method names a column and the value(s) it is compared with. */
  public static final class Builder {
    private final List<Filter> filters = new ArrayList<>();
    private final List<String> order = new ArrayList<>();
    private final List<String> select = new ArrayList<>();
    private int limit;

    private Builder() {}

    public Builder eq(String column, Object value) {
      return value == null ? isNull(column) : filter(column, "eq.", value);
    }

    public Builder ne(String column, Object value) {
      return value == null ? isNotNull(column) : filter(column, "ne.", value);
    }

    public Builder lt(String column, Object value) {
      return filter(column, "lt.", value);
    }

    public Builder le(String column, Object value) {
      return filter(column, "le.", value);
    }

    public Builder gt(String column, Object value) {
      return filter(column, "gt.", value);
    }

    public Builder ge(String column, Object value) {
      return filter(column, "ge.", value);
    }

    /** One of {@code values}; none given matches no row. */
    public Builder in(String column, Object... values) {
      return add(column, "in." + list(values));
    }

    public Builder notIn(String column, Object... values) {
      return add(column, "not.in." + list(values));
    }

    /** A string pattern: {@code *} (or {@code %}) matches any run of characters, {@code _} one character. */
    public Builder like(String column, String pattern) {
      return filter(column, "like.", pattern);
    }

    public Builder notLike(String column, String pattern) {
      return filter(column, "not.like.", pattern);
    }

    public Builder isNull(String column) {
      return add(column, "is.null");
    }

    public Builder isNotNull(String column) {
      return add(column, "not.is.null");
    }

    public Builder isTrue(String column) {
      return add(column, "is.true");
    }

    public Builder isFalse(String column) {
      return add(column, "is.false");
    }

    /** Ascending on {@code column} (NULL first), after any order given before; the key always ends the order. */
    public Builder orderBy(String column) {
      order.add(name(column));
      return this;
    }

    /** Descending on {@code column} (NULL last). */
    public Builder orderByDesc(String column) {
      order.add(name(column) + ".desc");
      return this;
    }

    /** Reads only these columns; add {@code _version} to keep rows' versions. */
    public Builder select(String... columns) {
      for (String c : columns) select.add(name(c));
      return this;
    }

    /** Rows per page, 1 to 1000 (the data service's limit); the default is 100. */
    public Builder limit(int rows) {
      if (rows < 1 || rows > 1000) throw new IllegalArgumentException("limit must be 1..1000: " + rows);
      this.limit = rows;
      return this;
    }

    public Query build() {
      return new Query(filters, order.isEmpty() ? null : String.join(",", order),
          select.isEmpty() ? null : String.join(",", select), limit);
    }

    private Builder filter(String column, String op, Object value) {
      if (value == null) throw new IllegalArgumentException("no value to compare column '" + column + "' with: use isNull");
      return add(column, op + Paths.text(value));
    }

    private Builder add(String column, String expression) {
      String c = name(column);
      if (RESERVED.contains(c)) {
        throw new IllegalArgumentException("column '" + c + "' cannot be filtered: the data service reads it as a query parameter");
      }
      filters.add(new Filter(c, expression));
      return this;
    }

    /** {@code ("a","b,c")}: every value quoted, so that commas, quotes and parentheses in values stay values. */
    private static String list(Object... values) {
      StringBuilder b = new StringBuilder("(");
      for (int i = 0; i < values.length; i++) {
        if (values[i] == null) throw new IllegalArgumentException("in takes no null: use isNull");
        if (i > 0) b.append(',');
        b.append('"');
        String t = Paths.text(values[i]);
        for (int j = 0; j < t.length(); j++) {
          char ch = t.charAt(j);
          if (ch == '"' || ch == '\\') b.append('\\');
          b.append(ch);
        }
        b.append('"');
      }
      return b.append(')').toString();
    }

    private static String name(String column) {
      if (column == null || column.isEmpty() || column.indexOf(',') >= 0) {
        throw new IllegalArgumentException("not a column name: " + column);
      }
      return column;
    }
  }
}
