package dev.ooda.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A data namespace: storage that one service owns and reaches only through the data service.
 * Each namespace is isolated: its own SQLite file, PostgreSQL schema, MySQL/MariaDB database or
 * Cassandra keyspace.
 *
 * <pre>
 * kind: Namespace
 * name: orders
 * spec:
 *   owner: orders
 *   backend: postgres
 *   connection: {secret: "env:ORDERS_DB_URL"}
 *   migrations:
 *     - version: 1
 *       description: orders table
 *       table:
 *         name: orders
 *         columns:
 *           - {name: id, type: bigint, key: true, generated: true}
 *           - {name: customer, type: string(100), nullable: false}
 *           - {name: total, type: "decimal(12,2)"}
 *     - version: 2
 *       sql: CREATE INDEX orders_customer ON orders (customer)
 *   grants:
 *     - {service: reports, access: read}
 * </pre>
 *
 * @param owner       the service that owns the namespace and its schema
 * @param backend     {@code sqlite} (default), {@code postgres}, {@code mysql} (MySQL and MariaDB) or {@code cassandra}
 * @param connection  where the database server is; required for postgres and mysql, absent for
 *                    sqlite (its file lives in the data service's data directory). Never returned
 *                    by the data service's API.
 * @param migrations  the schema as versioned changes, applied in order, each once
 * @param poolSize    connections kept for this namespace; default chosen by the data service
 * @param eventBucket the width of the time buckets that event series are sharded into; default 1h
 * @param grants      services besides the owner that may use the namespace; checked when the
 *                    owner's access mode is {@code enforce} or {@code audit}
 * @param cassandra   for the cassandra backend: the keyspace's replication and the consistency
 *                    levels; defaults apply when absent
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record NamespaceSpec(
    String owner, String backend, Connection connection, List<Migration> migrations,
    Integer poolSize, Duration eventBucket, List<Grant> grants, Cassandra cassandra) implements Spec {

  public static final Kind<NamespaceSpec> KIND =
      Kind.of("Namespace", "namespaces", NamespaceSpec.class, NamespaceSpec::check);

  public static final String SQLITE = "sqlite";
  public static final String POSTGRES = "postgres";
  public static final String MYSQL = "mysql";
  public static final String CASSANDRA = "cassandra";
  public static final List<String> BACKENDS = List.of(SQLITE, POSTGRES, MYSQL, CASSANDRA);
  public static final Duration DEFAULT_EVENT_BUCKET = Duration.ofHours(1);
  /** Room for the {@code ns_} prefix within the 63/64-character identifier limits of the databases. */
  public static final int MAX_NAME_LENGTH = 60;

  /** Table, column and index names: lowercase SQL identifiers that need no quoting anywhere. */
  public static final Pattern IDENTIFIER = Pattern.compile("[a-z][a-z0-9_]{0,59}");
  /** Portable column types; see {@link Column}. */
  public static final Pattern COLUMN_TYPE = Pattern.compile(
      "string(\\((\\d{1,5})\\))?|text|int|bigint|double|decimal(\\((\\d{1,2}),\\s*(\\d{1,2})\\))?|boolean|timestamp|date|bytes|json");

  public NamespaceSpec {
    migrations = migrations == null ? List.of() : List.copyOf(migrations);
    grants = grants == null ? List.of() : List.copyOf(grants);
  }

  /** A service that may use the namespace: {@code read} (reads only) or {@code write} (everything). */
  public record Grant(String service, String access) {
    public static final String READ = "read";
    public static final String WRITE = "write";
  }

  /**
   * Cassandra settings of a namespace (its keyspace {@code ns_<name>}).
   *
   * @param replication the keyspace's replication map, e.g. {@code {class: NetworkTopologyStrategy, dc1: 3}};
   *                    default {@code {class: SimpleStrategy, replication_factor: 1}}
   * @param read        consistency level of reads, default {@code LOCAL_QUORUM}
   * @param write       consistency level of writes, default {@code LOCAL_QUORUM}
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Cassandra(java.util.Map<String, String> replication, String read, String write) {
    public static final List<String> CONSISTENCY_LEVELS = List.of(
        "ONE", "TWO", "THREE", "QUORUM", "ALL", "LOCAL_QUORUM", "EACH_QUORUM", "LOCAL_ONE");
    public static final String DEFAULT_CONSISTENCY = "LOCAL_QUORUM";

    public Cassandra {
      replication = replication == null ? null : java.util.Map.copyOf(replication);
    }
  }

  /** The backend, {@code sqlite} when none is given. */
  @JsonIgnore
  public String effectiveBackend() {
    return backend == null ? SQLITE : backend.toLowerCase(Locale.ROOT);
  }

  @JsonIgnore
  public Duration effectiveEventBucket() {
    return eventBucket == null ? DEFAULT_EVENT_BUCKET : eventBucket;
  }

  /**
   * Where the database server is: exactly one of a URL (credentials in it, e.g.
   * {@code postgresql://user:secret@db:5432/app} or a {@code jdbc:} URL) or a secret reference
   * that resolves to such a URL ({@code env:NAME}, {@code file:/path}, or {@code secret:NAME}: a
   * Secret of the control plane whose owner is the namespace's owner).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Connection(String url, String secret) {
    @Override
    public String toString() {
      return url != null ? "Connection[url=(hidden)]" : "Connection[secret=" + secret + "]";
    }
  }

  /**
   * One schema change. Exactly one of: SQL ({@code sql} for every backend, or {@code postgres},
   * {@code mysql}, {@code sqlite} for one backend each, which take precedence over {@code sql}),
   * a portable {@code table} to create, portable {@code addColumns}, or a portable {@code index}.
   * On the cassandra backend a migration is CQL: {@code cassandra} (or {@code sql}).
   *
   * @param version positive, increasing in list order; each version is applied once
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Migration(
      Integer version, String description, String sql, String postgres, String mysql, String sqlite,
      Table table, AddColumns addColumns, Index index, String cassandra) {

    /** The SQL for {@code backend}, or null when this migration is portable or lacks that backend. */
    public String sqlFor(String backend) {
      String own = switch (backend) {
        case POSTGRES -> postgres;
        case MYSQL -> mysql;
        case SQLITE -> sqlite;
        case CASSANDRA -> cassandra;
        default -> null;
      };
      return own != null ? own : sql;
    }

    /** True when this migration is SQL rather than a portable change. */
    @JsonIgnore
    public boolean carriesSql() {
      return sql != null || postgres != null || mysql != null || sqlite != null || cassandra != null;
    }
  }

  /** A table to create; its key is the columns marked {@code key}. */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record Table(String name, List<Column> columns) {
    public Table {
      columns = columns == null ? List.of() : List.copyOf(columns);
    }
  }

  /** Columns to add to an existing table. */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record AddColumns(String table, List<Column> columns) {
    public AddColumns {
      columns = columns == null ? List.of() : List.copyOf(columns);
    }
  }

  /** An index to create. */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record Index(String name, String table, List<String> columns, Boolean unique) {
    public Index {
      columns = columns == null ? List.of() : List.copyOf(columns);
    }
  }

  /**
   * A portable column.
   *
   * @param type      {@code string} or {@code string(N)} (default 255), {@code text}, {@code int},
   *                  {@code bigint}, {@code double}, {@code decimal} or {@code decimal(P,S)}
   *                  (default 20,6), {@code boolean}, {@code timestamp}, {@code date},
   *                  {@code bytes}, {@code json}
   * @param nullable  default true, except for key columns
   * @param key       part of the primary key
   * @param generated the database assigns increasing values (an int or bigint key column)
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Column(String name, String type, Boolean nullable, Boolean key, Boolean generated) {
    @JsonIgnore
    public boolean partOfKey() {
      return Boolean.TRUE.equals(key);
    }

    @JsonIgnore
    public boolean assignedByDatabase() {
      return Boolean.TRUE.equals(generated);
    }

    @JsonIgnore
    public boolean allowsNull() {
      return nullable == null ? !partOfKey() : nullable;
    }
  }

  private static final Pattern SECRET = Pattern.compile("(env|file|secret):.+");

  static void check(NamespaceSpec s, Violations v) {
    String bad = Names.problem(s.owner());
    if (bad != null) v.add("owner", bad);
    for (int i = 0; i < s.grants().size(); i++) {
      Grant g = s.grants().get(i);
      Violations at = v.at("grants[" + i + "]");
      if (g == null) { at.add("", "is empty"); continue; }
      String who = Names.problem(g.service());
      if (who != null) at.add("service", who);
      else at.check(!g.service().equals(s.owner()), "service", "'" + g.service() + "' owns the namespace and needs no grant");
      at.check(Grant.READ.equals(g.access()) || Grant.WRITE.equals(g.access()), "access",
          "'" + g.access() + "' must be read or write");
    }
    String backend = s.effectiveBackend();
    if (!BACKENDS.contains(backend)) {
      v.add("backend", "'" + s.backend() + "' is not a backend (known: " + String.join(", ", BACKENDS) + ")");
      return;
    }
    Connection c = s.connection();
    if (backend.equals(SQLITE)) {
      v.check(c == null, "connection", "is not used by sqlite: its file lives in the data service's data directory");
    } else if (c == null) {
      v.add("connection", "is required for " + backend);
    } else if ((c.url() == null) == (c.secret() == null)) {
      v.add("connection", "needs exactly one of url, secret");
    } else if (c.url() != null) {
      // Never echo the URL: it carries credentials.
      v.check(urlFits(backend, c.url()), "connection.url", "is not a " + backend + " URL (" + schemes(backend) + ")");
    } else {
      v.check(SECRET.matcher(c.secret()).matches(), "connection.secret", "must be env:NAME, file:/path or secret:NAME");
      if (c.secret().startsWith(SecretSpec.REFERENCE_PREFIX)) {
        String bad2 = Names.problem(c.secret().substring(SecretSpec.REFERENCE_PREFIX.length()));
        if (bad2 != null) v.add("connection.secret", "names no secret: the name after secret: " + bad2);
      }
    }
    if (backend.equals(CASSANDRA)) checkCassandra(s, v);
    else v.check(s.cassandra() == null, "cassandra", "is only for the cassandra backend");
    if (s.poolSize() != null) v.check(s.poolSize() >= 1 && s.poolSize() <= 200, "poolSize", "must be between 1 and 200");
    if (s.eventBucket() != null)
      v.check(s.eventBucket().toMillis() >= 1000, "eventBucket", "must be at least 1s");
    int last = 0;
    Set<String> tables = new HashSet<>();
    for (int i = 0; i < s.migrations().size(); i++) {
      Migration m = s.migrations().get(i);
      Violations mv = v.at("migrations[" + i + "]");
      if (m == null) { mv.add("", "is empty"); continue; }
      if (m.version() == null || m.version() < 1) mv.add("version", "is required, a whole number >= 1");
      else if (m.version() <= last) mv.add("version", m.version() + " must be greater than the previous version " + last);
      else last = m.version();
      if (m.description() != null) mv.check(m.description().length() <= 200, "description", "must be at most 200 characters");
      int kinds = (m.carriesSql() ? 1 : 0) + (m.table() != null ? 1 : 0) + (m.addColumns() != null ? 1 : 0) + (m.index() != null ? 1 : 0);
      if (kinds != 1) {
        mv.add("", "needs exactly one of sql (or postgres/mysql/sqlite/cassandra), table, addColumns, index");
        continue;
      }
      if (backend.equals(CASSANDRA) && !m.carriesSql()) {
        mv.add("", "is portable (table, addColumns or index), which the cassandra backend does not take: give CQL in cassandra (or sql)");
        continue;
      }
      if (m.carriesSql()) {
        String sql = m.sqlFor(backend);
        mv.check(sql != null && !sql.isBlank(), "", "has no SQL for backend " + backend + " (give sql or " + backend + ")");
      } else if (m.table() != null) {
        Table t = m.table();
        checkIdentifier(mv.at("table"), "name", t.name());
        if (t.name() != null) mv.check(tables.add(t.name()), "table.name", "table '" + t.name() + "' is created twice");
        mv.check(!t.columns().isEmpty(), "table.columns", "needs at least one column");
        checkColumns(mv.at("table"), t.columns(), true);
        mv.check(t.columns().stream().anyMatch(x -> x != null && x.partOfKey()), "table.columns", "needs a key column (key: true)");
      } else if (m.addColumns() != null) {
        checkIdentifier(mv.at("addColumns"), "table", m.addColumns().table());
        mv.check(!m.addColumns().columns().isEmpty(), "addColumns.columns", "needs at least one column");
        checkColumns(mv.at("addColumns"), m.addColumns().columns(), false);
      } else {
        Index x = m.index();
        Violations iv = mv.at("index");
        checkIdentifier(iv, "name", x.name());
        checkIdentifier(iv, "table", x.table());
        iv.check(!x.columns().isEmpty(), "columns", "needs at least one column");
        for (int j = 0; j < x.columns().size(); j++) checkIdentifier(iv, "columns[" + j + "]", x.columns().get(j));
      }
    }
  }

  private static void checkCassandra(NamespaceSpec s, Violations v) {
    Cassandra c = s.cassandra();
    if (c == null) return;
    for (String level : new String[] {c.read(), c.write()}) {
      if (level != null && !Cassandra.CONSISTENCY_LEVELS.contains(level.toUpperCase(Locale.ROOT)))
        v.add(level == c.read() ? "cassandra.read" : "cassandra.write",
            "'" + level + "' is not a consistency level (known: " + String.join(", ", Cassandra.CONSISTENCY_LEVELS) + ")");
    }
    if (c.replication() != null) {
      String cls = c.replication().get("class");
      if (!"SimpleStrategy".equals(cls) && !"NetworkTopologyStrategy".equals(cls)) {
        v.add("cassandra.replication.class", "must be SimpleStrategy or NetworkTopologyStrategy");
      }
      for (var e : c.replication().entrySet()) {
        if (e.getKey().equals("class")) continue;
        boolean name = e.getKey().matches("[A-Za-z0-9_.-]{1,64}");
        boolean factor = e.getValue() != null && e.getValue().matches("[1-9][0-9]?");
        if (!name || !factor) v.add("cassandra.replication." + e.getKey(), "must be a datacenter name (or replication_factor) with a factor from 1 to 99");
      }
      if ("SimpleStrategy".equals(cls)) {
        v.check(c.replication().size() == 2 && c.replication().containsKey("replication_factor"),
            "cassandra.replication", "SimpleStrategy takes exactly replication_factor");
      }
    }
  }

  private static void checkColumns(Violations v, List<Column> columns, boolean creating) {
    Set<String> seen = new HashSet<>();
    int generated = 0;
    for (int j = 0; j < columns.size(); j++) {
      Column col = columns.get(j);
      Violations cv = v.at("columns[" + j + "]");
      if (col == null) { cv.add("", "is empty"); continue; }
      checkIdentifier(cv, "name", col.name());
      if (col.name() != null) cv.check(seen.add(col.name()), "name", "column '" + col.name() + "' appears twice");
      if (col.type() == null) cv.add("type", "is required");
      else cv.check(COLUMN_TYPE.matcher(col.type()).matches(), "type", "'" + col.type()
          + "' is not a portable type (string, string(N), text, int, bigint, double, decimal, decimal(P,S), boolean, timestamp, date, bytes, json)");
      if (!creating) {
        cv.check(!col.partOfKey(), "key", "key columns can only be declared when the table is created");
        cv.check(!col.assignedByDatabase(), "generated", "generated columns can only be declared when the table is created");
        cv.check(col.allowsNull(), "nullable", "an added column must be nullable");
      }
      if (col.partOfKey()) cv.check(!Boolean.TRUE.equals(col.nullable()), "nullable", "a key column cannot be nullable");
      if (col.assignedByDatabase()) {
        generated++;
        cv.check(col.partOfKey() && ("int".equals(col.type()) || "bigint".equals(col.type())), "generated",
            "only an int or bigint key column can be generated");
      }
      if (col.type() != null && col.type().startsWith("decimal(")) {
        var m = COLUMN_TYPE.matcher(col.type());
        if (m.matches() && Integer.parseInt(m.group(5)) > Integer.parseInt(m.group(4)))
          cv.add("type", "the scale of '" + col.type() + "' is larger than its precision");
      }
    }
    if (generated > 0) {
      v.check(generated == 1 && columns.stream().filter(c -> c != null && c.partOfKey()).count() == 1, "columns",
          "a generated column must be the table's only key column");
    }
  }

  private static void checkIdentifier(Violations v, String field, String name) {
    if (name == null || name.isEmpty()) v.add(field, "is required");
    else v.check(IDENTIFIER.matcher(name).matches(), field,
        "'" + name + "' must be lowercase letters, digits and '_', starting with a letter, at most 60 characters");
  }

  private static boolean urlFits(String backend, String url) {
    String u = url.toLowerCase(Locale.ROOT);
    return switch (backend) {
      case POSTGRES -> u.startsWith("jdbc:postgresql://") || u.startsWith("postgresql://") || u.startsWith("postgres://");
      case MYSQL -> u.startsWith("jdbc:mysql://") || u.startsWith("jdbc:mariadb://") || u.startsWith("mysql://") || u.startsWith("mariadb://");
      case CASSANDRA -> u.startsWith("cassandra://");
      default -> false;
    };
  }

  private static String schemes(String backend) {
    if (backend.equals(CASSANDRA)) return "cassandra://[user:password@]host:port[,host:port...]/local-datacenter";
    return backend.equals(POSTGRES) ? "postgresql://user:password@host:port/database or jdbc:postgresql://..."
        : "mysql://user:password@host:port/ or mariadb://..., or jdbc:mariadb://...";
  }
}
