package dev.ooda.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.CqlSession;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ooda.testing.cassandra.TestCassandra;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The API suite on a real Cassandra, one keyspace per namespace: its key-value, event-series and
 * by-key table tests run as on the SQL backends; tables from CQL migrations, queries within one
 * partition, and what Cassandra cannot serve with the same guarantees (refused) are tested here.
 */
class CassandraApiTest extends DataApiSuite {
  @Override
  Database startDatabase() {
    return Database.cassandra();
  }

  @Test
  void aNamespaceIsAKeyspaceAndNeverShowsItsConnection() {
    String ns = namespace("");
    JsonNode n = http.get("/v1/namespaces/" + ns).json();
    assertThat(n.path("state").asText()).isEqualTo("ready");
    assertThat(n.path("backend").asText()).isEqualTo("cassandra");
    assertThat(n.path("storage").path("kind").asText()).isEqualTo("keyspace");
    assertThat(n.path("storage").path("name").asText()).isEqualTo("ns_" + ns.replace('-', '_'));
    assertThat(n.path("database").asText()).startsWith("Apache Cassandra 5.0");
    assertThat(http.get("/v1/namespaces").body()).doesNotContain(PASSWORD).doesNotContain("127.0.0.1:");
  }

  @Test
  void replicationAndConsistencyLevelsAreTakenFromTheSpec() {
    NamespaceStatus ok = push("tuned-cassandra", spec("") + "  cassandra:\n    replication: {class: SimpleStrategy, replication_factor: 1}\n"
        + "    read: ONE\n    write: local_quorum\n");
    assertThat(ok.state()).as(ok.toString()).isEqualTo(NamespaceStatus.READY);
    assertThat(http.put(kv("tuned-cassandra") + "/r", "{\"items\":{\"a\":1}}").status()).isEqualTo(204);
    assertThat(http.get(kv("tuned-cassandra") + "/r/a").json().path("value").asInt()).isEqualTo(1);
    // A changed replication is applied to the existing keyspace.
    NamespaceStatus wider = push("tuned-cassandra", spec("") + "  cassandra:\n    replication: {class: SimpleStrategy, replication_factor: 2}\n");
    assertThat(wider.state()).as(wider.toString()).isEqualTo(NamespaceStatus.READY);
    TestCassandra c = TestCassandra.shared();
    try (CqlSession cql = CqlSession.builder().addContactPoint(new InetSocketAddress(c.host(), c.port())).withLocalDatacenter(c.datacenter()).build()) {
      assertThat(cql.execute("SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = 'ns_tuned_cassandra'").one()
          .getMap(0, String.class, String.class)).containsEntry("replication_factor", "2");
    }

    assertThatThrownBy(() -> push("badlevel-cassandra", spec("") + "  cassandra: {read: SOMETIMES}\n"))
        .hasMessageContaining("spec.cassandra.read").hasMessageContaining("'SOMETIMES' is not a consistency level");
    assertThatThrownBy(() -> push("badrepl-cassandra", spec("") + "  cassandra: {replication: {class: Everywhere}}\n"))
        .hasMessageContaining("spec.cassandra.replication.class");
  }

  @Test
  void whatCassandraCannotServeIsRefusedNamingIt() {
    String ns = namespace(CQL_ORDERS);
    problem(http.get(kv(ns)), 501, "cannot scan all records");
    problem(http.post("/v1/namespaces/" + ns + "/batch", "{\"ops\":[]}"), 501, "batches");
    assertThatThrownBy(() -> push("portable-cassandra", spec("- {version: 1, table: {name: t, columns: [{name: id, type: int, key: true}]}}\n")))
        .hasMessageContaining("spec.migrations[0]").hasMessageContaining("give CQL in cassandra (or sql)");
  }

  /** Orders of a customer: one partition per customer, newest first. */
  static final String CQL_ORDERS = """
      - version: 1
        description: orders by customer
        cassandra: |
          -- one partition per customer; a customer's orders newest first
          CREATE TABLE orders (customer text, placed timestamp, id int, total decimal, note text, tags set<text>,
            PRIMARY KEY ((customer), placed, id)) WITH CLUSTERING ORDER BY (placed DESC, id DESC);
          CREATE TABLE counts (shop text, day date, n bigint, PRIMARY KEY ((shop, day)))
      """;

