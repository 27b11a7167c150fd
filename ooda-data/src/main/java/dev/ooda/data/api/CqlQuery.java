package dev.ooda.data.api;

import com.datastax.oss.driver.api.core.cql.Row;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.ooda.data.http.Json;
import dev.ooda.data.http.Problems;
import dev.ooda.data.http.Request;
import dev.ooda.data.storage.ColumnType;
import dev.ooda.data.storage.Cql;
import dev.ooda.data.storage.Rows;
import dev.ooda.data.storage.Schema;
import dev.ooda.data.storage.Schema.Column;
import dev.ooda.data.storage.Schema.TableSchema;
import dev.ooda.model.Problem;
import dev.ooda.model.ProblemException;
import dev.ooda.model.ProblemType;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A query over one Cassandra table, with {@link RowQuery}'s parameters, limited to what one
 * partition serves in clustering order: every partition key column restricted by {@code eq};
 * clustering columns restricted by {@code eq} from the first on, then at most one range
 * ({@code lt le gt ge}) on the next; {@code order} the clustering order or its reverse. Anything
 * else would read the whole table ({@code ALLOW FILTERING}), which the data service never does:
 * it is refused naming the key column that is missing. Pages continue after the last row's
 * clustering values (keyset).
 *
 * @param eq       the values of the partition key and of the leading clustering columns
 * @param range    the column after them that has a range, or null
 * @param after    the page token's position: the values of the clustering columns after {@code eq}'s
 */
