package dev.ooda.data.api;

import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchStatementBuilder;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import com.datastax.oss.driver.api.core.cql.Row;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.ooda.data.http.Problems;
import dev.ooda.data.storage.Cql;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The key-value model on Cassandra, with the semantics of {@link Kv}: a record is one partition,
 * its items the partition's rows sorted by key byte by byte (blob clustering). Expiry is kept in
 * the row and checked on every read, so an item is invisible from its expiry on, to the
 * millisecond; Cassandra's TTL (whole seconds, rounded up) then deletes it.
 */
final class CqlKv {
  /** Cassandra's largest TTL, 20 years. */
  private static final long MAX_TTL_SECONDS = 630_720_000L;

  private CqlKv() {}

  /** Writes the items of one record: one partition, so a batch of them applies whole and isolated. */
  static void put(Cql cql, String id, List<Kv.Put> puts, long now) {
    ByteBuffer rid = ByteBuffer.wrap(Kv.utf8("id", id));
    List<BoundStatement> bound = new ArrayList<>(puts.size());
    for (Kv.Put p : puts) {
      ByteBuffer k = ByteBuffer.wrap(Kv.utf8("key", p.key()));
      int ttl = 0;
      if (p.expiresAtMillis() != null) ttl = (int) Math.min(MAX_TTL_SECONDS, Math.max(1, (p.expiresAtMillis() - now + 999) / 1000));
      bound.add(cql.statement("kv.put").bind(rid, k, ByteBuffer.wrap(p.value()), p.expiresAtMillis(), ttl));
    }
    if (bound.size() == 1) {
      cql.session().execute(bound.get(0).setConsistencyLevel(cql.write()));
    } else {
      BatchStatementBuilder b = BatchStatement.builder(DefaultBatchType.UNLOGGED).setConsistencyLevel(cql.write());
      bound.forEach(b::addStatement);
      cql.session().execute(b.build());
    }
  }

  static Kv.Item get(Cql cql, String id, String key, long now) {
    Row r = cql.session().execute(cql.statement("kv.get")
        .bind(ByteBuffer.wrap(Kv.utf8("id", id)), ByteBuffer.wrap(Kv.utf8("key", key))).setConsistencyLevel(cql.read())).one();
    if (r == null || expired(r, 1, now)) throw Problems.notFound("item '" + key + "' of record '" + id + "' not found");
    return new Kv.Item(id, key, bytes(r.getByteBuffer(0)), r.isNull(1) ? null : r.getLong(1));
  }

  /** Items of one record from {@code start} (inclusive) to {@code end} (exclusive), after the page token. */
  static Kv.Page list(Cql cql, String id, String start, String end, String page, int limit, long maxBytes, long now) {
    byte[] rid = Kv.utf8("id", id);
    byte[] from = start == null ? null : Kv.utf8("start", start);
    byte[] to = end == null ? null : Kv.utf8("end", end);
    boolean after = false;
    if (page != null) {
      ArrayNode p = PageToken.decode(page, "kv-record", 2);
      byte[] lastKey = Kv.utf8("page", p.get(1).asText());
      // Cassandra takes one lower bound per column: the later of the range's start and the token.
      if (from == null || Arrays.compareUnsigned(lastKey, from) >= 0) {
        from = lastKey;
        after = true;
      }
    }
    List<Object> values = new ArrayList<>(3);
    values.add(ByteBuffer.wrap(rid));
    String name = "kv.list";
    if (from != null) {
      name += after ? ".after" : ".from";
      values.add(ByteBuffer.wrap(from));
    }
    if (to != null) {
      name += ".to";
      values.add(ByteBuffer.wrap(to));
    }
    BoundStatement st = cql.statement(name).bind(values.toArray()).setConsistencyLevel(cql.read()).setPageSize(Math.min(limit + 1, 1000));
    List<Kv.Item> items = new ArrayList<>();
    boolean more = false;
    long bytes = 0;
    for (Row r : cql.session().execute(st)) {
      if (expired(r, 2, now)) continue;
      Kv.Item it = new Kv.Item(id, text(r.getByteBuffer(0)), bytes(r.getByteBuffer(1)), r.isNull(2) ? null : r.getLong(2));
      if (items.size() == limit || (!items.isEmpty() && bytes + it.size() > maxBytes)) {
        more = true;
        break;
      }
      items.add(it);
      bytes += it.size();
    }
    String next = null;
    if (more) {
      Kv.Item last = items.get(items.size() - 1);
      next = PageToken.encode("kv-record", JsonNodeFactory.instance.arrayNode().add(last.id()).add(last.key()));
    }
    return new Kv.Page(items, next);
  }

  /** Deletes one item, or the whole record (its partition) when {@code key} is null. */
  static void delete(Cql cql, String id, String key) {
    ByteBuffer rid = ByteBuffer.wrap(Kv.utf8("id", id));
    BoundStatement st = key == null ? cql.statement("kv.delete.record").bind(rid)
        : cql.statement("kv.delete.item").bind(rid, ByteBuffer.wrap(Kv.utf8("key", key)));
    cql.session().execute(st.setConsistencyLevel(cql.write()));
  }

  private static boolean expired(Row r, int column, long now) {
    return !r.isNull(column) && r.getLong(column) <= now;
  }

  static byte[] bytes(ByteBuffer b) {
    if (b == null) return new byte[0];
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }

  private static String text(ByteBuffer b) {
    return new String(bytes(b), StandardCharsets.UTF_8);
  }
}