  /** Six orders of ann (two per day), one of bob. */
  String ordered() {
    String ns = namespace(CQL_ORDERS);
    StringBuilder b = new StringBuilder("[");
    for (int i = 1; i <= 6; i++) {
      b.append(i > 1 ? "," : "").append("{\"customer\":\"ann\",\"placed\":\"2024-01-0").append((i + 1) / 2)
          .append("T10:00:00\",\"id\":").append(i).append(",\"total\":").append(i).append(".5}");
    }
    Http.Res r = http.post(rows(ns, "orders"), b.append(']').toString());
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    assertThat(r.json().path("inserted").asInt()).isEqualTo(6);
    assertThat(http.post(rows(ns, "orders"), "{\"customer\":\"bob\",\"placed\":\"2024-01-01T00:00:00\",\"id\":9}").status()).isEqualTo(201);
    return ns;
  }

  List<Integer> orderIds(String ns, String query) {
    Http.Res r = http.get(rows(ns, "orders") + query);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    List<Integer> out = new ArrayList<>();
    r.json().path("rows").forEach(x -> out.add(x.path("id").asInt()));
    return out;
  }

  @Test
  void cqlMigrationsMakeTablesWithTheirKeys() {
    String ns = namespace(CQL_ORDERS);
    JsonNode n = http.get("/v1/namespaces/" + ns).json();
    assertThat(n.path("version").asInt()).isEqualTo(1);
    List<String> tables = new ArrayList<>();
    n.path("tables").forEach(t -> tables.add(t.path("name").asText()));
    assertThat(tables).containsExactly("counts", "orders");
    JsonNode orders = n.path("tables").get(1);
    List<String> key = new ArrayList<>();
    orders.path("key").forEach(k -> key.add(k.asText()));
    assertThat(key).containsExactly("customer", "placed", "id");
    List<String> cols = new ArrayList<>();
    orders.path("columns").forEach(c -> cols.add(c.path("name").asText() + ":" + c.path("type").asText()));
    assertThat(cols).containsExactly("customer:string", "placed:timestamp", "id:int", "note:string", "tags:other", "total:decimal");
    assertThat(n.path("tables").get(0).path("key")).hasSize(2);
  }

  @Test
  void aFailedCqlMigrationIsNotRecordedAndNamesTheStatement() {
    String base = "- {version: 1, cassandra: \"CREATE TABLE a (id int PRIMARY KEY)\"}\n";
    String ns = namespace(base);
    String broken = base + "- version: 2\n  cassandra: |\n    CREATE TABLE IF NOT EXISTS extra (id int PRIMARY KEY);\n    ALTER TABLE missing_table ADD x int;\n";
    NamespaceStatus s = push(ns, spec(broken));
    assertThat(s.state()).isEqualTo(NamespaceStatus.MIGRATION_FAILED);
    assertThat(s.version()).isEqualTo(1);
    assertThat(s.error()).contains("migration 2 failed").contains("at line 2").contains("ALTER TABLE missing_table ADD x int");
    JsonNode n = http.get("/v1/namespaces/" + ns).json();
    assertThat(n.path("error").path("statement").asText()).contains("missing_table");
    assertThat(http.post(rows(ns, "a"), "{\"id\":1}").status()).isEqualTo(201);
    // Fixed, it runs whole: its first statement, applied before, is written to be run again.
    String fixed = base + "- version: 2\n  cassandra: CREATE TABLE IF NOT EXISTS extra (id int PRIMARY KEY)\n";
    NamespaceStatus ok = push(ns, spec(fixed));
    assertThat(ok.state()).as(ok.toString()).isEqualTo(NamespaceStatus.READY);
    assertThat(ok.version()).isEqualTo(2);
    assertThat(http.post(rows(ns, "extra"), "{\"id\":7}").status()).isEqualTo(201);
    assertThat(http.get(rows(ns, "extra") + "/7").header("etag")).isEqualTo("\"1\"");
    // An applied migration that was changed is refused, and nothing after it runs.
    String changed = "- {version: 1, cassandra: \"CREATE TABLE a (id bigint PRIMARY KEY)\"}\n"
        + "- version: 2\n  cassandra: CREATE TABLE IF NOT EXISTS extra (id int PRIMARY KEY)\n"
        + "- {version: 3, cassandra: \"CREATE TABLE later (id int PRIMARY KEY)\"}\n";
    NamespaceStatus refused = push(ns, spec(changed));
    assertThat(refused.state()).isEqualTo(NamespaceStatus.MIGRATION_FAILED);
    assertThat(refused.version()).isEqualTo(2);
    assertThat(refused.error()).contains("migration 1 failed", "was changed after it was applied");
    problem(http.get(rows(ns, "later") + "/1"), 404, "table 'later' not found");
  }