record CqlQuery(TableSchema table, List<Column> select, boolean withVersion, Map<Column, Object> eq, Column range,
                Bound lower, Bound upper, boolean reversed, ArrayNode after, int limit, long maxBytes) {

  /** One end of a range: the value and whether it is included. */
  record Bound(Object value, boolean inclusive) {}

  static CqlQuery parse(TableSchema t, Request.Query q, Limits limits) {
    List<Column> select = new ArrayList<>();
    boolean withVersion = true;
    String sel = q.get("select");
    if (sel != null) {
      withVersion = false;
      for (String name : sel.split(",")) {
        String n = name.trim();
        if (n.equals(Schema.VERSION)) withVersion = true;
        else if (!n.isEmpty()) select.add(t.column(n));
      }
      if (select.isEmpty() && !withVersion) throw Problems.invalid("select", "names no column");
    } else {
      select.addAll(t.columns());
    }
    String ord = q.get("order");
    if (ord != null) for (String part : ord.split(",")) if (!part.isBlank()) t.column(part.trim().replaceFirst("\\.(asc|desc)$", ""));
    List<Column> partition = t.partitionKey();
    List<Column> clustering = t.clustering();
    Map<Column, Object> eqs = new HashMap<>();
    Map<Column, Bound> lowers = new HashMap<>();
    Map<Column, Bound> uppers = new HashMap<>();
    boolean filtered = false;
    for (String name : q.names()) {
      if (RowQuery.RESERVED.contains(name)) continue;
      Column c = t.column(name);
      filtered = true;
      boolean inPartition = partition.contains(c);
      if (!inPartition && !clustering.contains(c))
        throw refused("column '" + c.name() + "' is not part of the primary key of table '" + t.name() + "' " + keyText(t)
            + ": Cassandra would read the whole table to filter on it (ALLOW FILTERING), which the data service never does");
      for (String f : q.getAll(name)) {
        int dot = f.indexOf('.');
        String op = dot < 0 ? f : f.substring(0, dot);
        String arg = dot < 0 ? null : f.substring(dot + 1);
        switch (op) {
          case "eq", "lt", "le", "lte", "gt", "ge", "gte" -> {}
          case "not", "ne", "neq", "in", "like", "is" -> throw refused("filter '" + ColumnType.abbreviate(f) + "' on column '" + c.name()
              + "': Cassandra serves eq on key columns and lt, le, gt, ge on one clustering column; not " + op);
          default -> throw Problems.invalid(c.name(), "filter '" + ColumnType.abbreviate(f)
              + "' must look like op.value with op one of eq, lt, le, gt, ge on Cassandra");
        }
        if (arg == null) throw Problems.invalid(c.name(), "filter '" + ColumnType.abbreviate(f) + "' must look like op.value");
        Object v = Rows.convertText(t, c, arg, limits.maxValueBytes());
        if (v == null) throw Problems.invalid(c.name(), "a key value cannot be null");
        if (op.equals("eq")) {
          if (eqs.containsKey(c) || lowers.containsKey(c) || uppers.containsKey(c))
            throw Problems.invalid(c.name(), "takes one eq filter, or a range, not both");
          eqs.put(c, v);
        } else if (inPartition) {
          throw refused("column '" + c.name() + "' is part of the partition key of table '" + t.name()
              + "', which takes eq only: rows are spread over the ring by a hash of it");
        } else {
          boolean lower = op.startsWith("g");
          Map<Column, Bound> side = lower ? lowers : uppers;
          if (eqs.containsKey(c) || side.containsKey(c))
            throw Problems.invalid(c.name(), "takes one eq filter, or at most one lower and one upper bound");
          side.put(c, new Bound(v, op.endsWith("e")));
        }
      }
    }
    if (!filtered)
      throw Problems.notSupported("a query of table '" + t.name() + "' without a filter reads the whole table, which Cassandra cannot serve"
          + " in key order: give the partition key " + names(partition) + " with eq");
    for (Column p : partition) {
      if (!eqs.containsKey(p))
        throw refused("the filter does not restrict partition key column '" + p.name() + "' of table '" + t.name() + "' " + keyText(t)
            + ": Cassandra serves a query from one partition, so give " + p.name() + "=eq.VALUE");
    }
    Map<Column, Object> eq = new java.util.LinkedHashMap<>();
    for (Column p : partition) eq.put(p, eqs.get(p));
    Column range = null;
    Column gap = null;
    for (Column c : clustering) {
      boolean hasEq = eqs.containsKey(c);
      boolean hasRange = lowers.containsKey(c) || uppers.containsKey(c);
      if (gap != null) {
        if (hasEq || hasRange)
          throw refused("the filter on clustering column '" + c.name() + "' skips clustering column '" + gap.name()
              + "' of table '" + t.name() + "' " + keyText(t) + ": give " + gap.name() + "=eq.VALUE too"
              + (range == gap ? " (a range is served on the last restricted clustering column only)" : ""));
        continue;
      }
      if (hasEq) {
        eq.put(c, eqs.get(c));
      } else {
        gap = c;
        if (hasRange) range = c;
      }
    }
    boolean reversed = order(t, q.get("order"), eq);
    int limit = RowQuery.intParam(q, "limit", limits.defaultPageItems(), 1, limits.maxPageItems());
    int maxPage = (int) Math.min(Integer.MAX_VALUE, limits.maxPageBytes());
    long maxBytes = RowQuery.intParam(q, "maxBytes", maxPage, 1, maxPage);
    List<Column> rest = clustering.subList(eq.size() - partition.size(), clustering.size());
    List<Boolean> restAscending = t.cassandra().ascending().subList(clustering.size() - rest.size(), clustering.size());
    if (restAscending.contains(true) && restAscending.contains(false))
      throw Problems.notSupported("clustering columns " + names(rest) + " of table '" + t.name() + "' are stored in mixed directions "
          + clusteringText(t) + ", which the data service cannot page through in key order: give all but the last of them with eq");
    ArrayNode after = null;
    String page = q.get("page");
    if (page != null) after = PageToken.decode(page, listing(t, reversed), rest.size());
    return new CqlQuery(t, select, withVersion, eq, range, range == null ? null : lowers.get(range), range == null ? null : uppers.get(range),
        reversed, after, limit, maxBytes);
  }

  /**
   * Whether {@code order} asks for the reverse of the clustering order; any other order is
   * refused: Cassandra returns a partition's rows in its clustering order or that reversed.
   */
  private static boolean order(TableSchema t, String order, Map<Column, Object> eq) {
    if (order == null || order.isBlank()) return false;
    List<Column> clustering = t.clustering();
    List<Boolean> ascending = t.cassandra().ascending();
    Boolean reversed = null;
    int next = 0;
    for (String part : order.split(",")) {
      String p = part.trim();
      if (p.isEmpty()) continue;
      boolean asc = true;
      String col = p;
      if (p.endsWith(".desc")) { asc = false; col = p.substring(0, p.length() - 5); }
      else if (p.endsWith(".asc")) col = p.substring(0, p.length() - 4);
      Column c = t.column(col);
      int i = clustering.indexOf(c);
      if (eq.containsKey(c) && i >= 0) continue;  // one value: its direction does not matter
      String why = "Cassandra returns the rows of a partition of table '" + t.name() + "' in its clustering order " + clusteringText(t) + " or in its reverse";
      if (i < 0) throw refused("column '" + col + "' is not a clustering column: " + why);
      if (i < next) throw refused("names column '" + col + "' out of the clustering order: " + why);
      for (int j = next; j < i; j++)
        if (!eq.containsKey(clustering.get(j))) throw refused("skips clustering column '" + clustering.get(j).name() + "': " + why);
      boolean rev = asc != ascending.get(i);
      if (reversed != null && reversed != rev) throw refused("mixes directions: " + why);
      reversed = rev;
      next = i + 1;
    }
    return reversed != null && reversed;
  }

  private static String listing(TableSchema t, boolean reversed) {
    return "rows:" + t.name() + ":" + (reversed ? "reversed" : "clustering");
  }

  /** Runs the query: a page as {@code {"rows":[...],"next":TOKEN}}, bounded by rows and bytes. */
  byte[] run(Cql cql) {
    List<Column> clustering = table.clustering();
    List<Column> rest = clustering.subList(eq.size() - table.partitionKey().size(), clustering.size());
    List<Column> fetched = new ArrayList<>(select);
    for (Column c : rest) if (!fetched.contains(c)) fetched.add(c);
    List<String> cols = new ArrayList<>();
    fetched.forEach(c -> cols.add(Cql.quote(c.name())));
    cols.add(Cql.quote(Schema.VERSION));
    StringBuilder text = new StringBuilder("SELECT ").append(String.join(", ", cols)).append(" FROM ").append(cql.table(table.name()))
        .append(" WHERE ").append(CqlRows.keyWhere(eq));
    List<Object> binds = CqlRows.keyBinds(table, eq);
    if (after == null) {
      if (lower != null) {
        text.append(" AND ").append(Cql.quote(range.name())).append(lower.inclusive() ? " >= ?" : " > ?");
        binds.add(CqlRows.toCql(table, range, lower.value()));
      }
      if (upper != null) {
        text.append(" AND ").append(Cql.quote(range.name())).append(upper.inclusive() ? " <= ?" : " < ?");
        binds.add(CqlRows.toCql(table, range, upper.value()));
      }
    } else {
      // After the token's row, in the order read: a slice over the remaining clustering columns,
      // as tuples (Cassandra does not mix single-column and tuple slices). The token's row met
      // the range's bound on the side the page moves away from, so only the other bound stays.
      List<Object> position = new ArrayList<>();
      for (int i = 0; i < rest.size(); i++) {
        Column c = rest.get(i);
        Object v;
        try {
          v = c.type().fromJson(after.get(i));
        } catch (ColumnType.BadValue | ProblemException e) {
          throw Problems.invalid("page", "is not a page token of this listing");
        }
        if (v == null) throw Problems.invalid("page", "is not a page token of this listing");
        position.add(CqlRows.toCql(table, c, v));
      }
      // Ascending on the stored order when not reversed; "past" is then greater for ascending columns.
      boolean firstAscending = table.cassandra().ascending().get(clustering.indexOf(rest.get(0)));
      boolean greater = firstAscending != reversed;
      text.append(" AND ").append(tuple(rest)).append(greater ? " > " : " < ").append(marks(rest.size()));
      binds.addAll(position);
      Bound other = greater ? upper : lower;
      if (other != null) {
        boolean upperSide = greater;
        text.append(" AND (").append(Cql.quote(range.name())).append(")")
            .append(upperSide ? (other.inclusive() ? " <= " : " < ") : (other.inclusive() ? " >= " : " > ")).append("(?)");
        binds.add(CqlRows.toCql(table, range, other.value()));
      }
    }
    if (reversed) {
      List<String> order = new ArrayList<>();
      List<Boolean> ascending = table.cassandra().ascending();
      for (int i = 0; i < clustering.size(); i++) order.add(Cql.quote(clustering.get(i).name()) + (ascending.get(i) ? " DESC" : " ASC"));
      text.append(" ORDER BY ").append(String.join(", ", order));
    }
    text.append(" LIMIT ?");
    binds.add(limit + 1);
    List<byte[]> rows = new ArrayList<>();
    Row last = null;
    boolean more = false;
    long bytes = 0;
    for (Row r : CqlRows.execute(cql, table, cql.prepare(text.toString()).bind(binds.toArray()).setConsistencyLevel(cql.read())
        .setPageSize(limit + 1))) {
      if (rows.size() == limit) {
        more = true;
        break;
      }
      byte[] b = Json.write(g -> {
        g.writeStartObject();
        for (int i = 0; i < select.size(); i++) {
          g.writeFieldName(select.get(i).name());
          select.get(i).type().write(g, CqlRows.fromCql(select.get(i), r.getObject(i)));
        }
        if (withVersion) g.writeNumberField(Schema.VERSION, r.isNull(fetched.size()) ? 0L : r.getLong(fetched.size()));
        g.writeEndObject();
      });
      if (!rows.isEmpty() && bytes + b.length > maxBytes) {
        more = true;
        break;
      }
      rows.add(b);
      bytes += b.length + 1;
      last = r;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(bytes + 64, Integer.MAX_VALUE));
    out.writeBytes("{\"rows\":[".getBytes(StandardCharsets.US_ASCII));
    for (int i = 0; i < rows.size(); i++) {
      if (i > 0) out.write(',');
      out.writeBytes(rows.get(i));
    }
    out.write(']');
    if (more && !rest.isEmpty()) {
      ArrayNode pos = JsonNodeFactory.instance.arrayNode();
      for (Column c : rest) {
        Object v = CqlRows.fromCql(c, last.getObject(fetched.indexOf(c)));
        pos.add(Json.parse(Json.write(g -> c.type().write(g, v))));
      }
      String token = PageToken.encode(listing(table, reversed), pos);
      out.writeBytes((",\"next\":\"" + token + "\"").getBytes(StandardCharsets.US_ASCII));
    }
    out.write('}');
    return out.toByteArray();
  }

  private static String tuple(List<Column> cols) {
    List<String> names = new ArrayList<>();
    cols.forEach(c -> names.add(Cql.quote(c.name())));
    return "(" + String.join(", ", names) + ")";
  }

  private static String marks(int n) {
    return "(" + String.join(", ", java.util.Collections.nCopies(n, "?")) + ")";
  }

  private static ProblemException refused(String detail) {
    return new ProblemException(Problem.of(ProblemType.FILTER_NOT_SERVABLE, detail));
  }

  private static String keyText(TableSchema t) {
    return "(partition key " + names(t.partitionKey()) + (t.clustering().isEmpty() ? "" : ", clustering columns " + names(t.clustering())) + ")";
  }

  private static String clusteringText(TableSchema t) {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < t.clustering().size(); i++)
      parts.add(t.clustering().get(i).name() + (t.cassandra().ascending().get(i) ? "" : ".desc"));
    return "(" + String.join(", ", parts) + ")";
  }

  private static String names(List<Column> cols) {
    return "(" + String.join(", ", cols.stream().map(Column::name).toList()) + ")";
  }
}
