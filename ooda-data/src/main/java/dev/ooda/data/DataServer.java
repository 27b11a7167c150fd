package dev.ooda.data;

import dev.ooda.access.KeySource;
import dev.ooda.model.AccessLogLine;
import dev.ooda.model.Health;
import dev.ooda.model.Resource;
import dev.ooda.model.ResourceCodec;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data-access service: services read and write through its HTTP API, each in the namespace
 * it owns, and never hold connection details themselves.
 *
 * <pre>
 * try (DataServer data = new DataServer(DataServer.Options.defaults().withPort(0)).start()) {
 *   data.namespaces(resources);   // pushed by whoever watches the control plane
 *   int port = data.port();
 * }
 * </pre>
 */
public final class DataServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DataServer.class);
  private static final Logger ACCESS = LoggerFactory.getLogger("ooda.access");

  /**
   * How the data service runs.
   *
   * @param port        HTTP port; 8070 by default, 0 for any free port
   * @param dataDir     where SQLite namespaces keep their files; {@code .ooda/data} by default
   * @param instance    this instance's name in access logs; {@code host:port} when null
   * @param poolSize    connections per namespace unless its spec says otherwise; default 10
   * @param limits      request and page bounds; {@link Limits#DEFAULT}
   * @param sweepEvery  how often expired items and old idempotency keys are deleted; default 30s
   * @param clock       time for TTLs and events; the system clock by default
   * @param secrets     resolves namespaces' secret references; {@link SecretResolver#standard()}
   * @param accessLog   receives one line per request; by default written to the logger {@code ooda.access}
   */
  public record Options(int port, Path dataDir, String instance, int poolSize, Limits limits, Duration sweepEvery,
                        Clock clock, SecretResolver secrets, Consumer<AccessLogLine> accessLog) {
    public static final int DEFAULT_PORT = 8070;

    public static Options defaults() {
      return new Options(DEFAULT_PORT, Path.of(".ooda", "data"), null, 10, Limits.DEFAULT, Duration.ofSeconds(30),
          Clock.systemUTC(), SecretResolver.standard(), line -> {
            if (ACCESS.isInfoEnabled()) ACCESS.info(line.toJson());
          });
    }

    /** The two options that the CLI sets: port and data directory. */
    public static Options of(int port, Path dataDir) {
      return defaults().withPort(port).withDataDir(dataDir);
    }

    public Options withPort(int p) {
      return new Options(p, dataDir, instance, poolSize, limits, sweepEvery, clock, secrets, accessLog);
    }

    public Options withDataDir(Path d) {
      return new Options(port, d, instance, poolSize, limits, sweepEvery, clock, secrets, accessLog);
    }

    public Options withInstance(String i) {
      return new Options(port, dataDir, i, poolSize, limits, sweepEvery, clock, secrets, accessLog);
    }

    public Options withPoolSize(int n) {
      return new Options(port, dataDir, instance, n, limits, sweepEvery, clock, secrets, accessLog);
    }

    public Options withLimits(Limits l) {
      return new Options(port, dataDir, instance, poolSize, l, sweepEvery, clock, secrets, accessLog);
    }

    public Options withSweepEvery(Duration d) {
      return new Options(port, dataDir, instance, poolSize, limits, d, clock, secrets, accessLog);
    }

    public Options withClock(Clock c) {
      return new Options(port, dataDir, instance, poolSize, limits, sweepEvery, c, secrets, accessLog);
    }

    public Options withSecrets(SecretResolver s) {
      return new Options(port, dataDir, instance, poolSize, limits, sweepEvery, clock, s, accessLog);
    }

    public Options withAccessLog(Consumer<AccessLogLine> a) {
      return new Options(port, dataDir, instance, poolSize, limits, sweepEvery, clock, secrets, a);
    }
  }

  /** How long a keep-alive connection with nothing in flight stays open without traffic. */
  private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(60);
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
  private static final byte[] UP = ResourceCodec.toJsonBytes(Health.UP);
  private static final byte[] DRAINING = ResourceCodec.toJsonBytes(Health.DRAINING);

  private final Options options;
  private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Catalog catalog;
  private final NamespaceAccess access = new NamespaceAccess();
  /** Read by health checks on the event loops; null until bound. */
  private volatile HttpServer server;
  private ScheduledExecutorService sweeper;

  public DataServer(Options options) {
    this.options = options;
    this.catalog = new Catalog(options.dataDir(), options.poolSize(), options.secrets(), meters);
  }

  /** Binds the port and starts serving; namespaces may be pushed before or after. */
  public synchronized DataServer start() {
    if (server != null) return this;
    String instance = options.instance() != null ? options.instance() : hostName();
    Router router = new DataApi(catalog, options.limits(), options.clock()).routes(new Router())
        .get(Health.PATH, req -> CompletableFuture.completedFuture(closing()
            ? Response.json(Health.DRAINING.httpStatus(), DRAINING) : Response.json(Health.UP.httpStatus(), UP)))
        .get("/metrics", req -> CompletableFuture.completedFuture(
            new Response(200, PROMETHEUS_TEXT, (meters.scrape() + decisions()).getBytes(StandardCharsets.UTF_8), List.of(), null)));
    AccessLog log = new AccessLog(instance, options.instance() == null, options.accessLog(), new RequestMetrics(meters, catalog::serves));
    server = new HttpServer(options.port(), (int) Math.min(Integer.MAX_VALUE, options.limits().maxRequestBytes()), IDLE_TIMEOUT,
        router, log, access);
    sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "ooda-data-sweeper");
      t.setDaemon(true);
      return t;
    });
    long every = options.sweepEvery().toMillis();
    sweeper.scheduleWithFixedDelay(this::sweep, every, every, TimeUnit.MILLISECONDS);
    LOG.info("data service listening on port {}", port());
    return this;
  }

  /** While closing, health checks answer 503, so that traffic moves elsewhere. */
  private boolean closing() {
    HttpServer s = server;
    return s != null && s.closing();
  }

  /** The bound HTTP port. */
  public int port() {
    if (server == null) throw new IllegalStateException("not started");
    return server.port();
  }

  /**
   * Makes {@code resources} (the Namespace ones among them) the namespaces served, applying the
   * new set as one immutable snapshot: new and changed namespaces are opened and migrated,
   * unchanged ones are kept, missing ones are closed (their data stays). Returns each
   * namespace's status, including which migration failed and why.
   */
  public List<NamespaceStatus> namespaces(Collection<Resource> resources) {
    List<NamespaceStatus> statuses = catalog.apply(resources);
    access.namespaces(resources);
    return statuses;
  }

  /**
   * Makes {@code resources} (the Service ones among them) the services whose access modes govern
   * their namespaces: a namespace whose owner is in mode {@code enforce} or {@code audit} is used
   * only by its owner and the services its grants name, each proving who it is with an
   * {@code ooda-token} for the audience {@code data}. Applied at once, as one snapshot.
   */
  public void services(Collection<Resource> resources) {
    access.services(resources);
  }

  /** Where the tokens of callers are checked against: the control plane's published keys. Without them, a namespace in force refuses every call. */
  public void keys(KeySource keys) {
    access.keys(keys);
  }

  /** Decisions of the namespace checks so far, by namespace and outcome ({@code allow}, {@code deny}, {@code would-deny}). */
  public Map<String, Map<String, Long>> accessDecisions() {
    return access.decisions().counts();
  }

  private String decisions() {
    return access.decisions().counts().isEmpty() ? "" : access.decisions().prometheus();
  }

  /** The status of every namespace served. */
  public List<NamespaceStatus> statuses() {
    return catalog.all().stream().map(Namespace::status).toList();
  }

  /** Deletes expired key-value items and idempotency keys past their time, in every namespace. */
  void sweep() {
    long now = options.clock().millis();
    for (Namespace n : catalog.all()) {
      if (n.storage() == null) continue;
      try {
        Kv.sweep(n.storage().dsl(), now);
        Writes.sweep(n.storage().dsl(), now);
      } catch (RuntimeException e) {
        LOG.warn("sweeping namespace {} failed", n.name(), e);
      }
    }
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      return "localhost";
    }
  }

  @Override
  public synchronized void close() {
    if (sweeper != null) sweeper.shutdownNow();
    if (server != null) server.close();
    server = null;
    catalog.close();
    meters.close();
  }
}