  @Test
  void queriesServeOnePartitionInClusteringOrderAndPage() {
    String ns = ordered();
    assertThat(orderIds(ns, "?customer=eq.ann")).containsExactly(6, 5, 4, 3, 2, 1);
    assertThat(orderIds(ns, "?customer=eq.bob")).containsExactly(9);
    assertThat(orderIds(ns, "?customer=eq.ann&order=placed")).containsExactly(1, 2, 3, 4, 5, 6);
    assertThat(orderIds(ns, "?customer=eq.ann&order=placed.desc,id.desc&limit=2")).containsExactly(6, 5);
    assertThat(orderIds(ns, "?customer=eq.ann&placed=lt.2024-01-03T00:00:00")).containsExactly(4, 3, 2, 1);
    assertThat(orderIds(ns, "?customer=eq.ann&placed=ge.2024-01-02T10:00:00&placed=le.2024-01-02T10:00:00")).containsExactly(4, 3);
    assertThat(orderIds(ns, "?customer=eq.ann&placed=eq.2024-01-02T10:00:00&id=gt.3")).containsExactly(4);
    assertThat(orderIds(ns, "?customer=eq.ann&placed=eq.2024-01-02T10:00:00&id=eq.3")).containsExactly(3);
    JsonNode sel = http.get(rows(ns, "orders") + "?customer=eq.ann&select=total&limit=1").json().path("rows").get(0);
    assertThat(sel.properties()).extracting(Map.Entry::getKey).containsExactly("total");
    assertThat(sel.path("total").decimalValue()).isEqualByComparingTo("6.5");

    for (String q : List.of("", "&order=placed", "&placed=gt.2024-01-01T10:00:00", "&order=placed&placed=le.2024-01-02T10:00:00",
        "&placed=ge.2024-01-01T10:00:00&placed=lt.2024-01-03T10:00:00", "&placed=eq.2024-01-02T10:00:00",
        "&placed=eq.2024-01-02T10:00:00&order=id")) {
      List<Integer> all = orderIds(ns, "?customer=eq.ann" + q);
      List<Integer> paged = new ArrayList<>();
      String page = null;
      do {
        JsonNode p = http.get(rows(ns, "orders") + "?customer=eq.ann" + q + "&limit=2" + (page == null ? "" : "&page=" + page)).json();
        p.path("rows").forEach(x -> paged.add(x.path("id").asInt()));
        page = p.hasNonNull("next") ? p.path("next").asText() : null;
      } while (page != null);
      assertThat(paged).as(q).isEqualTo(all).isNotEmpty();
    }
    String token = http.get(rows(ns, "orders") + "?customer=eq.ann&limit=2").json().path("next").asText();
    problem(http.get(rows(ns, "orders") + "?customer=eq.ann&order=placed&page=" + token), 400, "page token");
    JsonNode small = http.get(rows(ns, "orders") + "?customer=eq.ann&maxBytes=150").json();
    assertThat(small.path("rows").size()).isBetween(1, 2);
    assertThat(small.hasNonNull("next")).isTrue();
    // A composite partition key is served when whole.
    assertThat(http.put(rows(ns, "counts") + "/s1,2024-01-01", "{\"n\":3}").status()).isEqualTo(200);
    assertThat(http.get(rows(ns, "counts") + "?shop=eq.s1&day=eq.2024-01-01").json().path("rows").get(0).path("n").asLong()).isEqualTo(3);
  }

