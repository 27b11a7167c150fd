package dev.ooda.kit;

import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.metric.MeterIdPrefixFunction;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.brave.BraveService;
import com.linecorp.armeria.server.healthcheck.HealthCheckService;
import com.linecorp.armeria.server.healthcheck.SettableHealthChecker;
import com.linecorp.armeria.server.metric.MetricCollectingService;
import com.linecorp.armeria.server.prometheus.PrometheusExpositionService;
import dev.ooda.model.AccessLogLine;
import dev.ooda.model.Headers;
import dev.ooda.model.Health;
import dev.ooda.model.Instance;
import dev.ooda.model.Names;
import dev.ooda.model.ResourceCodec;
import dev.ooda.model.ServerStop;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server of a service: an Armeria server with everything an ooda service has, so that a team
 * writes only its handlers. It registers with the registry and renews the lease, serves
 * {@code /health} and Prometheus {@code /metrics}, takes deadlines from callers, writes one
 * access-log line per request (logger {@code ooda.access}), reports a server span per request,
 * checks callers in one place against the service's security group (the {@code access} of its
 * Service resource: callers prove who they are with an {@code ooda-token}), answers every error as
 * a problem document, and on {@link #close()} (or SIGTERM) drains: leaves traffic, finishes what it
 * has, then stops.
 *
 * <pre>{@code
 * OodaService server = kit.server("v1").port(0).annotatedService(new CatalogApi()).start();
 * }</pre>
 */
public final class OodaService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OodaService.class);
  private static final Logger ACCESS = LoggerFactory.getLogger("ooda.access");
  public static final String HEALTH_PATH = Health.PATH;
  public static final String METRICS_PATH = "/metrics";
  /** Where a service built with {@link Builder#openapi(String)} serves its OpenAPI document. */
  public static final String OPENAPI_PATH = "/openapi.json";

  public static Builder builder(Kit kit, String version) {
    return new Builder(kit, version);
  }

  /** Collects what a service serves and how; {@link #start()} builds and starts it. */
  public static final class Builder {
    private final Kit kit;
    private final String version;
    private String host = "127.0.0.1";
    private int port = 0;
    private Duration requestTimeout = Duration.ofSeconds(10);
    private Duration drainDelay = Duration.ofSeconds(1);
    private Duration shutdownTimeout = Duration.ofSeconds(10);
    private int maxRequestBytes = 10 << 20;
    private boolean blocking = true;
    private boolean closeOnJvmShutdown;
    private Consumer<AccessLogLine> accessLog = line -> {
      if (ACCESS.isInfoEnabled()) ACCESS.info(line.toJson());
    };
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private final List<Consumer<ServerBuilder>> routes = new ArrayList<>();
    private String openapi;

    private Builder(Kit kit, String version) {
      this.kit = kit;
      this.version = version;
    }

    /** Address to listen on and to register; {@code 127.0.0.1} by default, {@code 0.0.0.0} for every interface. */
    public Builder host(String host) {
      this.host = host;
      return this;
    }

    /** Port to listen on; 0 (the default) picks a free one. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** The longest a request may take unless its caller's deadline is sooner; 10 s by default. */
    public Builder requestTimeout(Duration d) {
      this.requestTimeout = d;
      return this;
    }

    /**
     * How long a closing instance keeps accepting requests after it has left the registry, while
     * clients learn that it left; 1 s by default.
     */
    public Builder drainDelay(Duration d) {
      this.drainDelay = d;
      return this;
    }

    /** The longest a closing instance waits for requests in flight; 10 s by default. */
    public Builder shutdownTimeout(Duration d) {
      this.shutdownTimeout = d;
      return this;
    }

    public Builder maxRequestBytes(int n) {
      this.maxRequestBytes = n;
      return this;
    }

    /**
     * Whether annotated services run on Armeria's blocking task executor (the default), so that
     * handlers may make blocking calls such as {@link Call#as}; false runs them on the event loop,
     * for handlers that never block.
     */
    public Builder blocking(boolean b) {
      this.blocking = b;
      return this;
    }

    /** Drains and closes the service when the JVM shuts down (SIGTERM). */
    public Builder closeOnJvmShutdown() {
      this.closeOnJvmShutdown = true;
      return this;
    }

    /** Where access-log lines go; the logger {@code ooda.access} at INFO by default. */
    public Builder accessLog(Consumer<AccessLogLine> sink) {
      this.accessLog = sink;
      return this;
    }

    /**
     * The OpenAPI 3 document of this version (YAML or JSON text): served at {@value #OPENAPI_PATH}
     * and sent with the registration, where the control plane checks it against the active
     * contract of the version's major version (docs/contracts.md). A refused document makes
     * {@link #start()} throw, and the versions already registered keep serving.
     */
    public Builder openapi(String document) {
      try {
        var tree = ResourceCodec.yaml().readTree(document); // YAML reads JSON too
        if (tree == null || !tree.isObject() || !tree.has("openapi")) {
          throw new IllegalArgumentException("openapi: not an OpenAPI 3 document (no openapi field)");
        }
        this.openapi = ResourceCodec.toJson(tree);
      } catch (java.io.IOException e) {
        throw new IllegalArgumentException("openapi: not YAML or JSON: " + e.getMessage(), e);
      }
      return this;
    }

    /** {@link #openapi(String)} read from a class-path resource, e.g. {@code /openapi.yaml}. */
    public Builder openapiResource(String resource) {
      try (var in = OodaService.class.getResourceAsStream(resource)) {
        if (in == null) throw new IllegalArgumentException("openapi: no class-path resource " + resource);
        return openapi(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
      } catch (java.io.IOException e) {
        throw new IllegalArgumentException("openapi: cannot read " + resource + ": " + e.getMessage(), e);
      }
    }

    /** A label registered with the instance. */
    public Builder metadata(String key, String value) {
      metadata.put(key, value);
      return this;
    }

    /** An object with Armeria annotations ({@code @Get("/items/:id")} ...), bodies in JSON or CBOR. */
    public Builder annotatedService(Object service) {
      return annotatedService("/", service);
    }

    public Builder annotatedService(String pathPrefix, Object service) {
      routes.add(sb -> sb.annotatedService()
          .pathPrefix(pathPrefix)
          .useBlockingTaskExecutor(blocking)
          .requestConverters(BodyConverters.INSTANCE)
          .responseConverters(BodyConverters.INSTANCE)
          .exceptionHandlers(ServiceErrors.INSTANCE)
          .build(service));
      return this;
    }

    /** A plain Armeria service at {@code pathPattern}. */
    public Builder service(String pathPattern, HttpService service) {
      routes.add(sb -> sb.service(pathPattern, service));
      return this;
    }

    /** Anything else on the Armeria server builder. */
    public Builder configure(Consumer<ServerBuilder> c) {
      routes.add(c);
      return this;
    }

    /** Starts serving and registers; returns once the instance is registered (or is being retried). */
    public OodaService start() {
      // The registry's rule for versions, so that semantic versions (v1.2.0) can be given.
      if (version != null && !version.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,62}")) {
        throw new IllegalArgumentException("version '" + version + "' must be 1 to 63 letters, digits, '.', '_' or '-'");
      }
      return new OodaService(this);
    }
  }

  private final Kit kit;
  private final Server server;
  private final SettableHealthChecker health = new SettableHealthChecker(true);
  private final ScheduledExecutorService timer;
  private final Registrar registrar;
  private final Instance instance;
  private final Duration drainDelay;
  private final AccessGate gate;
  private volatile boolean closed;

  private OodaService(Builder b) {
    this.kit = b.kit;
    this.drainDelay = b.drainDelay;
    this.gate = kit.accessGate();
    ServerBuilder sb = Server.builder()
        .http(new InetSocketAddress(b.host, b.port))
        .meterRegistry(kit.meters())
        .requestTimeout(b.requestTimeout)
        .maxRequestLength(b.maxRequestBytes)
        .errorHandler(ServiceErrors.INSTANCE)
        // Clients have been told to go elsewhere before this starts (drainDelay): new requests are
        // few; those in flight get up to shutdownTimeout.
        .gracefulShutdownTimeout(Duration.ofMillis(100), b.shutdownTimeout)
        .connectionDrainDuration(Duration.ZERO)
        .service(HEALTH_PATH, HealthCheckService.builder().checkers(health)
            .healthyResponse(AggregatedHttpResponse.of(HttpStatus.valueOf(Health.UP.httpStatus()), MediaType.JSON_UTF_8,
                ResourceCodec.toJsonBytes(Health.UP)))
            .unhealthyResponse(AggregatedHttpResponse.of(HttpStatus.valueOf(Health.DRAINING.httpStatus()), MediaType.JSON_UTF_8,
                ResourceCodec.toJsonBytes(Health.DRAINING)))
            .build())
        .service(METRICS_PATH, metrics(kit, gate));
    if (b.openapi != null) {
      byte[] doc = b.openapi.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      sb.service(OPENAPI_PATH, (ctx, req) -> HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8, doc));
    }
    b.routes.forEach(r -> r.accept(sb));
    String service = kit.service();
    // Decorators run outermost last: metrics, then the server span, then the deadline, then the
    // access log (which reads the span), then the access check.
    sb.decorator(gate)
        .decorator(new dev.ooda.kit.flags.RequestCells(kit::events))
        .decorator(new AccessLog(service, this::instanceName, kit.tracing(), b.accessLog))
        .decorator(Deadlines.SERVER)
        .decorator(BraveService.newDecorator(kit.httpTracing()))
        .decorator(MetricCollectingService.newDecorator(MeterIdPrefixFunction.ofDefault("ooda.server")
            .andThen((registry, rlog, id) -> {
              ServiceRequestContext ctx = (ServiceRequestContext) rlog.context();
              String caller = AccessGate.caller(ctx, rlog.requestHeaders());
              return id.withTags("route", ctx.config().route().patternString(),
                  "caller", caller == null ? "" : Names.isValid(caller) ? caller : "invalid");
            })));
    server = sb.build();
    server.start().join();
    int port = server.activeLocalPort();
    instance = new Instance(null, service, b.version, advertised(b.host), port, kit.zone(), Instance.Status.UP,
        b.metadata, HEALTH_PATH, System.currentTimeMillis(), false);
    timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "ooda-registrar-" + service);
      t.setDaemon(true);
      return t;
    });
    Registration registration = kit.registration();
    registrar = registration == null ? null : new Registrar(registration, instance, b.openapi, timer);
    if (registrar != null) {
      try {
        registrar.start();
      } catch (RuntimeException refused) {
        // The contract was refused: this version must not serve beside the ones it would break.
        timer.shutdownNow();
        server.stop().join();
        throw refused;
      }
    }
    if (b.closeOnJvmShutdown) Runtime.getRuntime().addShutdownHook(new Thread(this::close, "ooda-drain-" + service));
    log.info("{} {} serving on {}", service, b.version, instance.authority());
  }

  /** The kit's meters, and the access decisions ({@code ooda_access_decisions_total}) after them. */
  private static HttpService metrics(Kit kit, AccessGate gate) {
    HttpService prometheus = PrometheusExpositionService.of(kit.meters().getPrometheusRegistry());
    return (ctx, req) -> HttpResponse.of(prometheus.serve(ctx, req).aggregate().thenApply(res -> {
      String decisions = gate.decisions().counts().isEmpty() ? "" : gate.decisions().prometheus();
      if (decisions.isEmpty() || res.status().isError()) return res.toHttpResponse();
      return HttpResponse.of(res.headers(), HttpData.ofUtf8(res.contentUtf8() + decisions));
    }));
  }

  /** The access mode this service is in now: {@code enforce}, {@code audit} or {@code off}. */
  public String accessMode() {
    return gate.mode();
  }

  /** Decisions of the access check so far, by outcome ({@code allow}, {@code deny}, {@code would-deny}). */
  public Map<String, Long> accessDecisions() {
    return gate.decisions().counts().getOrDefault(kit.service(), Map.of());
  }

  /** Health checks and scrapes: not logged, traced or checked. */
  static boolean isInternal(ServiceRequestContext ctx) {
    String path = ctx.path();
    return path.equals(HEALTH_PATH) || path.equals(METRICS_PATH) || path.equals(OPENAPI_PATH);
  }

  private static String advertised(String host) {
    if (!host.equals("0.0.0.0") && !host.equals("::")) return host;
    try {
      return InetAddress.getLocalHost().getHostAddress();
    } catch (UnknownHostException e) {
      return "127.0.0.1";
    }
  }

  /** The bound port. */
  public int port() {
    return server.activeLocalPort();
  }

  /**
   * What the control plane made of this version's OpenAPI document ({@code outcome}, {@code changes},
   * {@code breaking}), or null without a document or while not registered.
   */
  public com.fasterxml.jackson.databind.JsonNode contract() {
    return registrar == null ? null : registrar.contract();
  }

  /** The id the registry issued, or null while not registered (or without a registry). */
  public String instanceId() {
    return registrar == null ? null : registrar.instanceId();
  }

  /** This instance as it registers (without the id). */
  public Instance instance() {
    return instance;
  }

  private String instanceName() {
    String id = instanceId();
    return id != null ? id : instance.authority();
  }

  /** Stops at once, neither draining nor deregistering, as a process that dies would. For tests. */
  void halt() {
    synchronized (this) {
      if (closed) return;
      closed = true;
    }
    timer.shutdownNow();
    ServerStop.await(server.stop(), () -> server.activePorts().isEmpty() && server.numConnections() == 0);
  }

  /**
   * Drains and stops: marks the instance draining in the registry and unhealthy, keeps serving for
   * the drain delay while clients learn of it, stops accepting and finishes the requests in flight,
   * then deregisters.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) return;
      closed = true;
    }
    health.setHealthy(false);
    if (registrar != null) {
      registrar.drain();
      try {
        Thread.sleep(drainDelay.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    ServerStop.await(server.stop(), () -> server.activePorts().isEmpty() && server.numConnections() == 0);
    if (registrar != null) registrar.stop();
    timer.shutdownNow();
    log.info("{} at {} stopped", kit.service(), instance.authority());
  }
}
