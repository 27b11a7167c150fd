import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.ooda.data.DataServer;
import dev.ooda.data.NamespaceStatus;
import dev.ooda.model.Resource;
import dev.ooda.model.ResourceCodec;
import dev.ooda.testing.cassandra.TestCassandra;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * The data service against direct JDBC, in one JVM: get-by-key and single-row insert, each
 * through the data service over HTTP keep-alive and straight through a HikariCP pool of the same
 * size to the same table. Prints throughput and p99 of both and their ratio. On Cassandra (a
 * node of its own, started by the launcher of ooda-testing-cassandra) the direct side is the
 * DataStax driver with the statements and consistency levels the data service uses.
 *
 * <p>Arguments: {@code --backends sqlite,postgres,cassandra --clients 32 --pool 16 --rows 10000
 * --warmup 30 --duration 60} (seconds).
 */
public final class DataBench {
  static int clients = 32;
  static int pool = 16;
  static int rows = 10_000;
  static Duration warmup = Duration.ofSeconds(30);
  static Duration duration = Duration.ofSeconds(60);

  static final String ITEMS = """
      - version: 1
        table:
          name: items
          columns:
            - {name: id, type: bigint, key: true}
            - {name: name, type: string(100), nullable: false}
            - {name: qty, type: int}
            - {name: price, type: "decimal(10,2)"}
      """;

  /** The same table in CQL: the key is the partition key. */
  static final String CQL_ITEMS = """
      - version: 1
        cassandra: CREATE TABLE items (id bigint PRIMARY KEY, name text, qty int, price decimal)
      """;

  public static void main(String[] args) throws Exception {
    List<String> backends = List.of("sqlite", "postgres", "cassandra");
    for (int i = 0; i + 1 < args.length; i += 2) {
      String v = args[i + 1];
      switch (args[i]) {
        case "--backends" -> backends = List.of(v.split(","));
        case "--clients" -> clients = Integer.parseInt(v);
        case "--pool" -> pool = Integer.parseInt(v);
        case "--rows" -> rows = Integer.parseInt(v);
        case "--warmup" -> warmup = Duration.ofMillis((long) (Double.parseDouble(v) * 1000));
        case "--duration" -> duration = Duration.ofMillis((long) (Double.parseDouble(v) * 1000));
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    System.out.printf("data bench: %d clients, pool %d per side, %d rows, warm-up %ds, measure %ds%n",
        clients, pool, rows, warmup.toSeconds(), duration.toSeconds());
    List<String> report = new ArrayList<>();
    for (String backend : backends) report.addAll(run(backend.trim()));
    System.out.println();
    System.out.printf("%-9s %-7s %-5s %12s %10s %16s %8s %9s%n", "backend", "op", "via", "ops/s", "p99 ms", "steady after s", "ratio", "of floor");
    report.forEach(System.out::println);
  }

  static List<String> run(String backend) throws Exception {
    if (backend.equals("cassandra")) return runCassandra();
    Path dir = Files.createTempDirectory("ooda-data-bench");
    EmbeddedPostgres pg = backend.equals("postgres") ? EmbeddedPostgres.builder().start() : null;
    String url = pg == null ? null : "postgresql://postgres:bench@127.0.0.1:" + pg.getPort() + "/postgres";
    List<String> out = new ArrayList<>();
    try (DataServer server = new DataServer(DataServer.Options.builder().port(0).dataDir(dir).poolSize(pool).build()).start()) {
      String spec = "kind: Namespace\nname: bench\nspec:\n  owner: bench\n  backend: " + backend + "\n"
          + (url == null ? "" : "  connection: {url: \"" + url + "\"}\n") + "  migrations:\n" + ITEMS.indent(4);
      Resource ns = ResourceCodec.readYaml(spec).get(0);
      NamespaceStatus st = server.namespaces(List.of(ns)).get(0);
      if (!st.state().equals(NamespaceStatus.READY)) throw new IllegalStateException(st.toString());

      try (HikariDataSource direct = directPool(backend, dir, pg)) {
        try (Connection c = direct.getConnection();
             java.sql.PreparedStatement ps = c.prepareStatement("INSERT INTO items (id, name, qty, price, _version) VALUES (?, ?, ?, ?, 1)")) {
          c.setAutoCommit(false);
          for (int i = 1; i <= rows; i++) {
            ps.setLong(1, i);
            ps.setString(2, "item-" + i);
            ps.setInt(3, i % 100);
            ps.setBigDecimal(4, new java.math.BigDecimal(i % 1000 + ".25"));
            ps.addBatch();
            if (i % 1000 == 0) ps.executeBatch();
          }
          ps.executeBatch();
          c.commit();
        }
        URI base = URI.create("http://127.0.0.1:" + server.port());
        AtomicLong jdbcIds = new AtomicLong(2_000_000_000L);
        Op jdbcGet = () -> {
          try (Connection c = direct.getConnection();
               java.sql.PreparedStatement ps = c.prepareStatement("SELECT id, name, qty, price, _version FROM items WHERE id = ?")) {
            ps.setLong(1, 1 + ThreadLocalRandom.current().nextInt(rows));
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) throw new IllegalStateException("row missing");
              rs.getLong(1); rs.getString(2); rs.getInt(3); rs.getBigDecimal(4); rs.getLong(5);
            }
          }
        };
        Op jdbcInsert = () -> {
          long id = jdbcIds.incrementAndGet();
          try (Connection c = direct.getConnection();
               java.sql.PreparedStatement ps = c.prepareStatement("INSERT INTO items (id, name, qty, price, _version) VALUES (?, ?, ?, ?, 1)")) {
            ps.setLong(1, id);
            ps.setString(2, "item-" + id);
            ps.setInt(3, 3);
            ps.setBigDecimal(4, new java.math.BigDecimal("9.99"));
            ps.executeUpdate();
          }
        };
        // The same server's answer without a database: what HTTP alone reaches here.
        Result floor = wrk(backend + " http floor", base.resolve("/v1/namespaces/bench"), null);
        out.add(line(backend, "floor", "http", floor, "", ""));
        out.addAll(compare(backend, "get", base, "get.lua", jdbcGet, floor));
        out.addAll(compare(backend, "insert", base, "insert.lua", jdbcInsert, floor));
      }
    } finally {
      if (pg != null) pg.close();
    }
    return out;
  }

