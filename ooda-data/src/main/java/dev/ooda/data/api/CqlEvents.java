package dev.ooda.data.api;

import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import com.datastax.oss.driver.api.core.cql.Row;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.ooda.data.storage.Cql;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * Event series on Cassandra, with the order and pages of {@link Events}. Each time bucket of a
 * series is one partition, kept twice: by time ({@code _ooda_events}: ts, prefix, id) and per
 * prefix ({@code _ooda_events_by_prefix}: ts, id), so that reads with and without a prefix are
 * each one slice of a partition. A small index partition per series lists its buckets, so that
 * a read walks only the buckets that exist. Time bounds and page positions are multi-column
 * slices on the clustering key; nothing is filtered after reading.
 */
final class CqlEvents {
  private CqlEvents() {}

  /**
   * Each event is one logged batch (both views and the bucket index apply together); the events
   * of one request are written concurrently, so a failed request may leave some of them written.
   * Appending the same (prefix, ts, id) again overwrites the value: last write wins.
   */
  static void append(Cql cql, String series, List<Events.Event> events, long bucketMillis) {
    ByteBuffer s = ByteBuffer.wrap(Kv.utf8("series", series));
    List<CompletableFuture<AsyncResultSet>> pending = new ArrayList<>(events.size());
    for (Events.Event e : events) {
      long bucket = Math.floorDiv(e.ts(), bucketMillis);
      ByteBuffer prefix = ByteBuffer.wrap(e.prefix().getBytes(StandardCharsets.UTF_8));
      ByteBuffer v = ByteBuffer.wrap(e.value());
      BatchStatement b = BatchStatement.newInstance(DefaultBatchType.LOGGED,
          cql.statement("ev.put").bind(s, bucket, e.ts(), prefix, e.id(), v),
          cql.statement("ev.put.prefix").bind(s, prefix, bucket, e.ts(), e.id(), v),
          cql.statement("ev.bucket.put").bind(s, bucket)).setConsistencyLevel(cql.write());
      pending.add(cql.session().executeAsync(b).toCompletableFuture());
    }
    try {
      CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) throw r;
      throw e;
    }
  }

  /** Events with {@code from <= ts < to}, of one prefix when given, oldest first (or newest first). */
  static Events.Page read(Cql cql, String series, Long from, Long to, String prefix, boolean desc,
                          String page, int limit, long maxBytes, long bucketMillis) {
    ByteBuffer s = ByteBuffer.wrap(Kv.utf8("series", series));
    ByteBuffer pre = prefix == null ? null : ByteBuffer.wrap(prefix.getBytes(StandardCharsets.UTF_8));
    String listing = desc ? "events-desc" : "events";
    // Bounds as (ts, prefix, id) tuples: lower inclusive unless it is the page position.
    Pos lower = new Pos(from == null ? Long.MIN_VALUE : from, new byte[0], Long.MIN_VALUE);
    boolean lowerExclusive = false;
    Pos upper = new Pos(to == null ? Long.MAX_VALUE : to, new byte[0], Long.MIN_VALUE);
    long firstBucket = Math.floorDiv(lower.ts(), bucketMillis);
    long lastBucket = Math.floorDiv(upper.ts(), bucketMillis);
    if (page != null) {
      ArrayNode p = PageToken.decode(page, listing, 4);
      Pos at = new Pos(p.get(1).asLong(), p.get(2).asText().getBytes(StandardCharsets.UTF_8), p.get(3).asLong());
      if (desc) {
        upper = at;
        lastBucket = p.get(0).asLong();
      } else {
        lower = at;
        lowerExclusive = true;
        firstBucket = p.get(0).asLong();
      }
    }
    String which = pre == null ? "ev.read" : "ev.read.prefix";
    String shape = desc ? ".desc" : lowerExclusive ? ".after" : ".from";
    List<Events.Event> out = new ArrayList<>();
    boolean more = false;
    long bytes = 0;
    long outBucket = 0;
    BoundStatement buckets = cql.statement(desc ? "ev.buckets.desc" : "ev.buckets").bind(s, firstBucket, lastBucket)
        .setConsistencyLevel(cql.read());
    outer:
    for (Row b : cql.session().execute(buckets)) {
      long bucket = b.getLong(0);
      BoundStatement st = pre == null
          ? cql.statement(which + shape).bind(s, bucket, lower.ts(), ByteBuffer.wrap(lower.prefix()), lower.id(),
              upper.ts(), ByteBuffer.wrap(upper.prefix()), upper.id())
          // Per prefix the clustering key is (ts, id): a position's prefix is the one asked for.
          : cql.statement(which + shape).bind(s, pre, bucket, lower.ts(), lower.id(), upper.ts(), upper.id());
      st = st.setConsistencyLevel(cql.read()).setPageSize(Math.min(limit + 1, 1000));
      for (Row r : cql.session().execute(st)) {
        Events.Event e = new Events.Event(new String(CqlKv.bytes(r.getByteBuffer("prefix")), StandardCharsets.UTF_8),
            r.getLong("ts"), r.getLong("id"), CqlKv.bytes(r.getByteBuffer("v")));
        if (out.size() == limit || (!out.isEmpty() && bytes + e.value().length > maxBytes)) {
          more = true;
          break outer;
        }
        out.add(e);
        bytes += e.value().length + 64;
        outBucket = bucket;
      }
    }
    String next = null;
    if (more) {
      Events.Event last = out.get(out.size() - 1);
      ArrayNode pos = JsonNodeFactory.instance.arrayNode().add(outBucket).add(last.ts()).add(last.prefix()).add(last.id());
      next = PageToken.encode(listing, pos);
    }
    return new Events.Page(out, next);
  }

  /** Drops every bucket that ends before {@code before}; returns the events removed. */
  static int dropBefore(Cql cql, String series, long before, long bucketMillis) {
    ByteBuffer s = ByteBuffer.wrap(Kv.utf8("series", series));
    long last = Math.floorDiv(before, bucketMillis) - 1;
    List<Long> gone = new ArrayList<>();
    for (Row b : cql.session().execute(cql.statement("ev.buckets").bind(s, Long.MIN_VALUE, last).setConsistencyLevel(cql.read()))) {
      gone.add(b.getLong(0));
    }
    int deleted = 0;
    for (long bucket : gone) {
      Set<ByteBuffer> prefixes = new HashSet<>();
      for (Row r : cql.session().execute(cql.statement("ev.prefixes").bind(s, bucket).setConsistencyLevel(cql.read()))) {
        prefixes.add(ByteBuffer.wrap(CqlKv.bytes(r.getByteBuffer(0))));
        deleted++;
      }
      List<CompletionStage<AsyncResultSet>> pending = new ArrayList<>();
      for (ByteBuffer p : prefixes) {
        pending.add(cql.session().executeAsync(cql.statement("ev.drop.prefix").bind(s, p, bucket).setConsistencyLevel(cql.write())));
      }
      pending.forEach(f -> f.toCompletableFuture().join());
      cql.session().execute(cql.statement("ev.drop").bind(s, bucket).setConsistencyLevel(cql.write()));
      cql.session().execute(cql.statement("ev.bucket.drop").bind(s, bucket).setConsistencyLevel(cql.write()));
    }
    return deleted;
  }

  /** A position in a bucket's clustering order. */
  private record Pos(long ts, byte[] prefix, long id) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Pos p && p.ts == ts && p.id == id && Arrays.equals(p.prefix, prefix);
    }

    @Override
    public int hashCode() {
      return Long.hashCode(ts) * 31 + Long.hashCode(id);
    }
  }
}
