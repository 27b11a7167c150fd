package dev.ooda.data;

import dev.ooda.access.KeySource;
import dev.ooda.data.access.NamespaceAccess;
import dev.ooda.data.api.DataApi;
import dev.ooda.data.api.Limits;
import dev.ooda.data.http.AccessLog;
import dev.ooda.data.http.HttpServer;
import dev.ooda.data.http.RequestMetrics;
import dev.ooda.data.http.Response;
import dev.ooda.data.http.Router;
import dev.ooda.data.storage.Catalog;
import dev.ooda.data.storage.Namespace;
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
import java.util.Objects;
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
 * try (DataServer data = new DataServer(DataServer.Options.builder().port(0).build()).start()) {
 *   data.namespaces(resources);   // pushed by whoever watches the control plane
 *   int port = data.port();
 * }
 * </pre>
 */
public final class DataServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DataServer.class);
  private static final Logger ACCESS = LoggerFactory.getLogger("ooda.access");

  /**
   * How the data service runs: immutable, built with {@link #builder()}; every option and its
   * default is documented on the builder's method of the same name.
   */
  public static final class Options {
    public static final int DEFAULT_PORT = 8070;

    private final int port;
    private final Path dataDir;
    private final String instance;
    private final int poolSize;
    private final Limits limits;
    private final Duration sweepEvery;
    private final Clock clock;
    private final SecretResolver secrets;
    private final Consumer<AccessLogLine> accessLog;

    private Options(Builder b) {
      this.port = b.port;
      this.dataDir = b.dataDir;
      this.instance = b.instance;
      this.poolSize = b.poolSize;
      this.limits = b.limits;
      this.sweepEvery = b.sweepEvery;
      this.clock = b.clock;
      this.secrets = b.secrets;
      this.accessLog = b.accessLog;
    }

    public static Builder builder() {
      return new Builder();
    }

    /** Every option at its default. */
    public static Options defaults() {
      return builder().build();
    }

    /** The two options that the CLI sets: port and data directory. */
    public static Options of(int port, Path dataDir) {
      return builder().port(port).dataDir(dataDir).build();
    }

    /** A builder holding these options, to change some of them. */
    public Builder toBuilder() {
      return builder().port(port).dataDir(dataDir).instance(instance).poolSize(poolSize).limits(limits)
          .sweepEvery(sweepEvery).clock(clock).secrets(secrets).accessLog(accessLog);
    }

    /** See {@link Builder#port}. */
    public int port() {
      return port;
    }

    /** See {@link Builder#dataDir}. */
    public Path dataDir() {
      return dataDir;
    }

    /** See {@link Builder#instance}; null for {@code host:port}. */
    public String instance() {
      return instance;
    }

    /** See {@link Builder#poolSize}. */
    public int poolSize() {
      return poolSize;
    }

    /** See {@link Builder#limits}. */
    public Limits limits() {
      return limits;
    }

    /** See {@link Builder#sweepEvery}. */
    public Duration sweepEvery() {
      return sweepEvery;
    }

    /** See {@link Builder#clock}. */
    public Clock clock() {
      return clock;
    }

    /** See {@link Builder#secrets}. */
    public SecretResolver secrets() {
      return secrets;
    }

    /** See {@link Builder#accessLog}. */
    public Consumer<AccessLogLine> accessLog() {
      return accessLog;
    }

    /** Builds {@link Options}; each method documents its option and default. Not thread-safe. */
    public static final class Builder {
      private int port = DEFAULT_PORT;
      private Path dataDir = Path.of(".ooda", "data");
      private String instance;
      private int poolSize = 10;
      private Limits limits = Limits.DEFAULT;
      private Duration sweepEvery = Duration.ofSeconds(30);
      private Clock clock = Clock.systemUTC();
      private SecretResolver secrets = SecretResolver.standard();
      private Consumer<AccessLogLine> accessLog = line -> {
        if (ACCESS.isInfoEnabled()) ACCESS.info(line.toJson());
      };

      private Builder() {}

      /** The HTTP port; 0 picks a free one. Default 8070. */
      public Builder port(int port) {
        this.port = port;
        return this;
      }

      /** Where SQLite namespaces keep their files. Default {@code .ooda/data}. */
      public Builder dataDir(Path dataDir) {
        this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
        return this;
      }

      /** This instance's name in access logs; null for {@code host:port}, the default. */
      public Builder instance(String instance) {
        this.instance = instance;
        return this;
      }

      /** Connections per namespace unless its spec says otherwise. Default 10. */
      public Builder poolSize(int poolSize) {
        this.poolSize = poolSize;
        return this;
      }

      /** Request and page bounds. Default {@link Limits#DEFAULT}. */
      public Builder limits(Limits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
        return this;
      }

      /** How often expired items and old idempotency keys are deleted. Default 30 s. */
      public Builder sweepEvery(Duration sweepEvery) {
        this.sweepEvery = Objects.requireNonNull(sweepEvery, "sweepEvery");
        return this;
      }

      /** Time for TTLs and events. Default the system clock (UTC). */
      public Builder clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return this;
      }

      /** Resolves namespaces' secret references. Default {@link SecretResolver#standard()}. */
      public Builder secrets(SecretResolver secrets) {
        this.secrets = Objects.requireNonNull(secrets, "secrets");
        return this;
      }

      /** Receives one line per request. Default: written as JSON to the logger {@code ooda.access}. */
      public Builder accessLog(Consumer<AccessLogLine> accessLog) {
        this.accessLog = Objects.requireNonNull(accessLog, "accessLog");
        return this;
      }

      /** @throws IllegalArgumentException naming the first option that is out of range */
      public Options build() {
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be 0..65535: " + port);
        if (poolSize <= 0) throw new IllegalArgumentException("poolSize must be positive: " + poolSize);
        if (sweepEvery.isNegative() || sweepEvery.isZero()) throw new IllegalArgumentException("sweepEvery must be positive: " + sweepEvery);
        return new Options(this);
      }
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
    this.catalog = new Catalog(options.dataDir(), options.poolSize(), options.secrets()::resolve, meters);
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
    List<NamespaceStatus> statuses = catalog.apply(resources).stream().map(DataServer::status).toList();
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
    return catalog.all().stream().map(DataServer::status).toList();
  }

  private static NamespaceStatus status(Namespace n) {
    return new NamespaceStatus(n.name(), n.state(), n.version(), n.declared(), n.error());
  }

  /** Deletes expired key-value items and idempotency keys past their time, in every namespace. */
  void sweep() {
    long now = options.clock().millis();
    for (Namespace n : catalog.all()) {
      // Cassandra deletes expired items and idempotency keys itself, by their TTL.
      if (n.storage() == null || n.storage().dsl() == null) continue;
      try {
        DataApi.sweep(n.storage().dsl(), now);
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
