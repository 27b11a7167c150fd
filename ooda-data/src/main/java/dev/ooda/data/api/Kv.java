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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jooq.Condition;
import org.jooq.Cursor;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Query;
import org.jooq.Record4;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * The key-value model: records {@code id -> sorted items (key -> value)}. Ids and keys are
 * stored as UTF-8 bytes so that every backend sorts them the same way, byte by byte; values are
 * JSON. An item may expire; expired items are invisible at once and deleted by the sweeper.
 */
final class Kv {
  static final Table<?> T = DSL.table(DSL.name("_ooda_kv"));
  static final Field<byte[]> RID = DSL.field(DSL.name("rid"), SQLDataType.VARBINARY);
  static final Field<byte[]> K = DSL.field(DSL.name("k"), SQLDataType.VARBINARY);
  static final Field<byte[]> V = DSL.field(DSL.name("v"), SQLDataType.VARBINARY);
  static final Field<Long> EXPIRES = DSL.field(DSL.name("expires"), SQLDataType.BIGINT);

  private Kv() {}

  /** One item to write. */
  record Put(String key, byte[] value, Long expiresAtMillis) {}

  /** An item read back. */
  record Item(String id, String key, byte[] value, Long expiresAtMillis) {
    long size() {
      return ColumnType.sizeOf(key) + value.length;
    }
  }

  /** A page of items in (id, key) order; {@code next} is null on the last page. */
  record Page(List<Item> items, String next) {}

  static byte[] utf8(String what, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    if (b.length == 0) throw Problems.invalid(what, "must not be empty");
    if (b.length > Limits.MAX_KEY_BYTES) throw Problems.invalid(what, "is " + b.length + " bytes, more than " + Limits.MAX_KEY_BYTES);
    return b;
  }

  private static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  static Condition live(long now) {
    return EXPIRES.isNull().or(EXPIRES.gt(now));
  }

  static void put(DSLContext tx, String id, List<Put> puts) {
    byte[] rid = utf8("id", id);
    List<Query> qs = new ArrayList<>(puts.size());
    for (Put p : puts) {
      byte[] k = utf8("key", p.key());
      qs.add(tx.insertInto(T).set(RID, rid).set(K, k).set(V, p.value()).set(EXPIRES, p.expiresAtMillis())
          .onConflict(RID, K).doUpdate().set(V, p.value()).set(EXPIRES, p.expiresAtMillis()));
    }
    if (qs.size() == 1) qs.get(0).execute();
    else tx.batch(qs).execute();
  }

  static Item get(DSLContext dsl, String id, String key, long now) {
    Record4<byte[], byte[], byte[], Long> r = dsl.select(RID, K, V, EXPIRES).from(T)
        .where(RID.eq(utf8("id", id))).and(K.eq(utf8("key", key))).and(live(now)).fetchOne();
    if (r == null) throw Problems.notFound("item '" + key + "' of record '" + id + "' not found");
    return new Item(id, key, r.value3(), r.value4());
  }

  /**
   * Items of one record ({@code id} given) or of all records, from {@code start} (inclusive) to
   * {@code end} (exclusive) on the key, or on the id when scanning, after the page token.
   */
  static Page list(DSLContext dsl, String id, String start, String end, String page, int limit, long maxBytes, long now) {
    String listing = id == null ? "kv-scan" : "kv-record";
    Condition c = live(now);
    Field<byte[]> ranged = id == null ? RID : K;
    if (id != null) c = c.and(RID.eq(utf8("id", id)));
    if (start != null) c = c.and(ranged.ge(utf8("start", start)));
    if (end != null) c = c.and(ranged.lt(utf8("end", end)));
    if (page != null) {
      ArrayNode p = PageToken.decode(page, listing, 2);
      byte[] lastId = utf8("page", p.get(0).asText());
      byte[] lastKey = utf8("page", p.get(1).asText());
      c = c.and(id == null ? RID.gt(lastId).or(RID.eq(lastId).and(K.gt(lastKey))) : K.gt(lastKey));
    }
    List<Item> items = new ArrayList<>();
    boolean more = false;
    long bytes = 0;
    try (Cursor<Record4<byte[], byte[], byte[], Long>> cur = dsl.select(RID, K, V, EXPIRES).from(T).where(c)
        .orderBy(RID, K).limit(limit + 1).fetchLazy()) {
      for (Record4<byte[], byte[], byte[], Long> r : cur) {
        Item it = new Item(text(r.value1()), text(r.value2()), r.value3(), r.value4());
        if (items.size() == limit || (!items.isEmpty() && bytes + it.size() > maxBytes)) {
          more = true;
          break;
        }
        items.add(it);
        bytes += it.size();
      }
    }
    String next = null;
    if (more) {
      Item last = items.get(items.size() - 1);
      ArrayNode pos = JsonNodeFactory.instance.arrayNode().add(last.id()).add(last.key());
      next = PageToken.encode(listing, pos);
    }
    return new Page(items, next);
  }

