package dev.ooda.data.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ooda.data.http.Etags;
import dev.ooda.data.http.Json;
import dev.ooda.data.http.Problems;
import dev.ooda.data.http.Request;
import dev.ooda.data.http.Response;
import dev.ooda.data.http.Router;
import dev.ooda.data.storage.Catalog;
import dev.ooda.data.storage.Cql;
import dev.ooda.data.storage.Migrator;
import dev.ooda.data.storage.Namespace;
import dev.ooda.data.storage.Rows;
import dev.ooda.data.storage.Schema.Column;
import dev.ooda.data.storage.Schema.TableSchema;
import dev.ooda.model.Problem;
import dev.ooda.model.ProblemException;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jooq.DSLContext;
import org.jooq.Record;

/**
 * The data service's HTTP API (see docs/data.md). Methods run on the event loop, where they
 * parse and check the request; whatever waits on the database runs on the namespace's own
 * {@link dev.ooda.data.execution.Workers}.
 */
public final class DataApi {
  private static final String NS = "/v1/namespaces/{ns}";

  private final Catalog catalog;
  private final Limits limits;
  private final Clock clock;

  public DataApi(Catalog catalog, Limits limits, Clock clock) {
    this.catalog = catalog;
    this.limits = limits;
    this.clock = clock;
  }

  /** Deletes one namespace's expired key-value items and its idempotency keys past their time. */
  public static void sweep(DSLContext dsl, long now) {
    Kv.sweep(dsl, now);
    Writes.sweep(dsl, now);
  }

  /** Adds the API's routes to {@code router}. */
  public Router routes(Router router) {
    return router
        .get("/v1/namespaces", this::namespaces)
        .get(NS, this::namespace)
        .get(NS + "/kv", this::scan)
        .get(NS + "/kv/{id}", this::getRecord)
        .put(NS + "/kv/{id}", this::putRecord)
        .delete(NS + "/kv/{id}", this::deleteRecord)
        .get(NS + "/kv/{id}/{key}", this::getItem)
        .put(NS + "/kv/{id}/{key}", this::putItem)
        .delete(NS + "/kv/{id}/{key}", this::deleteItem)
        .get(NS + "/tables/{table}/rows", this::query)
        .post(NS + "/tables/{table}/rows", this::insert)
        .get(NS + "/tables/{table}/rows/{key}", this::getRow)
        .patch(NS + "/tables/{table}/rows/{key}", this::update)
        .put(NS + "/tables/{table}/rows/{key}", this::upsert)
        .delete(NS + "/tables/{table}/rows/{key}", this::deleteRow)
        .post(NS + "/batch", this::batch)
        .post(NS + "/events/{series}", this::append)
        .get(NS + "/events/{series}", this::events)
        .delete(NS + "/events/{series}", this::dropEvents);
  }

  // ---------------------------------------------------------------- namespaces

  private CompletionStage<Response> namespaces(Request req) {
    return CompletableFuture.completedFuture(ok(Json.write(g -> {
      g.writeStartObject();
      g.writeArrayFieldStart("namespaces");
      for (Namespace n : catalog.all()) writeNamespace(g, n);
      g.writeEndArray();
      g.writeEndObject();
    })));
  }

  private CompletionStage<Response> namespace(Request req) {
    String ns = req.param("ns");
    Namespace n = catalog.find(ns);
    return CompletableFuture.completedFuture(ok(Json.write(g -> writeNamespace(g, n))));
  }

