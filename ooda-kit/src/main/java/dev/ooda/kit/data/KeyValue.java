package dev.ooda.kit.data;

import dev.ooda.kit.Call;
import dev.ooda.kit.RemoteProblemException;
import dev.ooda.model.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The namespace's key-value records: {@code id -> items (key -> value)}, items sorted by key byte
 * by byte, values any JSON (read into the type asked for), each item with an optional time to live.
 *
 * <pre>{@code
 * KeyValue kv = kit.data("carts").kv();
 * kv.put("cart-7", "sku-1", 2, Duration.ofHours(1));
 * Optional<Integer> n = kv.get("cart-7", "sku-1", Integer.class);
 * kv.items("cart-7", Integer.class).forEach(i -> ...);   // follows the pages by itself
 * }</pre>
 */
public final class KeyValue {
  private final OodaData data;
  private final String base;

  KeyValue(OodaData data) {
    this.data = data;
    this.base = data.base() + "/kv";
  }

  /** Writes one item that does not expire. */
  public void put(String id, String key, Object value) {
    put(id, key, value, null);
  }

  /** Writes one item that expires {@code ttl} from now (null: never). */
  public void put(String id, String key, Object value, Duration ttl) {
    Map<String, Object> body = new LinkedHashMap<>(4);
    body.put("value", value);
    if (ttl != null) body.put("ttl", Durations.format(ttl));
    data.write(data.client().put(item(id, key))).body(body).send();
  }

  /** Writes (merges) items into a record, in one transaction. */
  public void putAll(String id, Map<String, ?> items) {
    putAll(id, items, null);
  }

  /** Writes (merges) items into a record, each to expire {@code ttl} from now (null: never). */
  public void putAll(String id, Map<String, ?> items, Duration ttl) {
    Map<String, Object> body = new LinkedHashMap<>(4);
    body.put("items", items);
    if (ttl != null) body.put("ttl", Durations.format(ttl));
    data.write(data.client().put(record(id))).body(body).send();
  }

  /** An item's value, read into {@code type}; empty when the item does not exist or has expired. */
  public <T> Optional<T> get(String id, String key, Class<T> type) {
    Answers.ItemAnswer<T> a = read(id, key, type);
    return a == null ? Optional.empty() : Optional.ofNullable(a.value());
  }

  /** An item with its expiry; empty when it does not exist or has expired. */
  public <T> Optional<Item<T>> item(String id, String key, Class<T> type) {
    Answers.ItemAnswer<T> a = read(id, key, type);
    if (a == null) return Optional.empty();
    return Optional.of(new Item<>(a.id(), a.key(), a.value(), a.expiresAt() == null ? null : Instant.parse(a.expiresAt())));
  }

  /** The item as answered, or null when there is none. */
  private <T> Answers.ItemAnswer<T> read(String id, String key, Class<T> type) {
    try {
      return data.get(item(id, key)).as(Answers.type(Answers.ITEM, type));
    } catch (RemoteProblemException e) {
      if (OodaData.absent(e, "item ")) return null;
      throw e;
    }
  }

  /** Deletes one item; nothing happens when it does not exist. */
  public void delete(String id, String key) {
    data.write(data.client().delete(item(id, key))).send();
  }

  /** Deletes a whole record; nothing happens when it does not exist. */
  public void delete(String id) {
    data.write(data.client().delete(record(id))).send();
  }

  /** The record's items in key order, page after page as the stream is read. */
  public <T> Stream<Item<T>> items(String id, Class<T> type) {
    return items(id, null, null, type);
  }

  /** The record's items with keys in {@code [startKey, endKey)} (null: open), in key order. */
  public <T> Stream<Item<T>> items(String id, String startKey, String endKey, Class<T> type) {
    String path = record(id);
    return Pages.stream(token -> {
      Call c = range(data.get(path), startKey, endKey, token);
      Answers.RecordAnswer<T> a;
      try {
        a = c.as(Answers.type(Answers.RECORD, type));
      } catch (RemoteProblemException e) {
        if (OodaData.absent(e, "record ")) return new Page<>(List.of(), null);
        throw e;
      }
      List<Item<T>> items = new ArrayList<>(a.items().size());
      a.items().forEach((k, v) -> items.add(new Item<>(id, k, v, null)));
      return new Page<>(items, a.next());
    });
  }

  /** Every item of the records with ids in {@code [startId, endId)} (null: open), in (id, key) order. */
  public <T> Stream<Item<T>> scan(String startId, String endId, Class<T> type) {
    return Pages.stream(token -> {
      Answers.ScanAnswer<T> a = range(data.get(base), startId, endId, token).as(Answers.type(Answers.SCAN, type));
      List<Item<T>> items = new ArrayList<>();
      for (Answers.RecordAnswer<T> r : a.records()) r.items().forEach((k, v) -> items.add(new Item<>(r.id(), k, v, null)));
      return new Page<>(items, a.next());
    });
  }

  private static Call range(Call c, String start, String end, String token) {
    if (start != null) c.query("start", start);
    if (end != null) c.query("end", end);
    if (token != null) c.query("page", token);
    return c;
  }

  private String record(String id) {
    return base + "/" + Paths.segment(id);
  }

  private String item(String id, String key) {
    return base + "/" + Paths.segment(id) + "/" + Paths.segment(key);
  }
}