  static int delete(DSLContext tx, String id, String key) {
    Condition c = RID.eq(utf8("id", id));
    if (key != null) c = c.and(K.eq(utf8("key", key)));
    return tx.deleteFrom(T).where(c).execute();
  }

  static int sweep(DSLContext dsl, long now) {
    return dsl.deleteFrom(T).where(EXPIRES.le(now)).execute();
  }

  /** The items of one record: {@code {"id":..,"items":{k:v..},"next":..}}. */
  static void writeRecord(JsonGenerator g, String id, Page p) throws IOException {
    g.writeStartObject();
    g.writeStringField("id", id);
    g.writeObjectFieldStart("items");
    for (Item it : p.items()) {
      g.writeFieldName(it.key());
      Json.writeRaw(g, it.value());
    }
    g.writeEndObject();
    if (p.next() != null) g.writeStringField("next", p.next());
    g.writeEndObject();
  }

  /** A scan: {@code {"records":[{"id":..,"items":{..}}..],"next":..}}, items grouped by record. */
  static void writeScan(JsonGenerator g, Page p) throws IOException {
    g.writeStartObject();
    g.writeArrayFieldStart("records");
    String open = null;
    for (Item it : p.items()) {
      if (!it.id().equals(open)) {
        if (open != null) {
          g.writeEndObject();
          g.writeEndObject();
        }
        g.writeStartObject();
        g.writeStringField("id", it.id());
        g.writeObjectFieldStart("items");
        open = it.id();
      }
      g.writeFieldName(it.key());
      Json.writeRaw(g, it.value());
    }
    if (open != null) {
      g.writeEndObject();
      g.writeEndObject();
    }
    g.writeEndArray();
    if (p.next() != null) g.writeStringField("next", p.next());
    g.writeEndObject();
  }

  static void writeItem(JsonGenerator g, Item it) throws IOException {
    g.writeStartObject();
    g.writeStringField("id", it.id());
    g.writeStringField("key", it.key());
    g.writeFieldName("value");
    Json.writeRaw(g, it.value());
    if (it.expiresAtMillis() != null) g.writeStringField("expiresAt", Instant.ofEpochMilli(it.expiresAtMillis()).toString());
    g.writeEndObject();
  }

  /** Reads {@code {"items": {k: v..}, "ttl": "60s"}} into writes, checking each value's size. */
  static List<Put> parsePuts(JsonNode body, long now, int maxValueBytes) {
    if (!body.isObject()) throw Problems.invalid("the body must be an object like {\"items\": {\"key\": value}}");
    JsonNode items = body.get("items");
    if (items == null || !items.isObject() || items.isEmpty())
      throw Problems.invalid("items", "must be an object with at least one item, like {\"key\": value}");
    for (var it = body.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!f.equals("items") && !f.equals("ttl")) throw Problems.invalid(f, "unknown field (known: items, ttl)");
    }
    Long expires = expiry(body.get("ttl"), now);
    List<Put> puts = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : items.properties()) {
      puts.add(new Put(e.getKey(), value(e.getKey(), e.getValue(), maxValueBytes), expires));
    }
    return puts;
  }

  /** Reads {@code {"value": v, "ttl": "5s"}}. */
  static Put parseItem(String key, JsonNode body, long now, int maxValueBytes) {
    if (!body.isObject() || !body.has("value")) throw Problems.invalid("the body must be an object like {\"value\": ..., \"ttl\": \"60s\"}");
    for (var it = body.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!f.equals("value") && !f.equals("ttl")) throw Problems.invalid(f, "unknown field (known: value, ttl)");
    }
    return new Put(key, value(key, body.get("value"), maxValueBytes), expiry(body.get("ttl"), now));
  }

  private static byte[] value(String key, JsonNode v, int maxValueBytes) {
    byte[] b = Json.bytes(v);
    if (b.length > maxValueBytes)
      throw Problems.tooLarge("the value of item '" + key + "' is " + b.length + " bytes, more than the limit of " + maxValueBytes);
    return b;
  }

  static Long expiry(JsonNode ttl, long now) {
    if (ttl == null || ttl.isNull()) return null;
    if (!ttl.isTextual()) throw Problems.invalid("ttl", "must be a duration like 250ms, 5s, 2m or 1h");
    try {
      long ms = dev.ooda.model.Durations.parse(ttl.textValue()).toMillis();
      if (ms <= 0) throw Problems.invalid("ttl", "must be positive");
      return now + ms;
    } catch (IllegalArgumentException e) {
      throw Problems.invalid("ttl", e.getMessage());
    }
  }
}