  @Test
  void filtersCassandraCannotServeByKeyAreRefusedNamingTheKeyColumn() {
    String ns = ordered();
    String type = "urn:ooda:problem:filter-not-servable";
    problem(http.get(rows(ns, "orders")), 501, "reads the whole table", "customer");
    Http.Res noPartition = http.get(rows(ns, "orders") + "?placed=eq.2024-01-01T10:00:00");
    problem(noPartition, 400, "partition key column 'customer'");
    assertThat(noPartition.json().path("type").asText()).isEqualTo(type);
    problem(http.get(rows(ns, "counts") + "?shop=eq.s1"), 400, "partition key column 'day'");
    problem(http.get(rows(ns, "orders") + "?customer=eq.ann&id=eq.1"), 400, "skips clustering column 'placed'");
    problem(http.get(rows(ns, "orders") + "?customer=eq.ann&placed=gt.2024-01-01T00:00:00&id=eq.1"), 400, "skips clustering column 'placed'");
    problem(http.get(rows(ns, "orders") + "?customer=eq.ann&total=gt.1"), 400, "column 'total' is not part of the primary key", "ALLOW FILTERING");
    problem(http.get(rows(ns, "orders") + "?customer=gt.a"), 400, "partition key", "eq only");
    problem(http.get(rows(ns, "orders") + "?customer=eq.ann&id=ne.1"), 400, "not ne");
    problem(http.get(rows(ns, "orders") + "?customer=eq.ann&order=total"), 400, "not a clustering column");
    problem(http.get(rows(ns, "orders") + "?customer=eq.ann&order=id"), 400, "skips clustering column 'placed'");
    problem(http.get(rows(ns, "orders") + "?customer=eq.ann&order=placed,id.desc"), 400, "mixes directions");
    assertThat(http.get(rows(ns, "orders") + "?customer=eq.ann&total=gt.1").json().path("type").asText()).isEqualTo(type);
  }

  @Test
  void aRetriedRowWriteWithAnIdempotencyKeyAppliesOnce() {
    String ns = namespace(CQL_SHOP);
    String body = "{\"id\":7,\"name\":\"lamp\"}";
    Http.Res first = http.post(rows(ns, "items"), body, "Idempotency-Key", "item-7");
    Http.Res retry = http.post(rows(ns, "items"), body, "Idempotency-Key", "item-7");
    assertThat(first.status()).as(first.toString()).isEqualTo(201);
    assertThat(retry.status()).as(retry.toString()).isEqualTo(201);
    assertThat(retry.body()).isEqualTo(first.body());
    assertThat(retry.header("idempotent-replayed")).isEqualTo("true");
    problem(http.post(rows(ns, "items"), body), 409, "already exists");
    Http.Res patched = http.patch(rows(ns, "items") + "/7", "{\"qty\":1}", "Idempotency-Key", "patch-7");
    assertThat(http.patch(rows(ns, "items") + "/7", "{\"qty\":1}", "Idempotency-Key", "patch-7").header("etag")).isEqualTo(patched.header("etag"));
    assertThat(http.get(rows(ns, "items") + "/7").header("etag")).isEqualTo("\"2\"");
    // A failed write stores no answer: the retry runs again.
    problem(http.delete(rows(ns, "items") + "/8", "Idempotency-Key", "delete-8"), 404, "(id=8)");
    assertThat(http.post(rows(ns, "items"), "{\"id\":8,\"name\":\"desk\"}").status()).isEqualTo(201);
    assertThat(http.delete(rows(ns, "items") + "/8", "Idempotency-Key", "delete-8").status()).isEqualTo(204);
  }

