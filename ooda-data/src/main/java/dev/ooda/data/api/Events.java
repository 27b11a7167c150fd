package dev.ooda.data.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.ooda.data.http.Json;
import dev.ooda.data.http.Problems;
import dev.ooda.data.storage.ColumnType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.jooq.Condition;
import org.jooq.Cursor;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Query;
import org.jooq.Record6;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * Event series, as in Staash's time series: events with a timestamp and an optional prefix (a
 * device, a user...), read back by time range and prefix. Each event lands in the time bucket
 * {@code ts / bucketWidth}; the bucket leads the key, so a range read touches only its buckets
 * and old buckets are dropped whole.
 */
final class Events {
  static final Table<?> T = DSL.table(DSL.name("_ooda_events"));
  static final Field<byte[]> SERIES = DSL.field(DSL.name("series"), SQLDataType.VARBINARY);
  static final Field<byte[]> PREFIX = DSL.field(DSL.name("prefix"), SQLDataType.VARBINARY);
  static final Field<Long> BUCKET = DSL.field(DSL.name("bucket"), SQLDataType.BIGINT);
  static final Field<Long> TS = DSL.field(DSL.name("ts"), SQLDataType.BIGINT);
  static final Field<Long> ID = DSL.field(DSL.name("id"), SQLDataType.BIGINT);
  static final Field<byte[]> V = DSL.field(DSL.name("v"), SQLDataType.VARBINARY);

  private Events() {}

  /** One event; {@code id} tells apart events of one prefix at the same millisecond. */
  record Event(String prefix, long ts, long id, byte[] value) {}

  /** A page of events in time order; {@code next} is null on the last page. */
  record Page(List<Event> events, String next) {}

