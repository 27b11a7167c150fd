package dev.ooda.data.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.ooda.data.http.Json;
import dev.ooda.data.http.Problems;
import dev.ooda.data.http.Request;
import dev.ooda.data.storage.ColumnType;
import dev.ooda.data.storage.DbErrors;
import dev.ooda.data.storage.Rows;
import dev.ooda.data.storage.Schema.Column;
import dev.ooda.data.storage.Schema.TableSchema;
import dev.ooda.data.storage.Schema;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jooq.Condition;
import org.jooq.Cursor;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.SortField;
import org.jooq.impl.DSL;

/**
 * A query over one table, PostgREST style: {@code ?status=eq.open&total=gt.10&order=total.desc
 * &select=id,total&limit=50&page=TOKEN}. Pages continue after the last row's ordering values
 * (keyset), never at an offset; the key columns are appended to the order so that it is total.
 * NULL sorts first in ascending order and last in descending order, on every backend.
 */
record RowQuery(TableSchema table, List<Column> select, boolean withVersion, Condition where,
                List<Order> order, String orderText, ArrayNode after, int limit, long maxBytes) {

  static final Set<String> RESERVED = Set.of("select", "order", "limit", "page", "maxBytes");

  record Order(Column column, boolean asc) {}

  static RowQuery parse(TableSchema t, Request.Query q, Limits limits) {
    List<Column> select = new ArrayList<>();
    boolean withVersion = t.versioned();
    String sel = q.get("select");
    if (sel != null) {
      withVersion = false;
      for (String name : sel.split(",")) {
        String n = name.trim();
        if (n.equals(Schema.VERSION) && t.versioned()) withVersion = true;
        else if (!n.isEmpty()) select.add(t.column(n));
      }
      if (select.isEmpty() && !withVersion) throw Problems.invalid("select", "names no column");
    } else {
      select.addAll(t.columns());
    }
    Condition where = DSL.noCondition();
    for (String name : q.names()) {
      if (RESERVED.contains(name)) continue;
      Column c = t.column(name);
      for (String f : q.getAll(name)) where = where.and(filter(t, c, f, limits.maxValueBytes()));
    }
    List<Order> order = new ArrayList<>();
    String ord = q.get("order");
    if (ord != null) {
      for (String part : ord.split(",")) {
        String p = part.trim();
        if (p.isEmpty()) continue;
        boolean asc = true;
        String col = p;
        if (p.endsWith(".desc")) { asc = false; col = p.substring(0, p.length() - 5); }
        else if (p.endsWith(".asc")) col = p.substring(0, p.length() - 4);
        Column c = t.column(col);
        if (order.stream().anyMatch(o -> o.column().equals(c))) throw Problems.invalid("order", "names column '" + col + "' twice");
        order.add(new Order(c, asc));
      }
    }
    for (Column k : t.key()) {
      if (order.stream().noneMatch(o -> o.column().equals(k))) order.add(new Order(k, true));
    }
    String orderText = String.join(",", order.stream().map(o -> o.column().name() + (o.asc() ? "" : ".desc")).toList());
    int limit = intParam(q, "limit", limits.defaultPageItems(), 1, limits.maxPageItems());
    long maxBytes = intParam(q, "maxBytes", (int) Math.min(Integer.MAX_VALUE, limits.maxPageBytes()), 1, (int) Math.min(Integer.MAX_VALUE, limits.maxPageBytes()));
    ArrayNode after = null;
    String page = q.get("page");
    if (page != null) {
      if (t.key().isEmpty()) throw Problems.invalid("page", "table '" + t.name() + "' has no primary key, so it cannot be paged");
      after = PageToken.decode(page, "rows:" + t.name() + ":" + orderText, order.size());
    }
    return new RowQuery(t, select, withVersion, where, order, orderText, after, limit, maxBytes);
  }

  static int intParam(Request.Query q, String name, int dflt, int min, int max) {
    String v = q.get(name);
    if (v == null) return dflt;
    try {
      int n = Integer.parseInt(v);
      if (n < min) throw Problems.invalid(name, "must be at least " + min);
      return Math.min(n, max);
    } catch (NumberFormatException e) {
      throw Problems.invalid(name, "must be a whole number");
    }
  }

  /** One filter: {@code op.value}, optionally negated with {@code not.}. */
  private static Condition filter(TableSchema t, Column c, String expr, int maxValueBytes) {
    boolean not = false;
    String e = expr;
    if (e.startsWith("not.")) {
      not = true;
      e = e.substring(4);
    }
    int dot = e.indexOf('.');
    if (dot < 0) throw badFilter(c, expr);
    String op = e.substring(0, dot);
    String arg = e.substring(dot + 1);
    Field<Object> f = c.field();
    Condition cond = switch (op) {
      case "eq" -> f.eq(value(t, c, arg, maxValueBytes));
      case "ne", "neq" -> f.ne(value(t, c, arg, maxValueBytes));
      case "lt" -> f.lt(value(t, c, arg, maxValueBytes));
      case "le", "lte" -> f.le(value(t, c, arg, maxValueBytes));
      case "gt" -> f.gt(value(t, c, arg, maxValueBytes));
      case "ge", "gte" -> f.ge(value(t, c, arg, maxValueBytes));
      case "like" -> {
        if (c.type() != ColumnType.STRING) throw Problems.invalid(c.name(), "like only applies to string columns; column '" + c.name() + "' is " + c.type().label());
        yield f.like(DSL.val(arg.replace('*', '%')));
      }
      case "in" -> {
        List<String> items = list(c, arg);
        List<Field<Object>> vals = new ArrayList<>();
        for (String s : items) vals.add(value(t, c, s, maxValueBytes));
        yield vals.isEmpty() ? DSL.falseCondition() : f.in(vals);
      }
      case "is" -> switch (arg) {
        case "null" -> f.isNull();
        case "true" -> f.eq(value(t, c, "true", maxValueBytes));
        case "false" -> f.eq(value(t, c, "false", maxValueBytes));
        default -> throw Problems.invalid(c.name(), "is takes null, true or false, got '" + ColumnType.abbreviate(arg) + "'");
      };
      default -> throw badFilter(c, expr);
    };
    return not ? cond.not() : cond;
  }

  private static Field<Object> value(TableSchema t, Column c, String text, int maxValueBytes) {
    return c.val(Rows.convertText(t, c, text, maxValueBytes));
  }

  /** {@code (a,b,"c,d")}: comma-separated, double quotes around values that hold commas. */
  private static List<String> list(Column c, String arg) {
    if (!arg.startsWith("(") || !arg.endsWith(")")) throw Problems.invalid(c.name(), "in takes a list like in.(1,2,3)");
    String body = arg.substring(1, arg.length() - 1);
    List<String> out = new ArrayList<>();
    if (body.isEmpty()) return out;
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < body.length(); i++) {
      char ch = body.charAt(i);
      if (ch == '"') quoted = !quoted;
      else if (ch == '\\' && quoted && i + 1 < body.length()) cur.append(body.charAt(++i));
      else if (ch == ',' && !quoted) { out.add(cur.toString()); cur.setLength(0); }
      else cur.append(ch);
    }
    if (quoted) throw Problems.invalid(c.name(), "in has an unclosed quote");
    out.add(cur.toString());
    return out;
  }

  private static RuntimeException badFilter(Column c, String expr) {
    return Problems.invalid(c.name(), "filter '" + ColumnType.abbreviate(expr)
        + "' must look like op.value with op one of eq, ne, lt, le, gt, ge, in, like, is (optionally after not.)");
  }

  /** Runs the query: a page as {@code {"rows":[...],"next":TOKEN}}, bounded by rows and bytes. */
  byte[] run(DSLContext dsl) {
    Set<Column> fetched = new LinkedHashSet<>(select);
    order.forEach(o -> fetched.add(o.column()));
    List<Column> cols = List.copyOf(fetched);
    List<Field<?>> fields = new ArrayList<>();
    cols.forEach(col -> fields.add(col.field()));
    if (withVersion) fields.add(Schema.VERSION_FIELD);
    Condition c = after == null ? where : where.and(afterToken());
    List<SortField<?>> sort = new ArrayList<>();
    for (Order o : order) {
      Field<Object> f = o.column().field();
      if (!o.column().nullable()) sort.add(o.asc() ? f.asc() : f.desc());
      else sort.add(o.asc() ? f.asc().nullsFirst() : f.desc().nullsLast());
    }
    List<byte[]> rows = new ArrayList<>();
    Record last = null;
    boolean more = false;
    long bytes = 0;
    try (Cursor<Record> cur = dsl.select(fields).from(table.table()).where(c).orderBy(sort).limit(limit + 1).fetchLazy()) {
      for (Record r : cur) {
        if (rows.size() == limit) {
          more = true;
          break;
        }
        byte[] b = Json.write(g -> writeRow(g, r, cols.size()));
        if (!rows.isEmpty() && bytes + b.length > maxBytes) {
          more = true;
          break;
        }
        rows.add(b);
        bytes += b.length + 1;
        last = r;
      }
    } catch (org.jooq.exception.DataAccessException e) {
      throw DbErrors.translate(e, table.name());
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(bytes + 64, Integer.MAX_VALUE));
    out.writeBytes("{\"rows\":[".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    for (int i = 0; i < rows.size(); i++) {
      if (i > 0) out.write(',');
      out.writeBytes(rows.get(i));
    }
    out.write(']');
    if (more && !table.key().isEmpty()) {
      String token = PageToken.encode("rows:" + table.name() + ":" + orderText, position(last, cols));
      out.writeBytes((",\"next\":\"" + token + "\"").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }
    out.write('}');
    return out.toByteArray();
  }

  private void writeRow(JsonGenerator g, Record r, int versionIndex) throws IOException {
    g.writeStartObject();
    for (int i = 0; i < select.size(); i++) {
      g.writeFieldName(select.get(i).name());
      select.get(i).type().write(g, r.get(i));
    }
    if (withVersion) g.writeNumberField(Schema.VERSION, (Long) r.get(versionIndex));
    g.writeEndObject();
  }

  private ArrayNode position(Record r, List<Column> cols) {
    ArrayNode pos = JsonNodeFactory.instance.arrayNode();
    for (Order o : order) {
      Object v = r.get(cols.indexOf(o.column()));
      pos.add(Json.parse(Json.write(g -> o.column().type().write(g, v))));
    }
    return pos;
  }

  /** Rows after the page token's position in this query's order. */
  private Condition afterToken() {
    Condition result = DSL.falseCondition();
    Condition prefix = DSL.noCondition();
    for (int i = 0; i < order.size(); i++) {
      Order o = order.get(i);
      Column col = o.column();
      Field<Object> f = col.field();
      JsonNode j = after.get(i);
      Object v;
      try {
        v = col.type().fromJson(j);
      } catch (ColumnType.BadValue | dev.ooda.model.ProblemException e) {
        throw Problems.invalid("page", "is not a page token of this listing");
      }
      Field<Object> val = v == null ? null : col.val(v);
      Condition beyond;
      if (o.asc()) beyond = v == null ? f.isNotNull() : f.gt(val);
      else beyond = v == null ? DSL.falseCondition() : col.nullable() ? f.lt(val).or(f.isNull()) : f.lt(val);
      result = result.or(prefix.and(beyond));
      prefix = prefix.and(v == null ? f.isNull() : f.eq(val));
    }
    return result;
  }
}
