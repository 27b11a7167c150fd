package dev.ooda.data.storage;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import dev.ooda.model.NamespaceSpec;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * One Cassandra namespace: a driver session bound to the namespace's keyspace, the consistency
 * levels of its reads and writes, and ooda's own tables prepared. Opening it creates the
 * keyspace (and brings its replication to the spec's) and ooda's tables.
 *
 * @param keyspace the namespace's keyspace, {@code ns_<name>}
 * @param product  the server, e.g. {@code Apache Cassandra 5.0.6}
 * @param read     the consistency level of reads
 * @param write    the consistency level of writes; idempotency claims use LOCAL_SERIAL besides
 */
public record Cql(CqlSession session, String keyspace, String product, ConsistencyLevel read, ConsistencyLevel write,
                  Map<String, PreparedStatement> statements, Map<String, PreparedStatement> prepared) implements AutoCloseable {
  /** How many statements on the owner's tables stay prepared; past it the cache starts again. */
  private static final int MAX_PREPARED = 1_000;
  static final Map<String, String> DEFAULT_REPLICATION = Map.of("class", "SimpleStrategy", "replication_factor", "1");
  /** Schema changes wait for every node to agree, which takes longer than a query. */
  private static final Duration DDL_TIMEOUT = Duration.ofSeconds(60);

  /**
   * ooda's tables: key-value items sorted by key within a record's partition (blobs compare
   * byte by byte, as on the SQL backends), event series (see CqlEvents), and idempotency keys
   * kept 24 h by Cassandra's TTL.
   */
  private static final List<String> SYSTEM_TABLES = List.of(
      "CREATE TABLE IF NOT EXISTS \"_ooda_kv\" (rid blob, k blob, v blob, expires bigint, PRIMARY KEY ((rid), k)) WITH CLUSTERING ORDER BY (k ASC)",
      "CREATE TABLE IF NOT EXISTS \"_ooda_events\" (series blob, bucket bigint, ts bigint, prefix blob, id bigint, v blob, PRIMARY KEY ((series, bucket), ts, prefix, id))",
      "CREATE TABLE IF NOT EXISTS \"_ooda_events_by_prefix\" (series blob, prefix blob, bucket bigint, ts bigint, id bigint, v blob, PRIMARY KEY ((series, prefix, bucket), ts, id))",
      "CREATE TABLE IF NOT EXISTS \"_ooda_event_buckets\" (series blob, bucket bigint, PRIMARY KEY ((series), bucket))",
      "CREATE TABLE IF NOT EXISTS \"_ooda_idempotency\" (k blob PRIMARY KEY, fingerprint blob, status int, etag text, location text, body blob, created bigint) WITH default_time_to_live = 86400",
      "CREATE TABLE IF NOT EXISTS \"_ooda_migrations\" (version int PRIMARY KEY, description text, checksum text, applied_at timestamp)");

  private static final Map<String, String> STATEMENTS = Map.ofEntries(
      Map.entry("kv.put", "INSERT INTO \"_ooda_kv\" (rid, k, v, expires) VALUES (?, ?, ?, ?) USING TTL ?"),
      Map.entry("kv.get", "SELECT v, expires FROM \"_ooda_kv\" WHERE rid = ? AND k = ?"),
      Map.entry("kv.list", "SELECT k, v, expires FROM \"_ooda_kv\" WHERE rid = ?"),
      Map.entry("kv.list.from", "SELECT k, v, expires FROM \"_ooda_kv\" WHERE rid = ? AND k >= ?"),
      Map.entry("kv.list.after", "SELECT k, v, expires FROM \"_ooda_kv\" WHERE rid = ? AND k > ?"),
      Map.entry("kv.list.to", "SELECT k, v, expires FROM \"_ooda_kv\" WHERE rid = ? AND k < ?"),
      Map.entry("kv.list.from.to", "SELECT k, v, expires FROM \"_ooda_kv\" WHERE rid = ? AND k >= ? AND k < ?"),
      Map.entry("kv.list.after.to", "SELECT k, v, expires FROM \"_ooda_kv\" WHERE rid = ? AND k > ? AND k < ?"),
      Map.entry("kv.delete.item", "DELETE FROM \"_ooda_kv\" WHERE rid = ? AND k = ?"),
      Map.entry("kv.delete.record", "DELETE FROM \"_ooda_kv\" WHERE rid = ?"),
      Map.entry("ev.put", "INSERT INTO \"_ooda_events\" (series, bucket, ts, prefix, id, v) VALUES (?, ?, ?, ?, ?, ?)"),
      Map.entry("ev.put.prefix", "INSERT INTO \"_ooda_events_by_prefix\" (series, prefix, bucket, ts, id, v) VALUES (?, ?, ?, ?, ?, ?)"),
      Map.entry("ev.bucket.put", "INSERT INTO \"_ooda_event_buckets\" (series, bucket) VALUES (?, ?)"),
      Map.entry("ev.buckets", "SELECT bucket FROM \"_ooda_event_buckets\" WHERE series = ? AND bucket >= ? AND bucket <= ?"),
      Map.entry("ev.buckets.desc", "SELECT bucket FROM \"_ooda_event_buckets\" WHERE series = ? AND bucket >= ? AND bucket <= ? ORDER BY bucket DESC"),
      Map.entry("ev.read.from", "SELECT prefix, ts, id, v FROM \"_ooda_events\" WHERE series = ? AND bucket = ? AND (ts, prefix, id) >= (?, ?, ?) AND (ts, prefix, id) < (?, ?, ?)"),
      Map.entry("ev.read.after", "SELECT prefix, ts, id, v FROM \"_ooda_events\" WHERE series = ? AND bucket = ? AND (ts, prefix, id) > (?, ?, ?) AND (ts, prefix, id) < (?, ?, ?)"),
      Map.entry("ev.read.desc", "SELECT prefix, ts, id, v FROM \"_ooda_events\" WHERE series = ? AND bucket = ? AND (ts, prefix, id) >= (?, ?, ?) AND (ts, prefix, id) < (?, ?, ?) ORDER BY ts DESC, prefix DESC, id DESC"),
      Map.entry("ev.read.prefix.from", "SELECT prefix, ts, id, v FROM \"_ooda_events_by_prefix\" WHERE series = ? AND prefix = ? AND bucket = ? AND (ts, id) >= (?, ?) AND (ts, id) < (?, ?)"),
      Map.entry("ev.read.prefix.after", "SELECT prefix, ts, id, v FROM \"_ooda_events_by_prefix\" WHERE series = ? AND prefix = ? AND bucket = ? AND (ts, id) > (?, ?) AND (ts, id) < (?, ?)"),
      Map.entry("ev.read.prefix.desc", "SELECT prefix, ts, id, v FROM \"_ooda_events_by_prefix\" WHERE series = ? AND prefix = ? AND bucket = ? AND (ts, id) >= (?, ?) AND (ts, id) < (?, ?) ORDER BY ts DESC, id DESC"),
      Map.entry("ev.prefixes", "SELECT prefix FROM \"_ooda_events\" WHERE series = ? AND bucket = ?"),
      Map.entry("ev.drop.prefix", "DELETE FROM \"_ooda_events_by_prefix\" WHERE series = ? AND prefix = ? AND bucket = ?"),
      Map.entry("ev.drop", "DELETE FROM \"_ooda_events\" WHERE series = ? AND bucket = ?"),
      Map.entry("ev.bucket.drop", "DELETE FROM \"_ooda_event_buckets\" WHERE series = ? AND bucket = ?"),
      Map.entry("idem.get", "SELECT fingerprint, status, etag, location, body, created FROM \"_ooda_idempotency\" WHERE k = ?"),
      Map.entry("idem.claim", "INSERT INTO \"_ooda_idempotency\" (k, fingerprint, status, created) VALUES (?, ?, 0, ?) IF NOT EXISTS"),
      Map.entry("idem.complete", "UPDATE \"_ooda_idempotency\" SET status = ?, etag = ?, location = ?, body = ? WHERE k = ? IF status = 0"),
      Map.entry("idem.release", "DELETE FROM \"_ooda_idempotency\" WHERE k = ? IF status = 0"));

  static Cql open(String keyspace, NamespaceSpec spec, String url) {
    Target t = Target.parse(url);
    NamespaceSpec.Cassandra c = spec.cassandra();
    CqlSessionBuilder b = CqlSession.builder()
        .addContactPoints(t.contactPoints())
        .withLocalDatacenter(t.datacenter())
        .withConfigLoader(DriverConfigLoader.programmaticBuilder()
            .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(10))
            .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, Duration.ofSeconds(10))
            .withString(DefaultDriverOption.REQUEST_SERIAL_CONSISTENCY, "LOCAL_SERIAL")
            .withString(DefaultDriverOption.SESSION_NAME, keyspace)
            // The driver's schema metadata serves token-aware routing only (ooda reads
            // system_schema itself): keep it to this keyspace, and off while ooda changes the
            // schema (see schemaChanges), since each DDL statement would wait for a refresh of it,
            // after a debounce window of 1 s. Schema agreement is still awaited.
            .withStringList(DefaultDriverOption.METADATA_SCHEMA_REFRESHED_KEYSPACES, List.of(keyspace))
            .withBoolean(DefaultDriverOption.METADATA_SCHEMA_ENABLED, false)
            // Closing a session (a namespace dropped or moved, the service stopping) waits out
            // Netty's quiet period, 2 s by default, with the catalog's lock held; requests have
            // drained by then.
            .withInt(DefaultDriverOption.NETTY_IO_SHUTDOWN_QUIET_PERIOD, 0)
            .withInt(DefaultDriverOption.NETTY_ADMIN_SHUTDOWN_QUIET_PERIOD, 0)
            .build());
    if (t.user() != null) b.withAuthCredentials(t.user(), t.password());
    CqlSession session = b.build();
    try {
      Map<String, String> wanted = c == null || c.replication() == null ? DEFAULT_REPLICATION : c.replication();
      String replication = replication(wanted);
      Row existing = session.execute(SimpleStatement.newInstance(
          "SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = ?", keyspace)).one();
      if (existing == null) {
        session.execute(SimpleStatement.newInstance("CREATE KEYSPACE IF NOT EXISTS \"" + keyspace + "\" WITH replication = " + replication).setTimeout(DDL_TIMEOUT));
      } else if (!sameReplication(existing.getMap(0, String.class, String.class), wanted)) {
        // An existing keyspace takes the spec's replication (a repair then moves the data).
        session.execute(SimpleStatement.newInstance("ALTER KEYSPACE \"" + keyspace + "\" WITH replication = " + replication).setTimeout(DDL_TIMEOUT));
      }
      List<String> missing = new ArrayList<>();
      for (String ddl : SYSTEM_TABLES) missing.add(in(keyspace, ddl));
      // CREATE ... IF NOT EXISTS is still a schema change round; skip the tables that exist.
      for (Row r : session.execute(SimpleStatement.newInstance(
          "SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?", keyspace))) {
        missing.removeIf(ddl -> ddl.contains("\"" + keyspace + "\".\"" + r.getString(0) + "\" "));
      }
      for (String ddl : missing) session.execute(SimpleStatement.newInstance(ddl).setTimeout(DDL_TIMEOUT));
      Map<String, PreparedStatement> prepared = new TreeMap<>();
      STATEMENTS.forEach((name, cql) -> prepared.put(name, session.prepare(in(keyspace, cql))));
      String version = session.execute("SELECT release_version FROM system.local").one().getString(0);
      return new Cql(session, keyspace, "Apache Cassandra " + version, level(c == null ? null : c.read()),
          level(c == null ? null : c.write()), Map.copyOf(prepared), new java.util.concurrent.ConcurrentHashMap<>());
    } catch (RuntimeException e) {
      session.close();
      throw e;
    }
  }

  /** The statement with ooda's tables qualified by the keyspace: one session serves one keyspace, without USE. */
  private static String in(String keyspace, String cql) {
    return cql.replace("\"_ooda_", "\"" + keyspace + "\".\"_ooda_");
  }

  /** A statement prepared at open, by its name in {@link #STATEMENTS}. */
  public PreparedStatement statement(String name) {
    PreparedStatement p = statements.get(name);
    if (p == null) throw new IllegalArgumentException("no statement " + name);
    return p;
  }

  /** A statement on the owner's tables, prepared once and kept. */
  public PreparedStatement prepare(String cql) {
    PreparedStatement p = prepared.get(cql);
    if (p != null) return p;
    if (prepared.size() >= MAX_PREPARED) prepared.clear();
    p = session.prepare(cql);
    prepared.put(cql, p);
    return p;
  }

  /**
   * Runs {@code changes} with the driver's schema metadata off, then turns it on, which refreshes
   * it once (for token-aware routing). The session opens with it off, for its own tables.
   */
  public <T> T schemaChanges(java.util.function.Supplier<T> changes) {
    session.setSchemaMetadataEnabled(false);
    try {
      return changes.get();
    } finally {
      session.setSchemaMetadataEnabled(true);
    }
  }

  /**
   * Runs a schema change, which waits for the cluster to agree on it. Unqualified names are the
   * namespace's keyspace's (a per-statement keyspace: native protocol v5, Cassandra 4.0 on).
   */
  public void ddl(String cql) {
    session.execute(SimpleStatement.newInstance(cql).setKeyspace(Cql.quote(keyspace)).setTimeout(DDL_TIMEOUT));
  }

  /** An owner's table, qualified by the keyspace. */
  public String table(String name) {
    return quote(keyspace) + "." + quote(name);
  }

  /** A CQL identifier, quoted: names from the schema keep their case. */
  public static String quote(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }

  private static ConsistencyLevel level(String name) {
    return DefaultConsistencyLevel.valueOf((name == null ? NamespaceSpec.Cassandra.DEFAULT_CONSISTENCY : name).toUpperCase(Locale.ROOT));
  }

  /** Cassandra reports the strategy by its full class name; the spec names it short. */
  static boolean sameReplication(Map<String, String> actual, Map<String, String> wanted) {
    Map<String, String> a = new TreeMap<>(actual);
    a.computeIfPresent("class", (k, v) -> v.substring(v.lastIndexOf('.') + 1));
    return a.equals(new TreeMap<>(wanted));
  }

  /** The replication map as CQL; values were checked by {@link NamespaceSpec} (names and small numbers only). */
  static String replication(Map<String, String> spec) {
    Map<String, String> r = spec == null ? DEFAULT_REPLICATION : spec;
    return r.entrySet().stream().sorted(Map.Entry.comparingByKey())
        .map(e -> "'" + e.getKey().replace("'", "") + "': '" + e.getValue().replace("'", "") + "'")
        .collect(Collectors.joining(", ", "{", "}"));
  }

  @Override
  public void close() {
    session.close();
  }

  /**
   * Where the cluster is: {@code cassandra://[user:password@]host[:port][,host[:port]...]/local-datacenter}.
   * The port defaults to 9042.
   */
  record Target(List<InetSocketAddress> contactPoints, String datacenter, String user, String password) {
    static Target parse(String url) {
      if (!url.toLowerCase(Locale.ROOT).startsWith("cassandra://")) throw new IllegalArgumentException("the connection URL is not a cassandra:// URL");
      String rest = url.substring("cassandra://".length());
      int slash = rest.indexOf('/');
      if (slash < 0 || slash == rest.length() - 1)
        throw new IllegalArgumentException("the connection URL names no local datacenter (cassandra://host:9042/datacenter1)");
      String authority = rest.substring(0, slash);
      String datacenter = decode(rest.substring(slash + 1).split("[?#]")[0]);
      String user = null, password = null;
      int at = authority.lastIndexOf('@');
      if (at >= 0) {
        String info = authority.substring(0, at);
        authority = authority.substring(at + 1);
        int colon = info.indexOf(':');
        user = decode(colon < 0 ? info : info.substring(0, colon));
        password = colon < 0 ? "" : decode(info.substring(colon + 1));
      }
      List<InetSocketAddress> points = new ArrayList<>();
      for (String hp : authority.split(",")) {
        if (hp.isBlank()) continue;
        int colon = hp.lastIndexOf(':');
        String host = colon < 0 ? hp : hp.substring(0, colon);
        int port = 9042;
        if (colon >= 0) {
          try {
            port = Integer.parseInt(hp.substring(colon + 1));
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the connection URL has a port that is not a number");
          }
        }
        points.add(new InetSocketAddress(host, port));
      }
      if (points.isEmpty()) throw new IllegalArgumentException("the connection URL names no contact point");
      return new Target(List.copyOf(points), datacenter, user, password);
    }

    private static String decode(String s) {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
      return "Target[" + contactPoints + ", " + datacenter + "]";
    }
  }
}
