package dev.ooda.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class NamespaceSpecTest {

  static final String ORDERS = """
      kind: Namespace
      name: orders
      spec:
        owner: orders
        backend: postgres
        connection: {secret: "env:ORDERS_DB_URL"}
        eventBucket: 1h
        migrations:
          - version: 1
            description: orders table
            table:
              name: orders
              columns:
                - {name: id, type: bigint, key: true, generated: true}
                - {name: customer, type: string(100), nullable: false}
                - {name: total, type: "decimal(12,2)"}
          - version: 2
            sql: CREATE INDEX orders_customer ON orders (customer)
          - version: 3
            addColumns: {table: orders, columns: [{name: note, type: text}]}
      """;

  @Test
  void readsANamespaceAndWritesItBack() {
    List<Resource> rs = ResourceCodec.readYaml(ORDERS);
    NamespaceSpec s = rs.get(0).spec(NamespaceSpec.class);
    assertThat(Kinds.find("namespaces")).contains(NamespaceSpec.KIND);
    assertThat(s.effectiveBackend()).isEqualTo("postgres");
    assertThat(s.effectiveEventBucket()).isEqualTo(Duration.ofHours(1));
    assertThat(s.migrations()).extracting(NamespaceSpec.Migration::version).containsExactly(1, 2, 3);
    assertThat(s.migrations().get(1).sqlFor("postgres")).startsWith("CREATE INDEX");
    assertThat(s.migrations().get(0).table().columns().get(0).allowsNull()).isFalse();
    assertThat(ResourceCodec.readYaml(ResourceCodec.toYaml(rs))).isEqualTo(rs);
  }

  @Test
  void sqliteIsTheDefaultAndNeedsNoConnection() {
    Resource r = ResourceCodec.readYaml("kind: Namespace\nname: cart\nspec: {owner: cart}\n").get(0);
    assertThat(r.spec(NamespaceSpec.class).effectiveBackend()).isEqualTo("sqlite");
  }

  @Test
  void namesEachBrokenRuleAndNeverEchoesTheConnectionUrl() {
    String bad = """
        kind: Namespace
        name: orders
        spec:
          owner: Orders
          backend: mysql
          connection: {url: "postgresql://me:hunter2@db/app"}
          migrations:
            - {version: 2, sql: "select 1"}
            - {version: 1, postgres: "select 1"}
            - version: 3
              table: {name: Bad-Name, columns: [{name: id, type: varchar}, {name: x, type: "decimal(2,5)"}]}
            - {version: 4, addColumns: {table: t, columns: [{name: k, type: int, key: true}]}}
            - {version: 5, sql: "select 1", index: {name: i, table: t, columns: [a]}}
        """;
    assertThatThrownBy(() -> ResourceCodec.readYaml(bad))
        .isInstanceOfSatisfying(InvalidResourceException.class, e -> {
          assertThat(e.violations()).extracting(Violation::path).contains(
              "spec.owner", "spec.connection.url", "spec.migrations[1].version", "spec.migrations[1]",
              "spec.migrations[2].table.name", "spec.migrations[2].table.columns[0].type",
              "spec.migrations[2].table.columns[1].type", "spec.migrations[2].table.columns",
              "spec.migrations[3].addColumns.columns[0].key", "spec.migrations[4]");
          assertThat(e.getMessage()).doesNotContain("hunter2").contains("has no SQL for backend mysql");
        });
    assertThatThrownBy(() -> ResourceCodec.readYaml("kind: Namespace\nname: n\nspec: {owner: n, backend: postgres}\n"))
        .hasMessageContaining("spec.connection: is required for postgres");
    assertThatThrownBy(() -> ResourceCodec.readYaml("kind: Namespace\nname: n\nspec: {owner: n, backend: oracle}\n"))
        .hasMessageContaining("'oracle' is not a backend");
    assertThatThrownBy(() -> ResourceCodec.readYaml("kind: Namespace\nname: n\nspec: {owner: n, connection: {url: \"x\"}}\n"))
        .hasMessageContaining("is not used by sqlite");
  }

  @Test
  void cassandraTakesContactPointsReplicationAndConsistencyAndNoMigrations() {
    NamespaceSpec s = ResourceCodec.readYaml("""
        kind: Namespace
        name: sessions
        spec:
          owner: web
          backend: cassandra
          connection: {url: "cassandra://10.0.0.5:9042,10.0.0.6/dc1"}
          cassandra:
            replication: {class: NetworkTopologyStrategy, dc1: 3}
            read: LOCAL_ONE
        """).get(0).spec(NamespaceSpec.class);
    assertThat(s.effectiveBackend()).isEqualTo(NamespaceSpec.CASSANDRA);
    assertThat(s.cassandra().replication()).containsEntry("dc1", "3");
    assertThat(s.cassandra().write()).isNull();

    String base = "kind: Namespace\nname: n\nspec:\n  owner: n\n  backend: cassandra\n  connection: {url: \"cassandra://db:9042/dc1\"}\n";
    assertThatThrownBy(() -> ResourceCodec.readYaml(base + "  cassandra: {write: SOMETIMES, replication: {class: SimpleStrategy, dc1: 3}}\n"))
        .hasMessageContaining("spec.cassandra.write: 'SOMETIMES' is not a consistency level")
        .hasMessageContaining("SimpleStrategy takes exactly replication_factor");
    assertThatThrownBy(() -> ResourceCodec.readYaml(base + "  cassandra: {replication: {class: NetworkTopologyStrategy, \"dc1'\": 3}}\n"))
        .hasMessageContaining("must be a datacenter name");
    // Migrations are CQL there: cassandra (or sql); portable ones are refused.
    NamespaceSpec cql = ResourceCodec.readYaml(base + "  migrations: [{version: 1, cassandra: \"CREATE TABLE t (id int PRIMARY KEY)\"}, {version: 2, sql: \"CREATE TABLE u (id int PRIMARY KEY)\"}]\n")
        .get(0).spec(NamespaceSpec.class);
    assertThat(cql.migrations().get(0).sqlFor(NamespaceSpec.CASSANDRA)).startsWith("CREATE TABLE t");
    assertThat(cql.migrations().get(1).sqlFor(NamespaceSpec.CASSANDRA)).startsWith("CREATE TABLE u");
    assertThatThrownBy(() -> ResourceCodec.readYaml(base + "  migrations: [{version: 1, table: {name: t, columns: [{name: id, type: int, key: true}]}}]\n"))
        .hasMessageContaining("spec.migrations[0]").hasMessageContaining("give CQL in cassandra (or sql)");
    assertThatThrownBy(() -> ResourceCodec.readYaml("kind: Namespace\nname: n\nspec: {owner: n, backend: cassandra, connection: {url: \"postgresql://db/x\"}}\n"))
        .hasMessageContaining("is not a cassandra URL");
    assertThatThrownBy(() -> ResourceCodec.readYaml("kind: Namespace\nname: n\nspec: {owner: n, backend: postgres, connection: {url: \"postgresql://db/x\"}, cassandra: {read: ONE}}\n"))
        .hasMessageContaining("spec.cassandra: is only for the cassandra backend");
  }

  @Test
  void hidesTheUrlFromToString() {
    assertThat(new NamespaceSpec.Connection("postgresql://me:hunter2@db/app", null).toString()).doesNotContain("hunter2");
  }
}
