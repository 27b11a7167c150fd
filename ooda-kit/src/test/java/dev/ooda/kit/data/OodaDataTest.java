package dev.ooda.kit.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.Server;
import dev.ooda.kit.RemoteProblemException;
import dev.ooda.testing.Eventually;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;

/** OodaData against a real data service on SQLite files; {@link OodaDataPostgresTest} runs the same on PostgreSQL. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OodaDataTest {
  static final String SCHEMA = """
      - version: 1
        table:
          name: orders
          columns:
            - {name: id, type: bigint, key: true, generated: true}
            - {name: customer, type: string(100), nullable: false}
            - {name: total, type: "decimal(12,2)"}
            - {name: status, type: string(20)}
            - {name: note, type: text}
      - version: 2
        sql: CREATE TABLE lines (order_id bigint NOT NULL, line int NOT NULL, sku varchar(40), PRIMARY KEY (order_id, line))
        postgres: CREATE TABLE lines (order_id bigint NOT NULL, line integer NOT NULL, sku varchar(40), PRIMARY KEY (order_id, line))
      """;

  record NewOrder(String customer, BigDecimal total, String status) {}

  record Order(long id, String customer, BigDecimal total, String status, String note, @JsonProperty("_version") long version) {}

  record Reading(String unit, double value) {}

  private final AtomicInteger names = new AtomicInteger();
  DataPlatform platform;
  OodaData shop;
  Table orders;

  boolean onPostgres() {
    return false;
  }

  @BeforeAll
  void start() throws Exception {
    platform = new DataPlatform(onPostgres());
  }

  @AfterAll
  void stop() throws Exception {
    platform.close();
  }

  /** Each test in a namespace of its own. */
  @BeforeEach
  void namespace(TestInfo test) {
    String ns = "shop-" + names.incrementAndGet();
    platform.namespace(ns, SCHEMA);
    shop = platform.kit.data(ns);
    orders = shop.table("orders");
  }

  // ---------------------------------------------------------------- key-value

  @Test
  void keyValueItemsArePutReadAndDeleted() {
    KeyValue kv = shop.kv();
    kv.put("cart/7", "sku 1", 2);
    kv.put("cart/7", "sku-2", Map.of("n", 3, "gift", true), Duration.ofHours(1));
    assertThat(kv.get("cart/7", "sku 1", Integer.class)).contains(2);
    Item<Map> gift = kv.item("cart/7", "sku-2", Map.class).orElseThrow();
    assertThat(gift.value()).containsEntry("gift", true);
    assertThat(gift.expiresAt()).isAfter(Instant.now().plus(Duration.ofMinutes(59)));
    assertThat(kv.get("cart/7", "nothing", Integer.class)).isEmpty();

    kv.delete("cart/7", "sku 1");
    assertThat(kv.get("cart/7", "sku 1", Integer.class)).isEmpty();
    kv.delete("cart/7");
    assertThat(kv.items("cart/7", Object.class)).isEmpty();
  }

  @Test
  void anItemExpiresAfterItsTtl() throws Exception {
    shop.kv().put("session", "token", "abc", Duration.ofMillis(200));
    shop.kv().put("session", "user", "ann");
    Eventually.within(Duration.ofSeconds(10), () -> assertThat(shop.kv().get("session", "token", String.class)).isEmpty());
    assertThat(shop.kv().get("session", "user", String.class)).contains("ann");
  }

  @Test
  void itemsAndScansFollowThePagesInByteOrder() {
    KeyValue kv = shop.kv();
    java.util.Map<String, Integer> items = new java.util.TreeMap<>();
    IntStream.range(0, 250).forEach(i -> items.put(String.format("k%03d", i), i));
    kv.putAll("big", items);
    kv.putAll("a-small", Map.of("x", 1));
    kv.putAll("z-small", Map.of("y", 2));

    assertThat(kv.items("big", Integer.class).map(Item::key)).containsExactlyElementsOf(items.keySet());
    assertThat(kv.items("big", "k100", "k110", Integer.class).map(Item::value)).containsExactly(100, 101, 102, 103, 104, 105, 106, 107, 108, 109);
    assertThat(kv.items("big", Integer.class).limit(3).map(Item::value)).containsExactly(0, 1, 2);
    List<Item<Integer>> all = kv.scan(null, null, Integer.class).toList();
    assertThat(all).hasSize(252);
    assertThat(all.get(0)).isEqualTo(new Item<>("a-small", "x", 1, null));
    assertThat(all.get(251).id()).isEqualTo("z-small");
    assertThat(kv.scan("b", "y", Integer.class).map(Item::id).distinct()).containsExactly("big");
  }

  // ---------------------------------------------------------------- tables

  @Test
  void rowsAreInsertedAndReadIntoRecordsAndRows() {
    Written w = orders.insert(new NewOrder("ann", new BigDecimal("12.50"), "open"));
    assertThat(w.version()).isEqualTo(1);
    long id = ((Number) w.key().get("id")).longValue();
    Order o = orders.get(id, Order.class).orElseThrow();
    assertThat(o.customer()).isEqualTo("ann");
    assertThat(o.total()).isEqualByComparingTo("12.5");
    assertThat(o.version()).isEqualTo(1);
    Row row = orders.get(id).orElseThrow();
    assertThat(row.getString("status")).isEqualTo("open");
    assertThat(row.version()).isEqualTo(1);
    assertThat(row.values()).doesNotContainKey("_version");
    assertThat(orders.get(id + 1000, Order.class)).isEmpty();

    List<Written> bulk = orders.insertAll(List.of(new NewOrder("bob", BigDecimal.ONE, "open"), Row.of(Map.of("customer", "cy"))));
    assertThat(bulk).hasSize(2).allSatisfy(x -> assertThat(x.version()).isEqualTo(1));
    assertThat(orders.stream(Query.ALL, Order.class)).extracting(Order::customer).containsExactly("ann", "bob", "cy");

    Table lines = shop.table("lines");
    lines.insert(Map.of("order_id", id, "line", 1, "sku", "lamp"));
    lines.upsert(List.of(id, 2), Map.of("sku", "desk"));
    lines.upsert(List.of(id, 2), Map.of("sku", "chair"));
    assertThat(lines.get(List.of(id, 2)).orElseThrow().get("sku")).isEqualTo("chair");
    assertThat(lines.stream(Query.ALL).map(r -> r.get("sku"))).containsExactly("lamp", "chair");
  }

  @Test
  void writesAreConditionalOnTheRowsVersion() {
    Written w = orders.insert(new NewOrder("ann", BigDecimal.TEN, "open"));
    Object id = w.key().get("id");
    Written paid = orders.update(id, Map.of("status", "paid"), w.version());
    assertThat(paid.version()).isEqualTo(2);

    assertThatThrownBy(() -> orders.update(id, Map.of("status", "lost"), w.version()))
        .isInstanceOfSatisfying(RemoteProblemException.class, e -> {
          assertThat(e.status()).isEqualTo(412);
          assertThat(e.type()).isEqualTo("urn:ooda:problem:precondition-failed");
        });
    assertThatThrownBy(() -> orders.delete(id, w.version())).isInstanceOf(RemoteProblemException.class);
    assertThat(orders.get(id, Order.class).orElseThrow().status()).isEqualTo("paid");
    orders.delete(id, paid.version());
    assertThat(orders.get(id)).isEmpty();
    assertThat(orders.delete(id)).isFalse();
  }

  @Test
  void updateWithAFunctionReadsAgainAndRetriesWhenTheRowChangedMeanwhile() {
    Object id = orders.insert(new NewOrder("ann", BigDecimal.TEN, "open")).key().get("id");
    AtomicInteger runs = new AtomicInteger();
    Row after = orders.update(id, row -> {
      if (runs.incrementAndGet() == 1) orders.update(id, Map.of("note", "gift wrap"));  // somebody else writes first
      return row.with("status", "cancelled");
    });
    assertThat(runs).hasValue(2);
    assertThat(after.get("status")).isEqualTo("cancelled");
    assertThat(after.get("note")).isEqualTo("gift wrap");
    assertThat(after.version()).isEqualTo(3);
    assertThat(orders.update(id, row -> row)).isEqualTo(after);
    assertThatThrownBy(() -> orders.update(999_999, row -> row.with("status", "x")))
        .isInstanceOfSatisfying(RemoteProblemException.class, e -> assertThat(e.status()).isEqualTo(404));
  }

  @Test
  void queriesAreBuiltEncodedAndFollowedPageByPage() {
    String tricky = "ann' OR '1'='1 & total=gt.0, \"x\"";
    for (int i = 0; i < 25; i++) orders.insert(new NewOrder(i % 2 == 0 ? "ann" : "bob", BigDecimal.valueOf(i), i % 5 == 0 ? null : "open"));
    orders.insert(new NewOrder(tricky, BigDecimal.ONE, "open"));

    Query anns = Query.builder().eq("customer", "ann").ge("total", 10).orderByDesc("total").limit(2).build();
    assertThat(orders.stream(anns, Order.class).map(o -> o.total().intValue())).containsExactly(24, 22, 20, 18, 16, 14, 12, 10);
    Page<Order> first = orders.page(anns, null, Order.class);
    assertThat(first.items()).hasSize(2);
    assertThat(orders.page(anns, first.next(), Order.class).items().get(0).total()).isEqualByComparingTo("20");

    assertThat(orders.stream(Query.builder().eq("customer", tricky).build(), Order.class)).extracting(Order::customer).containsExactly(tricky);
    assertThat(orders.stream(Query.builder().in("customer", tricky, "nobody").build(), Order.class)).hasSize(1);
    assertThat(orders.stream(Query.builder().like("customer", "an*").isNull("status").build(), Order.class)).hasSize(3);
    assertThat(orders.stream(Query.builder().notIn("customer", "ann", "bob").build())).hasSize(1);
    assertThat(orders.stream(Query.builder().select("customer").eq("total", 3).build()).toList())
        .containsExactly(new Row(Map.of("customer", "bob"), 0));
    assertThatThrownBy(() -> Query.builder().eq("order", 1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void problemsComeBackAsTheKitsExceptions() {
    orders.insert(Map.of("id", 7, "customer", "ann"));
    assertThatThrownBy(() -> orders.insert(Map.of("id", 7, "customer", "bob")))
        .isInstanceOfSatisfying(RemoteProblemException.class, e -> assertThat(e.type()).isEqualTo("urn:ooda:problem:conflict"));
    assertThatThrownBy(() -> orders.insert(Map.of("customer", "ann", "total", "lots")))
        .isInstanceOfSatisfying(RemoteProblemException.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.problem().errors()).extracting(v -> v.path()).containsExactly("total");
        });
    assertThatThrownBy(() -> shop.table("nope").get(1, Order.class))
        .isInstanceOfSatisfying(RemoteProblemException.class, e -> assertThat(e.status()).isEqualTo(404));
    assertThatThrownBy(() -> platform.kit.data("unknown-ns").kv().get("a", "b", String.class))
        .isInstanceOfSatisfying(RemoteProblemException.class, e -> assertThat(e.detail()).contains("namespace"));
  }

  // ---------------------------------------------------------------- batches and events

  @Test
  void aBatchAppliesAllOrNothing() {
    Written w = orders.insert(new NewOrder("ann", BigDecimal.TEN, "open"));
    Map<String, Object> key = Map.of("id", w.key().get("id"));
    List<Batch.Result> done = shop.batch()
        .insert("orders", new NewOrder("bob", BigDecimal.ONE, "open"))
        .update("orders", key, Map.of("status", "paid"), w.version())
        .put("cart-ann", Map.of("lamp", 1), null)
        .commit();
    assertThat(done).extracting(Batch.Result::op).containsExactly("insert", "update", "kv.put");
    assertThat(done.get(1).row().version()).isEqualTo(2);

    assertThatThrownBy(() -> shop.batch()
        .insert("orders", new NewOrder("cy", BigDecimal.ONE, "open"))
        .deleteRecord("cart-ann")
        .update("orders", key, Map.of("status", "lost"), w.version())
        .commit())
        .isInstanceOfSatisfying(RemoteProblemException.class, e -> {
          assertThat(e.status()).isEqualTo(412);
          assertThat(e.detail()).startsWith("ops[2]");
        });
    assertThat(orders.stream(Query.ALL, Order.class)).extracting(Order::customer).containsExactly("ann", "bob");
    assertThat(shop.kv().get("cart-ann", "lamp", Integer.class)).contains(1);
  }

  @Test
  void eventsAreAppendedAndReadByWindow() {
    EventSeries temps = shop.events("temps");
    Instant t0 = Instant.parse("2024-05-01T10:00:00Z");
    List<Event<Reading>> batch = new ArrayList<>();
    for (int i = 0; i < 150; i++) batch.add(Event.of(i % 2 == 0 ? "dev-1" : "dev-2", t0.plusSeconds(i), new Reading("C", i)));
    temps.appendAll(batch);
    temps.append(new Event<>("dev-1", t0.plusSeconds(7200), 1L, new Reading("C", -1)));

    assertThat(temps.read(Window.ALL, Reading.class)).hasSize(151);
    List<Event<Reading>> window = temps.read(Window.between(t0.plusSeconds(10), t0.plusSeconds(20)).prefix("dev-1"), Reading.class).toList();
    assertThat(window).extracting(e -> e.value().value()).containsExactly(10.0, 12.0, 14.0, 16.0, 18.0);
    assertThat(window.get(0).ts()).isEqualTo(t0.plusSeconds(10));
    assertThat(temps.read(Window.ALL.newestFirst(), Reading.class).findFirst().orElseThrow().id()).isEqualTo(1L);
    assertThat(temps.dropBefore(t0.plusSeconds(3600))).isEqualTo(150);
    assertThat(temps.read(Window.ALL, Reading.class)).hasSize(1);
  }

  // ---------------------------------------------------------------- retries

  /**
   * A write whose answer is lost is retried by the kit with the same idempotency key, and the
   * data service applies it once: a proxy passes the first insert on and answers 503 in its place.
   */
  @Test
  void aRetriedWriteIsAppliedOnce() {
    List<String> keys = new CopyOnWriteArrayList<>();
    AtomicInteger lost = new AtomicInteger(1);
    WebClient upstream = WebClient.of("http://127.0.0.1:" + platform.server.port());
    Server proxy = Server.builder().http(0).serviceUnder("/", (ctx, req) -> HttpResponse.of(req.aggregate()
        .thenCompose(r -> {
          String key = r.headers().get("idempotency-key");
          if (key != null) keys.add(key);
          return upstream.execute(r.toHttpRequest()).aggregate();
        })
        .thenApply(res -> lost.getAndDecrement() > 0 && res.status().isSuccess()
            ? AggregatedHttpResponse.of(HttpStatus.SERVICE_UNAVAILABLE).toHttpResponse()
            : res.toHttpResponse()))).build();
    proxy.start().join();
    try {
      platform.route(proxy.activeLocalPort());
      Written w = orders.insert(new NewOrder("ann", BigDecimal.TEN, "open"));
      assertThat(keys).hasSize(2);
      assertThat(keys.get(0)).isEqualTo(keys.get(1));
      assertThat(orders.stream(Query.ALL, Order.class)).extracting(Order::id).containsExactly(((Number) w.key().get("id")).longValue());
      orders.insert(new NewOrder("bob", BigDecimal.TEN, "open"));
      assertThat(keys).hasSize(3);
      assertThat(keys.get(2)).as("another logical write, another key").isNotEqualTo(keys.get(0));
    } finally {
      platform.route(platform.server.port());
      proxy.stop().join();
    }
  }
}
