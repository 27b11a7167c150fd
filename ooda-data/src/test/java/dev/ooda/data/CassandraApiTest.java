package dev.ooda.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.CqlSession;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ooda.testing.cassandra.TestCassandra;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The API suite on a real Cassandra, one keyspace per namespace: its key-value and event-series
 * tests run as on the SQL backends; what Cassandra cannot serve with the same guarantees is
 * refused, tested here.
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
    String ns = namespace("");
    problem(http.get(kv(ns)), 501, "cannot scan all records");
    problem(http.get("/v1/namespaces/" + ns + "/tables/items/rows"), 501, "key-value records and event series", "tables");
    problem(http.post("/v1/namespaces/" + ns + "/tables/items/rows", "{\"id\":1}"), 501, "tables");
    problem(http.post("/v1/namespaces/" + ns + "/batch", "{\"ops\":[]}"), 501, "batches");
    assertThatThrownBy(() -> push("migrated-cassandra", spec("- {version: 1, table: {name: t, columns: [{name: id, type: int, key: true}]}}\n")))
        .hasMessageContaining("spec.migrations: are not supported on the cassandra backend");
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