  /** Updates without If-Match are compare-and-sets on the version: none is lost, each version is given once. */
  @Test
  void concurrentUpdatesOfOneRowAreEachApplied() throws Exception {
    String ns = namespace(CQL_SHOP);
    assertThat(http.post(rows(ns, "items"), "{\"id\":1,\"name\":\"lamp\",\"qty\":0}").status()).isEqualTo(201);
    java.util.Set<String> etags = java.util.concurrent.ConcurrentHashMap.newKeySet();
    callers(4, caller -> {
      for (int i = 0; i < 5; i++) {
        Http.Res r = http.patch(rows(ns, "items") + "/1", "{\"note\":\"c" + caller + "-" + i + "\"}");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(etags.add(r.header("etag"))).as("etag %s given twice", r.header("etag")).isTrue();
      }
    });
    assertThat(http.get(rows(ns, "items") + "/1").json().path("_version").asLong()).isEqualTo(21);
  }

  @Test
  void rowsOfOnePartitionAreInsertedAllOrNone() {
    String ns = ordered();
    String placed = "\"placed\":\"2024-02-01T00:00:00\"";
    problem(http.post(rows(ns, "orders"), "[{\"customer\":\"ann\"," + placed + ",\"id\":20},{\"customer\":\"ann\",\"placed\":\"2024-01-01T10:00:00\",\"id\":1}]"),
        409, "[1]", "already exists");
    problem(http.get(rows(ns, "orders") + "/ann,2024-02-01T00:00:00,20"), 404);
    problem(http.post(rows(ns, "orders"), "[{\"customer\":\"ann\"," + placed + ",\"id\":21},{\"customer\":\"cy\"," + placed + ",\"id\":22}]"),
        501, "different partitions");
    problem(http.get(rows(ns, "orders") + "/ann,2024-02-01T00:00:00,21"), 404);
    problem(http.post(rows(ns, "orders"), "{\"customer\":\"ann\",\"id\":23}"), 400, "column 'placed'", "give it");
    problem(http.post(rows(ns, "orders"), "{\"customer\":\"ann\",\"placed\":\"2024-01-01T10:00:00\",\"id\":1}"), 409, "already exists");
    problem(http.post(rows(ns, "orders"), "{\"customer\":\"ann\"," + placed + ",\"id\":24,\"tags\":\"x\"}"), 400, "tags");
    Http.Res got = http.get(rows(ns, "orders") + "/ann,2024-01-01T10:00:00,1");
    assertThat(got.json().path("total").decimalValue()).isEqualByComparingTo("1.5");
    assertThat(got.header("etag")).isEqualTo("\"1\"");
    Http.Res full = http.post(rows(ns, "orders"), "{\"customer\":\"ann\"," + placed + ",\"id\":25,\"note\":\"n\"}", "Prefer", "return=representation");
    assertThat(full.status()).as(full.toString()).isEqualTo(201);
    assertThat(full.json().path("note").asText()).isEqualTo("n");
    assertThat(full.header("location")).isEqualTo(rows(ns, "orders") + "/ann%2C2024-02-01T00%3A00%2C25");
  }

  @Test
  void eventsWithAndWithoutPrefixStayInOneOrderAcrossPages() {
    String ns = namespace("");
    StringBuilder b = new StringBuilder("{\"events\":[");
    // Three events per millisecond, two prefixes (one of them empty), over two buckets.
    for (int i = 0; i < 12; i++) {
      if (i > 0) b.append(',');
      b.append("{\"ts\":").append(1_714_557_600_000L + (i / 3) * 1_800_000L).append(",\"id\":").append(i)
          .append(i % 3 == 0 ? "" : ",\"prefix\":\"p" + (i % 2) + "\"").append(",\"value\":").append(i).append('}');
    }
    assertThat(http.post(events(ns, "s"), b.append("]}").toString(), "Idempotency-Key", "ev-1").status()).isEqualTo(201);
    List<Integer> all = new ArrayList<>();
    String page = null;
    do {
      JsonNode p = http.get(events(ns, "s") + "?limit=2" + (page == null ? "" : "&page=" + page)).json();
      p.path("events").forEach(e -> all.add(e.path("value").asInt()));
      page = p.hasNonNull("next") ? p.path("next").asText() : null;
    } while (page != null);
    assertThat(all).hasSize(12).doesNotHaveDuplicates();
    List<Integer> p1 = new ArrayList<>();
    http.get(events(ns, "s") + "?prefix=p1&order=desc").json().path("events").forEach(e -> p1.add(e.path("value").asInt()));
    assertThat(p1).containsExactly(11, 7, 5, 1);
    assertThat(http.delete(events(ns, "s") + "?before=1714561200000").json().path("deleted").asInt()).isEqualTo(6);
    assertThat(http.get(events(ns, "s") + "?prefix=p1").json().path("events")).hasSize(2);
  }

