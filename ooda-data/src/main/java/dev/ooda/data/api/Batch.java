package dev.ooda.data.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ooda.data.http.Etags;
import dev.ooda.data.http.Json;
import dev.ooda.data.http.Problems;
import dev.ooda.data.storage.Namespace;
import dev.ooda.data.storage.Rows;
import dev.ooda.data.storage.Schema.Column;
import dev.ooda.data.storage.Schema.TableSchema;
import dev.ooda.model.ProblemException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jooq.DSLContext;

/**
 * A batch: writes to tables and key-value records in one transaction. Every operation is read
 * and checked before the transaction starts; any failure while it runs rolls all of them back.
 *
 * <pre>
 * {"ops": [
 *   {"op": "insert", "table": "orders", "row": {"id": 1, "total": 10}},
 *   {"op": "update", "table": "orders", "key": {"id": 1}, "set": {"total": 12}, "ifMatch": "\"1\""},
 *   {"op": "upsert", "table": "orders", "row": {"id": 2, "total": 5}},
 *   {"op": "delete", "table": "orders", "key": {"id": 3}},
 *   {"op": "kv.put", "id": "cart-7", "items": {"sku-1": 2}, "ttl": "1h"},
 *   {"op": "kv.delete", "id": "cart-7", "key": "sku-2"}
 * ]}
 * </pre>
 */
final class Batch {
  private static final Set<String> OPS = Set.of("insert", "update", "upsert", "delete", "kv.put", "kv.delete");

  private Batch() {}

  /** One checked operation, ready to run in the batch's transaction. */
  interface Op {
    void run(DSLContext tx, JsonGenerator out) throws java.io.IOException;
  }

  static List<Op> parse(Namespace n, JsonNode body, Limits limits, long now) {
    JsonNode ops = body.get("ops");
    if (!body.isObject() || ops == null || !ops.isArray() || ops.isEmpty())
      throw Problems.invalid("ops", "must be a non-empty list of operations");
    if (ops.size() > limits.maxBatchOps())
      throw Problems.tooLarge(ops.size() + " operations in one batch, more than the limit of " + limits.maxBatchOps());
    List<Op> out = new ArrayList<>();
    for (int i = 0; i < ops.size(); i++) {
      try {
        out.add(one(n, ops.get(i), limits, now));
      } catch (ProblemException e) {
        throw DataApi.at("ops[" + i + "]", e);
      }
    }
    return out;
  }

  private static Op one(Namespace n, JsonNode op, Limits limits, long now) {
    if (!op.isObject()) throw Problems.invalid("must be an object with an op");
    String kind = op.path("op").asText("");
    if (!OPS.contains(kind)) throw Problems.invalid("op", "must be one of insert, update, upsert, delete, kv.put, kv.delete");
    int max = limits.maxValueBytes();
    switch (kind) {
      case "kv.put" -> {
        String id = text(op, "id");
        Kv.utf8("id", id);
        var copy = op.deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) copy).remove(List.of("op", "id"));
        List<Kv.Put> puts = Kv.parsePuts(copy, now, max);
        return (tx, g) -> {
          Kv.put(tx, id, puts);
          result(g, kind, 204, null);
        };
      }
      case "kv.delete" -> {
        String id = text(op, "id");
        String key = op.hasNonNull("key") ? text(op, "key") : null;
        return (tx, g) -> {
          Kv.delete(tx, id, key);
          result(g, kind, 204, null);
        };
      }
      default -> {
        TableSchema t = n.table(text(op, "table"));
        Etags.Match ifMatch = op.hasNonNull("ifMatch") ? Etags.parse(op.get("ifMatch").asText()) : null;
        switch (kind) {
          case "insert" -> {
            Map<Column, Object> row = Rows.values(t, op.get("row"), max);
            return (tx, g) -> result(g, kind, 201, Rows.insert(tx, t, row));
          }
          case "upsert" -> {
            Map<Column, Object> row = Rows.values(t, op.get("row"), max);
            Map<Column, Object> key = Rows.keyFromJson(t, keyOf(t, op.get("row")), max);
            return (tx, g) -> result(g, kind, 200, Rows.upsert(tx, t, key, row, ifMatch));
          }
          case "update" -> {
            Map<Column, Object> key = Rows.keyFromJson(t, op.get("key"), max);
            Map<Column, Object> set = Rows.values(t, op.get("set"), max);
            return (tx, g) -> result(g, kind, 200, Rows.update(tx, t, key, set, ifMatch));
          }
          default -> {
            Map<Column, Object> key = Rows.keyFromJson(t, op.get("key"), max);
            return (tx, g) -> {
              Rows.delete(tx, t, key, ifMatch);
              result(g, kind, 204, null);
            };
          }
        }
      }
    }
  }

  /** Runs the operations in order inside {@code tx}; the first failure aborts the batch. */
  static byte[] run(DSLContext tx, List<Op> ops) {
    return Json.write(g -> {
      g.writeStartObject();
      g.writeArrayFieldStart("results");
      for (int i = 0; i < ops.size(); i++) {
        try {
          ops.get(i).run(tx, g);
        } catch (ProblemException e) {
          throw DataApi.at("ops[" + i + "]", e);
        }
      }
      g.writeEndArray();
      g.writeEndObject();
    });
  }

  private static void result(JsonGenerator g, String op, int status, Rows.Written w) throws java.io.IOException {
    g.writeStartObject();
    g.writeStringField("op", op);
    g.writeNumberField("status", status);
    if (w != null) {
      g.writeFieldName("row");
      Rows.writeWritten(g, w);
      g.writeStringField("etag", w.etag());
    }
    g.writeEndObject();
  }

  private static String text(JsonNode op, String field) {
    JsonNode v = op.get(field);
    if (v == null || !v.isTextual() || v.textValue().isEmpty()) throw Problems.invalid(field, "is required, a string");
    return v.textValue();
  }

  /** The key columns of a row, for an upsert. */
  private static JsonNode keyOf(TableSchema t, JsonNode row) {
    if (row == null || !row.isObject()) throw Problems.invalid("row", "must be a JSON object");
    var key = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    for (Column c : t.requireKey()) {
      if (row.has(c.name())) key.set(c.name(), row.get(c.name()));
    }
    return key;
  }
}