  /** Reads one event object or {@code {"events": [...]}}. */
  static List<Event> parse(JsonNode body, long now, int maxValueBytes, int maxEvents) {
    List<JsonNode> nodes = new ArrayList<>();
    if (body.isObject() && body.has("events") && !body.has("value")) {
      JsonNode list = body.get("events");
      if (!list.isArray() || list.isEmpty()) throw Problems.invalid("events", "must be a non-empty list");
      list.forEach(nodes::add);
    } else {
      nodes.add(body);
    }
    if (nodes.size() > maxEvents) throw Problems.tooLarge(nodes.size() + " events in one request, more than the limit of " + maxEvents);
    List<Event> out = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      String at = nodes.size() == 1 && !body.has("events") ? "" : "events[" + i + "].";
      JsonNode n = nodes.get(i);
      if (!n.isObject() || !n.has("value")) throw Problems.invalid(at.isEmpty() ? "" : at.substring(0, at.length() - 1), "an event is an object with a value, and optionally ts, prefix, id");
      for (var it = n.fieldNames(); it.hasNext(); ) {
        String f = it.next();
        if (!List.of("ts", "prefix", "id", "value").contains(f)) throw Problems.invalid(at + f, "unknown field (known: ts, prefix, id, value)");
      }
      long ts = n.hasNonNull("ts") ? time(at + "ts", n.get("ts")) : now;
      String prefix = "";
      if (n.hasNonNull("prefix")) {
        if (!n.get("prefix").isTextual()) throw Problems.invalid(at + "prefix", "must be a string");
        prefix = n.get("prefix").textValue();
        if (prefix.getBytes(StandardCharsets.UTF_8).length > Limits.MAX_KEY_BYTES)
          throw Problems.invalid(at + "prefix", "is longer than " + Limits.MAX_KEY_BYTES + " bytes");
      }
      long id;
      if (n.hasNonNull("id")) {
        if (!n.get("id").canConvertToLong() || !n.get("id").isIntegralNumber()) throw Problems.invalid(at + "id", "must be a whole number");
        id = n.get("id").longValue();
      } else {
        id = ThreadLocalRandom.current().nextLong(Long.MAX_VALUE);
      }
      byte[] v = Json.bytes(n.get("value"));
      if (v.length > maxValueBytes) throw Problems.tooLarge("the value of " + (at.isEmpty() ? "the event" : at.substring(0, at.length() - 1)) + " is " + v.length + " bytes, more than the limit of " + maxValueBytes);
      out.add(new Event(prefix, ts, id, v));
    }
    return out;
  }

  /** A time as epoch milliseconds or ISO-8601 ({@code 2024-05-01T10:15:30Z}). */
  static long time(String what, JsonNode n) {
    if (n.isIntegralNumber() && n.canConvertToLong()) return n.longValue();
    if (n.isTextual()) return time(what, n.textValue());
    throw Problems.invalid(what, "must be epoch milliseconds or an ISO-8601 time like 2024-05-01T10:15:30Z");
  }

  static long time(String what, String s) {
    try {
      return s.chars().allMatch(Character::isDigit) && !s.isEmpty() ? Long.parseLong(s) : Instant.parse(s).toEpochMilli();
    } catch (DateTimeParseException | NumberFormatException e) {
      throw Problems.invalid(what, "must be epoch milliseconds or an ISO-8601 time like 2024-05-01T10:15:30Z, got '" + ColumnType.abbreviate(s) + "'");
    }
  }

  static void append(DSLContext tx, String series, List<Event> events, long bucketMillis) {
    byte[] s = Kv.utf8("series", series);
    List<Query> qs = new ArrayList<>();
    for (Event e : events) {
      // Appending the same (prefix, ts, id) again changes nothing: a retried append is harmless.
      qs.add(tx.insertInto(T).set(SERIES, s).set(PREFIX, e.prefix().getBytes(StandardCharsets.UTF_8))
          .set(BUCKET, Math.floorDiv(e.ts(), bucketMillis)).set(TS, e.ts()).set(ID, e.id()).set(V, e.value())
          .onConflictDoNothing());
    }
    if (qs.size() == 1) qs.get(0).execute();
    else tx.batch(qs).execute();
  }

  /** Events with {@code from <= ts < to}, of one prefix when given, oldest first (or newest first). */
  static Page read(DSLContext dsl, String series, Long from, Long to, String prefix, boolean desc,
                   String page, int limit, long maxBytes, long bucketMillis) {
    Condition c = SERIES.eq(Kv.utf8("series", series));
    if (prefix != null) c = c.and(PREFIX.eq(prefix.getBytes(StandardCharsets.UTF_8)));
    if (from != null) c = c.and(BUCKET.ge(Math.floorDiv(from, bucketMillis))).and(TS.ge(from));
    if (to != null) c = c.and(BUCKET.le(Math.floorDiv(to, bucketMillis))).and(TS.lt(to));
    String listing = desc ? "events-desc" : "events";
    if (page != null) {
      ArrayNode p = PageToken.decode(page, listing, 4);
      long b = p.get(0).asLong();
      long ts = p.get(1).asLong();
      byte[] pre = p.get(2).asText().getBytes(StandardCharsets.UTF_8);
      long id = p.get(3).asLong();
      c = c.and(desc
          ? DSL.row(BUCKET, TS, PREFIX, ID).lt(b, ts, pre, id)
          : DSL.row(BUCKET, TS, PREFIX, ID).gt(b, ts, pre, id));
    }
    var order = desc ? List.of(BUCKET.desc(), TS.desc(), PREFIX.desc(), ID.desc()) : List.of(BUCKET.asc(), TS.asc(), PREFIX.asc(), ID.asc());
    List<Event> out = new ArrayList<>();
    boolean more = false;
    long bytes = 0;
    long lastBucket = 0;
    try (Cursor<Record6<byte[], Long, Long, byte[], Long, byte[]>> cur = dsl.select(SERIES, BUCKET, TS, PREFIX, ID, V).from(T)
        .where(c).orderBy(order).limit(limit + 1).fetchLazy()) {
      for (var r : cur) {
        Event e = new Event(new String(r.value4(), StandardCharsets.UTF_8), r.value3(), r.value5(), r.value6());
        if (out.size() == limit || (!out.isEmpty() && bytes + e.value().length > maxBytes)) {
          more = true;
          break;
        }
        out.add(e);
        bytes += e.value().length + 64;
        lastBucket = r.value2();
      }
    }
    String next = null;
    if (more) {
      Event last = out.get(out.size() - 1);
      ArrayNode pos = JsonNodeFactory.instance.arrayNode().add(lastBucket).add(last.ts()).add(last.prefix()).add(last.id());
      next = PageToken.encode(listing, pos);
    }
    return new Page(out, next);
  }

  /** Drops every bucket that ends before {@code before}; returns the events removed. */
  static int dropBefore(DSLContext dsl, String series, long before, long bucketMillis) {
    return dsl.deleteFrom(T).where(SERIES.eq(Kv.utf8("series", series))).and(BUCKET.lt(Math.floorDiv(before, bucketMillis))).execute();
  }

  static void write(JsonGenerator g, String series, Page p) throws IOException {
    g.writeStartObject();
    g.writeStringField("series", series);
    g.writeArrayFieldStart("events");
    for (Event e : p.events()) {
      g.writeStartObject();
      g.writeStringField("ts", Instant.ofEpochMilli(e.ts()).toString());
      if (!e.prefix().isEmpty()) g.writeStringField("prefix", e.prefix());
      g.writeNumberField("id", e.id());
      g.writeFieldName("value");
      Json.writeRaw(g, e.value());
      g.writeEndObject();
    }
    g.writeEndArray();
    if (p.next() != null) g.writeStringField("next", p.next());
    g.writeEndObject();
  }
}