  @Test
  void aLargeWriteOfManyItemsIsOneRecordAndAppliesWhole() {
    String ns = namespace("");
    // About 100 KiB in one record: over Cassandra's batch size limits, but one partition.
    StringBuilder items = new StringBuilder();
    for (int i = 0; i < 30; i++) items.append(i == 0 ? "" : ",").append(String.format("\"k%02d\":\"%s\"", i, "v".repeat(3500)));
    Http.Res r = http.put(kv(ns) + "/big", "{\"items\":{" + items + "}}");
    assertThat(r.status()).as(r.toString()).isEqualTo(204);
    assertThat(http.get(kv(ns) + "/big?limit=100").json().path("items").size()).isEqualTo(30);
  }

  @Test
  void aRetriedKeyValueWriteWithAnIdempotencyKeyAppliesOnce() {
    String ns = namespace("");
    Http.Res first = http.put(kv(ns) + "/c/n", "{\"value\":1}", "Idempotency-Key", "kv-1");
    assertThat(first.status()).isEqualTo(204);
    assertThat(first.header("idempotent-replayed")).isNull();
    // Changed meanwhile: a replay answers the first answer and writes nothing again.
    assertThat(http.put(kv(ns) + "/c/n", "{\"value\":2}").status()).isEqualTo(204);
    Http.Res retry = http.put(kv(ns) + "/c/n", "{\"value\":1}", "Idempotency-Key", "kv-1");
    assertThat(retry.status()).isEqualTo(204);
    assertThat(retry.header("idempotent-replayed")).isEqualTo("true");
    assertThat(http.get(kv(ns) + "/c/n").json().path("value").asInt()).isEqualTo(2);
    problem(http.put(kv(ns) + "/c/n", "{\"value\":3}", "Idempotency-Key", "kv-1"), 422, "different request");
    // A failed write stores no answer: the retry runs again.
    problem(http.put(kv(ns) + "/c/m", "{\"value\":1,\"ttl\":\"soon\"}", "Idempotency-Key", "kv-2"), 400, "ttl");
    assertThat(http.delete(kv(ns) + "/c/n", "Idempotency-Key", "kv-3").status()).isEqualTo(204);
    problem(http.get(kv(ns) + "/c/n"), 404, "item 'n'");
  }

  @Test
  void concurrentRetriesWithOneIdempotencyKeyApplyOnce() throws Exception {
    String ns = namespace("");
    var pool = Executors.newFixedThreadPool(6);
    List<Http.Res> answers = new ArrayList<>();
    try {
      List<Future<Http.Res>> all = new ArrayList<>();
      for (int i = 0; i < 12; i++) all.add(pool.submit(() -> http.put(kv(ns) + "/r", "{\"items\":{\"a\":1,\"b\":2}}", "Idempotency-Key", "same")));
      for (Future<Http.Res> f : all) answers.add(f.get(60, TimeUnit.SECONDS));
    } finally {
      pool.shutdownNow();
    }
    assertThat(answers).allSatisfy(r -> assertThat(r.status()).as(r.toString()).isEqualTo(204));
    assertThat(answers).filteredOn(r -> r.header("idempotent-replayed") == null).hasSize(1);
  }
}