  /**
   * Cassandra: the data service's statements (columns in its schema order: the key, then the
   * others by name; inserts are lightweight transactions, as the service's), at its default
   * consistency levels (LOCAL_QUORUM, serial LOCAL_SERIAL), from one session shared by the clients.
   */
  static List<String> runCassandra() throws Exception {
    Path dir = Files.createTempDirectory("ooda-data-bench");
    List<String> out = new ArrayList<>();
    try (TestCassandra node = TestCassandra.start();
         DataServer server = new DataServer(DataServer.Options.builder().port(0).dataDir(dir).poolSize(pool).build()).start()) {
      String spec = "kind: Namespace\nname: bench\nspec:\n  owner: bench\n  backend: cassandra\n"
          + "  connection: {url: \"cassandra://" + node.contactPoint() + "/" + node.datacenter() + "\"}\n  migrations:\n" + CQL_ITEMS.indent(4);
      NamespaceStatus st = server.namespaces(List.of(ResourceCodec.readYaml(spec).get(0))).get(0);
      if (!st.state().equals(NamespaceStatus.READY)) throw new IllegalStateException(st.toString());
      try (CqlSession direct = CqlSession.builder()
          .addContactPoint(new InetSocketAddress(node.host(), node.port()))
          .withLocalDatacenter(node.datacenter())
          .withConfigLoader(DriverConfigLoader.programmaticBuilder()
              .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(10))
              .withString(DefaultDriverOption.REQUEST_CONSISTENCY, "LOCAL_QUORUM")
              .withString(DefaultDriverOption.REQUEST_SERIAL_CONSISTENCY, "LOCAL_SERIAL")
              .build())
          .build()) {
        PreparedStatement get = direct.prepare("SELECT \"id\", \"name\", \"price\", \"qty\", \"_version\" FROM \"ns_bench\".\"items\" WHERE \"id\" = ?");
        PreparedStatement insert = direct.prepare("INSERT INTO \"ns_bench\".\"items\" (\"id\", \"name\", \"price\", \"qty\", \"_version\") VALUES (?, ?, ?, ?, ?) IF NOT EXISTS");
        PreparedStatement load = direct.prepare("INSERT INTO \"ns_bench\".\"items\" (\"id\", \"name\", \"price\", \"qty\", \"_version\") VALUES (?, ?, ?, ?, 1)");
        List<java.util.concurrent.CompletableFuture<?>> pending = new ArrayList<>();
        for (int i = 1; i <= rows; i++) {
          pending.add(direct.executeAsync(load.bind((long) i, "item-" + i, new java.math.BigDecimal(i % 1000 + ".25"), i % 100)).toCompletableFuture());
          if (pending.size() == 256) {
            pending.forEach(java.util.concurrent.CompletableFuture::join);
            pending.clear();
          }
        }
        pending.forEach(java.util.concurrent.CompletableFuture::join);
        URI base = URI.create("http://127.0.0.1:" + server.port());
        AtomicLong cqlIds = new AtomicLong(2_000_000_000L);
        Op cqlGet = () -> {
          Row r = direct.execute(get.bind((long) (1 + ThreadLocalRandom.current().nextInt(rows)))
              .setConsistencyLevel(DefaultConsistencyLevel.LOCAL_QUORUM)).one();
          if (r == null) throw new IllegalStateException("row missing");
          r.getLong(0); r.getString(1); r.getBigDecimal(2); r.getInt(3); r.getLong(4);
        };
        Op cqlInsert = () -> {
          long id = cqlIds.incrementAndGet();
          if (!direct.execute(insert.bind(id, "item-" + id, new java.math.BigDecimal("9.99"), 3, 1L)
              .setConsistencyLevel(DefaultConsistencyLevel.LOCAL_QUORUM)).wasApplied()) throw new IllegalStateException("id taken");
        };
        Result floor = wrk("cassandra http floor", base.resolve("/v1/namespaces/bench"), null);
        out.add(line("cassandra", "floor", "http", floor, "", ""));
        out.addAll(compare("cassandra", "get", base, "get.lua", cqlGet, floor, "cql"));
        out.addAll(compare("cassandra", "insert", base, "insert.lua", cqlInsert, floor, "cql"));
      }
    }
    return out;
  }

  /** A pool like the data service's for this namespace: same size, same storage, same settings. */
  static HikariDataSource directPool(String backend, Path dir, EmbeddedPostgres pg) {
    HikariConfig hc = new HikariConfig();
    hc.setMaximumPoolSize(pool);
    hc.setPoolName("direct-jdbc");
    if (pg == null) {
      hc.setJdbcUrl("jdbc:sqlite:" + dir.resolve("bench.db").toAbsolutePath());
      hc.addDataSourceProperty("journal_mode", "WAL");
      hc.addDataSourceProperty("synchronous", "NORMAL");
      hc.addDataSourceProperty("busy_timeout", "10000");
      hc.addDataSourceProperty("transaction_mode", "IMMEDIATE");
    } else {
      hc.setJdbcUrl("jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres");
      hc.setUsername("postgres");
      hc.setSchema("ns_bench");
    }
    return new HikariDataSource(hc);
  }

  interface Op {
    void run() throws Exception;
  }

  record Result(double opsPerSec, double p99Ms, double steadyAfterSec) {}

  static List<String> compare(String backend, String op, URI base, String script, Op viaJdbc, Result floor) throws Exception {
    return compare(backend, op, base, script, viaJdbc, floor, "jdbc");
  }

  /** The op called directly ({@code via}: jdbc, or cql for Cassandra's driver), then through the data service. */
  static List<String> compare(String backend, String op, URI base, String script, Op direct, Result floor, String via) throws Exception {
    Result j = measure(backend + " " + op + " " + via, direct);
    Result h = wrk(backend + " " + op + " http", base, script);
    return List.of(
        line(backend, op, via, j, "", ""),
        line(backend, op, "http", h, String.format(Locale.ROOT, "%.2f", h.opsPerSec() / j.opsPerSec()),
            String.format(Locale.ROOT, "%.2f", h.opsPerSec() / floor.opsPerSec())));
  }

  static String line(String backend, String op, String via, Result r, String ratio, String ofFloor) {
    return String.format(Locale.ROOT, "%-9s %-7s %-5s %12.0f %10.2f %16.0f %8s %9s", backend, op, via, r.opsPerSec(), r.p99Ms(), r.steadyAfterSec(), ratio, ofFloor);
  }

  /**
   * Drives the data service with wrk, a load generator in its own process, so that the client's
   * cost is small beside the service's, as for a caller on another machine: one-second runs for
   * the warm-up (they tell when it reached steady speed), then one run for the measurement.
   */
  static Result wrk(String name, URI base, String script) throws Exception {
    List<Double> perSecond = new ArrayList<>();
    for (long i = 0; i < warmup.toSeconds(); i++) perSecond.add(wrkRun(base, script, 1).opsPerSec());
    WrkResult r = wrkRun(base, script, Math.max(1, duration.toSeconds()));
    double steady = -1;
    for (int i = 0; i < perSecond.size(); i++) {
      if (perSecond.get(i) >= 0.9 * r.opsPerSec()) {
        steady = i + 1;
        break;
      }
    }
    System.out.printf(Locale.ROOT, "%-22s %10.0f ops/s  p50 %.2f ms  p99 %.2f ms%n", name, r.opsPerSec(), r.p50Ms(), r.p99Ms());
    return new Result(r.opsPerSec(), r.p99Ms(), steady);
  }

  record WrkResult(double opsPerSec, double p50Ms, double p99Ms) {}

  static final Path LUA = Path.of(System.getProperty("bench.lua", "bench/data/lua"));

  static WrkResult wrkRun(URI base, String script, long seconds) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("wrk", "-t2", "-c" + clients, "-d" + seconds + "s", "--latency"));
    if (script != null) cmd.addAll(List.of("-s", LUA.resolve(script).toString()));
    cmd.add(base.toString());
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("ROWS", Integer.toString(rows));
    Process p = pb.start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    if (p.waitFor() != 0) throw new IllegalStateException("wrk failed:\n" + out);
    if (out.contains("Non-2xx") || out.contains("Socket errors")) throw new IllegalStateException("wrk saw errors:\n" + out);
    double rps = Double.NaN, p50 = Double.NaN, p99 = Double.NaN;
    for (String line : out.split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length == 2 && f[0].equals("Requests/sec:")) rps = Double.parseDouble(f[1]);
      if (f.length == 2 && f[0].equals("50%")) p50 = millis(f[1]);
      if (f.length == 2 && f[0].equals("99%")) p99 = millis(f[1]);
    }
    if (Double.isNaN(rps) || Double.isNaN(p99)) throw new IllegalStateException("cannot read wrk's output:\n" + out);
    return new WrkResult(rps, p50, p99);
  }

  /** wrk prints latencies as 812.00us, 1.23ms or 1.05s. */
  static double millis(String v) {
    if (v.endsWith("us")) return Double.parseDouble(v.substring(0, v.length() - 2)) / 1000;
    if (v.endsWith("ms")) return Double.parseDouble(v.substring(0, v.length() - 2));
    if (v.endsWith("s")) return Double.parseDouble(v.substring(0, v.length() - 1)) * 1000;
    throw new IllegalArgumentException("not a wrk latency: " + v);
  }

  /**
   * Runs {@code op} from {@code clients} threads: warm-up, then measurement. The time to reach
   * steady speed is when a one-second window first reached 90% of the measured throughput.
   */
  static Result measure(String name, Op op) throws Exception {
    long start = System.nanoTime();
    long warmEnd = start + warmup.toNanos();
    long end = warmEnd + duration.toNanos();
    int windows = (int) (warmup.toSeconds() + 1);
    AtomicLong[] perSecond = new AtomicLong[Math.max(1, windows)];
    for (int i = 0; i < perSecond.length; i++) perSecond[i] = new AtomicLong();
    List<Histogram> hs = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    AtomicLong done = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    for (int t = 0; t < clients; t++) {
      Histogram h = new Histogram(60_000_000_000L, 3);
      hs.add(h);
      Thread th = new Thread(() -> {
        while (true) {
          long t0 = System.nanoTime();
          if (t0 >= end) return;
          try {
            op.run();
          } catch (Exception e) {
            if (errors.incrementAndGet() <= 3) e.printStackTrace();
            continue;
          }
          long t1 = System.nanoTime();
          if (t0 >= warmEnd) {
            h.recordValue(t1 - t0);
            done.incrementAndGet();
          } else {
            int w = (int) ((t1 - start) / 1_000_000_000L);
            if (w < perSecond.length) perSecond[w].incrementAndGet();
          }
        }
      }, "bench-" + t);
      threads.add(th);
      th.start();
    }
    for (Thread th : threads) th.join();
    Histogram all = new Histogram(60_000_000_000L, 3);
    hs.forEach(all::add);
    double ops = done.get() / (duration.toNanos() / 1e9);
    double steady = -1;
    for (int i = 0; i < perSecond.length; i++) {
      if (perSecond[i].get() >= 0.9 * ops) {
        steady = i + 1;
        break;
      }
    }
    if (errors.get() > 0) System.out.println(name + ": " + errors.get() + " errors");
    System.out.printf(Locale.ROOT, "%-22s %10.0f ops/s  p50 %.2f ms  p99 %.2f ms%n", name, ops,
        all.getValueAtPercentile(50) / 1e6, all.getValueAtPercentile(99) / 1e6);
    return new Result(ops, all.getValueAtPercentile(99) / 1e6, steady);
  }
}