  /** Storage, database and tables, like Staash's metadata layer; never the connection. */
  private static void writeNamespace(JsonGenerator g, Namespace n) throws IOException {
    g.writeStartObject();
    g.writeStringField("name", n.name());
    g.writeStringField("owner", n.spec().owner());
    g.writeStringField("backend", n.spec().effectiveBackend());
    g.writeStringField("state", n.state());
    g.writeNumberField("version", n.version());
    g.writeNumberField("declared", n.declared());
    if (n.storage() != null) {
      g.writeObjectFieldStart("storage");
      g.writeStringField("kind", n.storage().backend().storageKind());
      g.writeStringField("name", n.storage().storageName());
      g.writeEndObject();
      g.writeStringField("database", n.storage().product());
    }
    if (n.unavailable() != null) {
      g.writeObjectFieldStart("error");
      g.writeStringField("message", n.unavailable());
      g.writeEndObject();
    } else if (n.failure() != null) {
      g.writeObjectField("error", Migrator.toMap(n.failure()));
    }
    g.writeArrayFieldStart("tables");
    for (TableSchema t : n.schema().tables().values()) {
      g.writeStartObject();
      g.writeStringField("name", t.name());
      g.writeArrayFieldStart("key");
      for (Column c : t.key()) g.writeString(c.name());
      g.writeEndArray();
      g.writeArrayFieldStart("columns");
      for (Column c : t.columns()) {
        g.writeStartObject();
        g.writeStringField("name", c.name());
        g.writeStringField("type", c.type().label());
        g.writeStringField("dbType", c.dbType());
        g.writeBooleanField("nullable", c.nullable());
        if (c.generated()) g.writeBooleanField("generated", true);
        if (c.size() > 0) g.writeNumberField("size", c.size());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  // ---------------------------------------------------------------- key-value

  private CompletionStage<Response> scan(Request req) {
    String ns = req.param("ns");
    Request.Query q = req.queryParams();
    Namespace n = catalog.get(ns);
    if (cassandra(n) != null)
      throw Problems.notSupported("namespace '" + ns + "' is on cassandra, which cannot scan all records in id order "
          + "(records are spread over the ring by a hash of their id): read records by id");
    int limit = limit(q);
    long maxBytes = maxBytes(q);
    return onWorkers(n, () -> {
      Kv.Page p = Kv.list(n.storage().dsl(), null, q.get("start"), q.get("end"), q.get("page"), limit, maxBytes, clock.millis());
      return ok(Json.write(g -> Kv.writeScan(g, p)));
    });
  }

  private CompletionStage<Response> getRecord(Request req) {
    String ns = req.param("ns");
    String id = req.param("id");
    Request.Query q = req.queryParams();
    Namespace n = catalog.get(ns);
    int limit = limit(q);
    long maxBytes = maxBytes(q);
    return onWorkers(n, () -> {
      Cql cql = cassandra(n);
      Kv.Page p = cql != null
          ? CqlKv.list(cql, id, q.get("start"), q.get("end"), q.get("page"), limit, maxBytes, clock.millis())
          : Kv.list(n.storage().dsl(), id, q.get("start"), q.get("end"), q.get("page"), limit, maxBytes, clock.millis());
      if (p.items().isEmpty() && q.get("page") == null && q.get("start") == null && q.get("end") == null)
        throw Problems.notFound("record '" + id + "' not found in namespace '" + ns + "'");
      return ok(Json.write(g -> Kv.writeRecord(g, id, p)));
    });
  }

  private CompletionStage<Response> putRecord(Request req) {
    String ns = req.param("ns");
    String id = req.param("id");
    Namespace n = catalog.get(ns);
    Kv.utf8("id", id);
    List<Kv.Put> puts = Kv.parsePuts(Json.parse(req.body()), clock.millis(), limits.maxValueBytes());
    if (puts.size() > limits.maxBatchOps()) throw Problems.tooLarge(puts.size() + " items in one write, more than the limit of " + limits.maxBatchOps());
    long now = clock.millis();
    if (cassandra(n) != null) return writeCql(req, n, () -> {
      CqlKv.put(cassandra(n), id, puts, now);
      return Reply.noContent();
    });
    return write(req, n, puts.size() == 1, tx -> {
      Kv.put(tx, id, puts);
      return Reply.noContent();
    });
  }

  private CompletionStage<Response> deleteRecord(Request req) {
    String ns = req.param("ns");
    String id = req.param("id");
    Namespace n = catalog.get(ns);
    if (cassandra(n) != null) return writeCql(req, n, () -> {
      CqlKv.delete(cassandra(n), id, null);
      return Reply.noContent();
    });
    return write(req, n, true, tx -> {
      Kv.delete(tx, id, null);
      return Reply.noContent();
    });
  }

  private CompletionStage<Response> getItem(Request req) {
    String ns = req.param("ns");
    String id = req.param("id");
    String key = req.param("key");
    Namespace n = catalog.get(ns);
    return onWorkers(n, () -> {
      Kv.Item it = cassandra(n) != null ? CqlKv.get(cassandra(n), id, key, clock.millis()) : Kv.get(n.storage().dsl(), id, key, clock.millis());
      return ok(Json.write(g -> Kv.writeItem(g, it)));
    });
  }

  private CompletionStage<Response> putItem(Request req) {
    String ns = req.param("ns");
    String id = req.param("id");
    String key = req.param("key");
    Namespace n = catalog.get(ns);
    Kv.utf8("id", id);
    Kv.utf8("key", key);
    long now = clock.millis();
    Kv.Put put = Kv.parseItem(key, Json.parse(req.body()), now, limits.maxValueBytes());
    if (cassandra(n) != null) return writeCql(req, n, () -> {
      CqlKv.put(cassandra(n), id, List.of(put), now);
      return Reply.noContent();
    });
    return write(req, n, true, tx -> {
      Kv.put(tx, id, List.of(put));
      return Reply.noContent();
    });
  }

  private CompletionStage<Response> deleteItem(Request req) {
    String ns = req.param("ns");
    String id = req.param("id");
    String key = req.param("key");
    Namespace n = catalog.get(ns);
    if (cassandra(n) != null) return writeCql(req, n, () -> {
      CqlKv.delete(cassandra(n), id, key);
      return Reply.noContent();
    });
    return write(req, n, true, tx -> {
      Kv.delete(tx, id, key);
      return Reply.noContent();
    });
  }

  // ---------------------------------------------------------------- tables

  private CompletionStage<Response> query(Request req) {
    String ns = req.param("ns");
    String table = req.param("table");
    Request.Query q = req.queryParams();
    Namespace n = catalog.get(ns);
    if (cassandra(n) != null) {
      CqlQuery query = CqlQuery.parse(n.table(table), q, limits);
      return onWorkers(n, () -> ok(query.run(cassandra(n))));
    }
    RowQuery query = RowQuery.parse(n.table(table), q, limits);
    return onWorkers(n, () -> ok(query.run(n.storage().dsl())));
  }

  private CompletionStage<Response> insert(Request req) {
    String ns = req.param("ns");
    String table = req.param("table");
    Namespace n = catalog.get(ns);
    TableSchema t = n.table(table);
    JsonNode body = Json.parse(req.body());
    boolean full = wantsRepresentation(req);
    if (cassandra(n) != null) return insertCql(req, n, t, body, full);
    if (body.isArray()) {
      if (body.isEmpty()) throw Problems.invalid("the list of rows is empty");
      if (body.size() > limits.maxBatchOps()) throw Problems.tooLarge(body.size() + " rows in one insert, more than the limit of " + limits.maxBatchOps());
      List<Map<Column, Object>> rows = new ArrayList<>();
      for (int i = 0; i < body.size(); i++) {
        try {
          rows.add(Rows.values(t, body.get(i), limits.maxValueBytes()));
        } catch (ProblemException e) {
          throw at("[" + i + "]", e);
        }
      }
      return write(req, n, false, tx -> {
        List<Rows.Written> done = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
          try {
            done.add(Rows.insert(tx, t, rows.get(i)));
          } catch (ProblemException e) {
            throw at("[" + i + "]", e);
          }
        }
        return Reply.json(201, Json.write(g -> {
          g.writeStartObject();
          g.writeNumberField("inserted", done.size());
          g.writeArrayFieldStart("rows");
          for (Rows.Written w : done) Rows.writeWritten(g, w);
          g.writeEndArray();
          g.writeEndObject();
        }));
      });
    }
    Map<Column, Object> values = Rows.values(t, body, limits.maxValueBytes());
    if (!full && req.header("idempotency-key") == null) {
      return n.storage().inserts().insert(t, values).thenApply(w ->
          Reply.json(201, Json.write(g -> Rows.writeWritten(g, w)))
              .withEtag(t.versioned() ? w.etag() : null).withLocation(location(ns, table, t, w)).toResponse(false));
    }
    return write(req, n, false, tx -> {
      Rows.Written w = Rows.insert(tx, t, values);
      byte[] json = full ? representation(tx, t, w) : Json.write(g -> Rows.writeWritten(g, w));
      return Reply.json(201, json).withEtag(t.versioned() ? w.etag() : null).withLocation(location(ns, table, t, w));
    });
  }

  /** Inserts on Cassandra: one row, or rows of one partition all or none (see {@link CqlRows#insertAll}). */
  private CompletionStage<Response> insertCql(Request req, Namespace n, TableSchema t, JsonNode body, boolean full) {
    Cql cql = cassandra(n);
    String ns = n.name();
    if (body.isArray()) {
      if (body.isEmpty()) throw Problems.invalid("the list of rows is empty");
      if (body.size() > limits.maxBatchOps()) throw Problems.tooLarge(body.size() + " rows in one insert, more than the limit of " + limits.maxBatchOps());
      List<Map<Column, Object>> rows = new ArrayList<>();
      for (int i = 0; i < body.size(); i++) {
        try {
          rows.add(Rows.values(t, body.get(i), limits.maxValueBytes()));
        } catch (ProblemException e) {
          throw at("[" + i + "]", e);
        }
      }
      return writeCql(req, n, () -> {
        List<Rows.Written> done = CqlRows.insertAll(cql, t, rows);
        return Reply.json(201, Json.write(g -> {
          g.writeStartObject();
          g.writeNumberField("inserted", done.size());
          g.writeArrayFieldStart("rows");
          for (Rows.Written w : done) Rows.writeWritten(g, w);
          g.writeEndArray();
          g.writeEndObject();
        }));
      });
    }
    Map<Column, Object> values = Rows.values(t, body, limits.maxValueBytes());
    if (!full && req.header("idempotency-key") == null) {
      return CqlRows.insertAsync(cql, t, values).thenApply(w ->
          Reply.json(201, Json.write(g -> Rows.writeWritten(g, w)))
              .withEtag(w.etag()).withLocation(location(ns, t.name(), t, w)).toResponse(false));
    }
    return writeCql(req, n, () -> {
      Rows.Written w = CqlRows.insert(cql, t, values);
      byte[] json = full ? CqlRows.representation(cql, t, w) : Json.write(g -> Rows.writeWritten(g, w));
      return Reply.json(201, json).withEtag(w.etag()).withLocation(location(ns, t.name(), t, w));
    });
  }

  private CompletionStage<Response> getRow(Request req) {
    String ns = req.param("ns");
    String table = req.param("table");
    String key = req.param("key");
    Request.Query q = req.queryParams();
    Namespace n = catalog.get(ns);
    TableSchema t = n.table(table);
    Map<Column, Object> k = Rows.keyFromPath(t, key, limits.maxValueBytes());
    List<Column> select = selectOf(t, q);
    String ifNoneMatch = req.header("if-none-match");
    if (cassandra(n) != null) {
      return onWorkers(n, () -> {
        List<Object> r = CqlRows.get(cassandra(n), t, k, select);
        long version = (Long) r.get(select.size());
        if (Etags.noneMatch(ifNoneMatch, version)) return Response.empty(304, "etag", Etags.of(version));
        return Reply.json(200, Json.write(g -> CqlRows.writeRow(g, select, r, true))).withEtag(Etags.of(version)).toResponse(false);
      });
    }
    return n.storage().lookups().get(t, k, select).thenApply(r -> {
      long version = Rows.versionOf(t, r);
      if (t.versioned() && Etags.noneMatch(ifNoneMatch, version)) {
        return Response.empty(304, "etag", Etags.of(version));
      }
      Reply reply = Reply.json(200, Json.write(g -> Rows.writeRow(g, select, r, t.versioned())));
      return (t.versioned() ? reply.withEtag(Etags.of(version)) : reply).toResponse(false);
    });
  }

  private CompletionStage<Response> update(Request req) {
    String ns = req.param("ns");
    String table = req.param("table");
    String key = req.param("key");
    return writeRow(ns, table, key, req, Rows::update, CqlRows::update);
  }

  private CompletionStage<Response> upsert(Request req) {
    String ns = req.param("ns");
    String table = req.param("table");
    String key = req.param("key");
    return writeRow(ns, table, key, req, Rows::upsert, CqlRows::upsert);
  }

  /** A write of one row by key: {@link Rows#update} or {@link Rows#upsert}. */
  private interface RowWrite {
    Rows.Written apply(DSLContext tx, TableSchema t, Map<Column, Object> key, Map<Column, Object> values, Etags.Match ifMatch);
  }

  /** The same write on Cassandra: {@link CqlRows#update} or {@link CqlRows#upsert}. */
  private interface CqlRowWrite {
    Rows.Written apply(Cql cql, TableSchema t, Map<Column, Object> key, Map<Column, Object> values, Etags.Match ifMatch);
  }

  private CompletionStage<Response> writeRow(String ns, String table, String key, Request req,
                                RowWrite op, CqlRowWrite cqlOp) {
    Namespace n = catalog.get(ns);
    TableSchema t = n.table(table);
    Map<Column, Object> k = Rows.keyFromPath(t, key, limits.maxValueBytes());
    Map<Column, Object> values = Rows.values(t, Json.parse(req.body()), limits.maxValueBytes());
    Etags.Match ifMatch = Etags.parse(req.header("if-match"));
    boolean full = wantsRepresentation(req);
    if (cassandra(n) != null) {
      Cql cql = cassandra(n);
      return writeCql(req, n, () -> {
        Rows.Written w = cqlOp.apply(cql, t, k, values, ifMatch);
        return Reply.json(200, full ? CqlRows.representation(cql, t, w) : Json.write(g -> Rows.writeWritten(g, w))).withEtag(w.etag());
      });
    }
    return write(req, n, false, tx -> {
      Rows.Written w = op.apply(tx, t, k, values, ifMatch);
      return Reply.json(200, full ? representation(tx, t, w) : Json.write(g -> Rows.writeWritten(g, w)))
          .withEtag(t.versioned() ? w.etag() : null);
    });
  }

  private CompletionStage<Response> deleteRow(Request req) {
    String ns = req.param("ns");
    String table = req.param("table");
    String key = req.param("key");
    Namespace n = catalog.get(ns);
    TableSchema t = n.table(table);
    Map<Column, Object> k = Rows.keyFromPath(t, key, limits.maxValueBytes());
    Etags.Match ifMatch = Etags.parse(req.header("if-match"));
    if (cassandra(n) != null) return writeCql(req, n, () -> {
      CqlRows.delete(cassandra(n), t, k, ifMatch);
      return Reply.noContent();
    });
    return write(req, n, ifMatch == null, tx -> {
      Rows.delete(tx, t, k, ifMatch);
      return Reply.noContent();
    });
  }

  /** Writes to tables and key-value records, all in one transaction: all apply or none. */
  private CompletionStage<Response> batch(Request req) {
    String ns = req.param("ns");
    sqlOnly(ns, "batches (transactions across records and tables)");
    Namespace n = catalog.get(ns);
    List<Batch.Op> ops = Batch.parse(n, Json.parse(req.body()), limits, clock.millis());
    return write(req, n, false, tx -> Reply.json(200, Batch.run(tx, ops)));
  }

  // ---------------------------------------------------------------- events

  private CompletionStage<Response> append(Request req) {
    String ns = req.param("ns");
    String series = req.param("series");
    Namespace n = catalog.get(ns);
    Kv.utf8("series", series);
    List<Events.Event> events = Events.parse(Json.parse(req.body()), clock.millis(), limits.maxValueBytes(), limits.maxBatchOps());
    long bucket = n.spec().effectiveEventBucket().toMillis();
    if (cassandra(n) != null) return writeCql(req, n, () -> {
      CqlEvents.append(cassandra(n), series, events, bucket);
      return appended(events);
    });
    return write(req, n, events.size() == 1, tx -> {
      Events.append(tx, series, events, bucket);
      return appended(events);
    });
  }

  private static Reply appended(List<Events.Event> events) {
      return Reply.json(201, Json.write(g -> {
        g.writeStartObject();
        g.writeNumberField("appended", events.size());
        g.writeArrayFieldStart("events");
        for (Events.Event e : events) {
          g.writeStartObject();
          g.writeStringField("ts", java.time.Instant.ofEpochMilli(e.ts()).toString());
          if (!e.prefix().isEmpty()) g.writeStringField("prefix", e.prefix());
          g.writeNumberField("id", e.id());
          g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
      }));
  }

  private CompletionStage<Response> events(Request req) {
    String ns = req.param("ns");
    String series = req.param("series");
    Request.Query q = req.queryParams();
    Namespace n = catalog.get(ns);
    Long from = q.get("from") == null ? null : Events.time("from", q.get("from"));
    Long to = q.get("to") == null ? null : Events.time("to", q.get("to"));
    String order = q.get("order", "asc");
    if (!order.equals("asc") && !order.equals("desc")) throw Problems.invalid("order", "must be asc or desc");
    int limit = limit(q);
    long maxBytes = maxBytes(q);
    return onWorkers(n, () -> {
      Events.Page p = cassandra(n) != null
          ? CqlEvents.read(cassandra(n), series, from, to, q.get("prefix"), order.equals("desc"), q.get("page"),
              limit, maxBytes, n.spec().effectiveEventBucket().toMillis())
          : Events.read(n.storage().dsl(), series, from, to, q.get("prefix"), order.equals("desc"), q.get("page"),
          limit, maxBytes, n.spec().effectiveEventBucket().toMillis());
      return ok(Json.write(g -> Events.write(g, series, p)));
    });
  }

  /** Retention: drops whole buckets older than {@code before}. */
  private CompletionStage<Response> dropEvents(Request req) {
    String ns = req.param("ns");
    String series = req.param("series");
    Request.Query q = req.queryParams();
    Namespace n = catalog.get(ns);
    String before = q.get("before");
    if (before == null) throw Problems.invalid("before", "is required: the time before which whole buckets are dropped");
    long at = Events.time("before", before);
    long bucket = n.spec().effectiveEventBucket().toMillis();
    if (cassandra(n) != null) return writeCql(req, n, () -> deleted(CqlEvents.dropBefore(cassandra(n), series, at, bucket)));
    return write(req, n, true, tx -> deleted(Events.dropBefore(tx, series, at, bucket)));
  }

  private static Reply deleted(int gone) {
    return Reply.json(200, Json.write(g -> {
      g.writeStartObject();
      g.writeNumberField("deleted", gone);
      g.writeEndObject();
    }));
  }

  // ---------------------------------------------------------------- helpers

  /**
   * Runs a write: in one transaction, applied once per idempotency key. A write that is one
   * statement and carries no key runs on its own, in autocommit.
   */
  private CompletionStage<Response> write(Request req, Namespace n, boolean oneStatement,
                             Function<DSLContext, Reply> work) {
    String key = req.header("idempotency-key");
    DSLContext dsl = n.storage().dsl();
    if (key == null && oneStatement) return onWorkers(n, () -> work.apply(dsl).toResponse(false));
    byte[] fp = key == null ? null : Writes.fingerprint(req.method(), req.path(), req.query(), req.body());
    return onWorkers(n, () -> {
      Writes.Outcome o = Writes.run(dsl, key, fp, clock, work);
      return o.reply().toResponse(o.replayed());
    });
  }

  /** A write on Cassandra: applied once per idempotency key (see {@link CqlWrites}). */
  private CompletionStage<Response> writeCql(Request req, Namespace n, Supplier<Reply> work) {
    String key = req.header("idempotency-key");
    byte[] fp = key == null ? null : Writes.fingerprint(req.method(), req.path(), req.query(), req.body());
    return onWorkers(n, () -> {
      Writes.Outcome o = CqlWrites.run(n.storage().cql(), key, fp, clock, work);
      return o.reply().toResponse(o.replayed());
    });
  }

  /** The namespace's Cassandra session, or null when it lives in a SQL database. */
  private static Cql cassandra(Namespace n) {
    return n.storage().cql();
  }

  /** Refuses what only the SQL backends serve, naming it, on a Cassandra namespace. */
  private void sqlOnly(String ns, String what) {
    Namespace n = catalog.get(ns);
    if (cassandra(n) != null)
      throw Problems.notSupported("namespace '" + ns + "' is on cassandra, where the data service serves key-value records, event series "
          + "and tables by key, not " + what);
  }

  private static CompletionStage<Response> onWorkers(Namespace n, Supplier<Response> work) {
    return n.storage().workers().submit(work);
  }

  private static Response ok(byte[] json) {
    return Reply.json(200, json).toResponse(false);
  }

  private int limit(Request.Query q) {
    return RowQuery.intParam(q, "limit", limits.defaultPageItems(), 1, limits.maxPageItems());
  }

  private long maxBytes(Request.Query q) {
    int max = (int) Math.min(Integer.MAX_VALUE, limits.maxPageBytes());
    return RowQuery.intParam(q, "maxBytes", max, 1, max);
  }

  private static boolean wantsRepresentation(Request req) {
    String prefer = req.header("prefer");
    return prefer != null && prefer.contains("return=representation");
  }

  private static List<Column> selectOf(TableSchema t, Request.Query q) {
    String sel = q.get("select");
    if (sel == null) return t.columns();
    List<Column> out = new ArrayList<>();
    for (String s : sel.split(",")) if (!s.isBlank()) out.add(t.column(s.trim()));
    return out;
  }

  private byte[] representation(DSLContext tx, TableSchema t, Rows.Written w) {
    Map<Column, Object> key = new java.util.LinkedHashMap<>();
    w.key().forEach((name, v) -> key.put(t.column(name), v));
    Record r = Rows.get(tx, t, key, t.columns());
    return Json.write(g -> Rows.writeRow(g, t.columns(), r, t.versioned()));
  }

  private static String location(String ns, String table, TableSchema t, Rows.Written w) {
    if (t.key().isEmpty() || w.key().containsValue(null)) return null;
    List<String> parts = new ArrayList<>();
    w.key().values().forEach(v -> parts.add(v instanceof byte[] b ? java.util.Base64.getEncoder().encodeToString(b) : String.valueOf(v)));
    String seg = URLEncoder.encode(String.join(",", parts), StandardCharsets.UTF_8).replace("+", "%20");
    return "/v1/namespaces/" + ns + "/tables/" + table + "/rows/" + seg;
  }

  /** The same problem, its detail prefixed with where in the request it arose. */
  static ProblemException at(String where, ProblemException e) {
    Problem p = e.problem();
    return new ProblemException(new Problem(p.type(), p.title(), p.status(), where + ": " + p.detail(), p.errors()));
  }
}
