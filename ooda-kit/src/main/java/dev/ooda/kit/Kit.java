package dev.ooda.kit;

import brave.Tracing;
import brave.handler.SpanHandler;
import brave.http.HttpRequestMatchers;
import brave.http.HttpRuleSampler;
import brave.http.HttpTracing;
import brave.sampler.Sampler;
import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.common.brave.RequestContextCurrentTraceContext;
import com.linecorp.armeria.common.prometheus.PrometheusMeterRegistries;
import dev.ooda.access.DecisionLog;
import dev.ooda.access.KeySource;
import dev.ooda.access.RemoteKeySource;
import dev.ooda.access.TokenVerifier;
import dev.ooda.control.client.ResourceCache;
import dev.ooda.control.client.ResourceWatch;
import dev.ooda.control.client.ServiceCredentials;
import dev.ooda.control.client.TokenSource;
import dev.ooda.model.Kinds;
import dev.ooda.model.Names;
import dev.ooda.model.SpanApi;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import zipkin2.reporter.brave.AsyncZipkinSpanHandler;
import zipkin2.reporter.urlconnection.URLConnectionSender;

/**
 * What one process needs to take part in ooda, opened once and shared: its own service name (sent
 * as the caller of every call), its zone, where instances are found and registered, the tracer
 * that reports spans to the collector, the Prometheus registry, and the connection pools.
 *
 * <pre>{@code
 * try (Kit kit = Kit.builder("checkout").controlPlane("http://127.0.0.1:9900")
 *     .zookeeper("127.0.0.1:2181").zipkin("http://127.0.0.1:9411").start()) {
 *   OodaClient catalog = kit.client("catalog");
 *   Item item = catalog.get("/items/{id}", 42).as(Item.class);
 * }
 * }</pre>
 */
public final class Kit implements AutoCloseable {

  /** Starts configuring the kit of the process whose service is {@code service}. */
  public static Builder builder(String service) {
    return new Builder(service);
  }

  /** How a process joins ooda. Every option but the service name is optional. */
  public static final class Builder {
    private final String service;
    private String zone;
    private String controlPlane;
    private String zookeeper;
    private String zipkin;
    private float sampleRate = 1f;
    private Discovery discovery;
    private Registration registration;
    private ServiceCredentials credentials;
    private TokenSource tokens;
    private KeySource keys;
    private Map<String, String> environment = System.getenv();

    private Builder(String service) {
      String p = Names.problem(service);
      if (p != null) throw new IllegalArgumentException("service name " + p);
      this.service = service;
    }

    /** Where this process runs; calls prefer instances in the same zone. None by default. */
    public Builder zone(String zone) {
      this.zone = zone;
      return this;
    }

    /**
     * Control nodes' base URLs, comma-separated (e.g. {@code http://127.0.0.1:9900}): instances
     * register there unless {@link #registration} is set.
     */
    public Builder controlPlane(String urls) {
      this.controlPlane = urls;
      return this;
    }

    /**
     * ZooKeeper connect string (e.g. {@code 127.0.0.1:2181}): other services' instances are
     * watched there unless {@link #discovery} is set.
     */
    public Builder zookeeper(String connectString) {
      this.zookeeper = connectString;
      return this;
    }

    /**
     * The span collector (base URL or its {@code /api/v2/spans} URL). Without one no spans are
     * reported, though trace context is still propagated.
     */
    public Builder zipkin(String url) {
      this.zipkin = url;
      return this;
    }

    /** Share of new traces that are recorded, 0..1; default 1. */
    public Builder sampleRate(float rate) {
      if (rate < 0 || rate > 1) throw new IllegalArgumentException("sampleRate must be 0..1: " + rate);
      this.sampleRate = rate;
      return this;
    }

    /** Where other services' instances come from, instead of {@link #zookeeper}. */
    public Builder discovery(Discovery discovery) {
      this.discovery = discovery;
      return this;
    }

    /** Where this process's instances register, instead of {@link #controlPlane}. */
    public Builder registration(Registration registration) {
      this.registration = registration;
      return this;
    }

    /**
     * The service's credential: every call to a service X then carries a token for X in
     * {@code ooda-token}, and instances register with the service's token. Without it, the
     * credential the environment names is used ({@code OODA_CREDENTIALS}, or
     * {@code OODA_CLIENT_ID} + {@code OODA_CLIENT_SECRET}); without either, calls carry no token.
     */
    public Builder credentials(ServiceCredentials c) {
      if (!c.service().equals(service)) {
        throw new IllegalArgumentException("credential " + c.clientId() + " is service '" + c.service()
            + "''s, not '" + service + "''s");
      }
      this.credentials = c;
      return this;
    }

    /**
     * Where this process's own tokens come from, instead of {@link #credentials}: e.g. the control
     * plane's issuer, for a role in the control plane's JVM.
     */
    public Builder tokens(TokenSource tokens) {
      if (!tokens.service().equals(service)) {
        throw new IllegalArgumentException("the token source is service '" + tokens.service() + "''s, not '" + service + "''s");
      }
      this.tokens = tokens;
      return this;
    }

    /**
     * Where the server checks callers' tokens against, instead of the control plane's published
     * keys ({@code GET /oauth/jwks} at {@link #controlPlane}, or at the credential's token URL).
     */
    public Builder keys(KeySource keys) {
      this.keys = keys;
      return this;
    }

    /** The environment credentials are looked up in; the process's by default. For tests. */
    Builder environment(Map<String, String> env) {
      this.environment = env;
      return this;
    }

    /** Discovery and registration from one registry, e.g. an {@link InMemoryRegistry}. */
    public <R extends Discovery & Registration> Builder registry(R registry) {
      return discovery(registry).registration(registry);
    }

    /** Opens the kit: connects to ZooKeeper when discovery is there, and starts the tracer. */
    public Kit start() {
      return new Kit(this);
    }
  }

  private final String service;
  private final String zone;
  private final Tracing tracing;
  private final HttpTracing httpTracing;
  private final AsyncZipkinSpanHandler spans;
  private final URLConnectionSender sender;
  private final PrometheusMeterRegistry meters = PrometheusMeterRegistries.newRegistry();
  private final ClientFactory clientFactory;
  private final Map<String, OodaClient> clients = new ConcurrentHashMap<>();
  private final List<AutoCloseable> owned = new ArrayList<>();
  private final Discovery discovery;
  private final Registration registration;
  /** This process's tokens, one per called service; null when it has no credential. */
  private final TokenSource tokens;
  /** The control plane's published keys, for the server's checks; null when no control plane is known. */
  private final KeySource keys;
  private final List<URI> controlNodes;
  private final ZooKeeperDiscovery zookeeper;
  private volatile OodaClient dataClient;
  private AccessGate accessGate;
  private volatile dev.ooda.kit.flags.OodaFlags flags;
  private volatile dev.ooda.kit.flags.OodaEvents events;

  private Kit(Builder o) {
    this.service = o.service;
    this.zone = o.zone;
    this.controlNodes = o.controlPlane == null ? List.of() : Arrays.stream(o.controlPlane.split(","))
        .map(String::trim).filter(x -> !x.isEmpty()).map(URI::create).toList();
    ServiceCredentials credentials = o.credentials;
    if (credentials == null && o.tokens == null) {
      credentials = ServiceCredentials.fromEnvironment(o.environment).orElse(null);
      if (credentials != null && !credentials.service().equals(service)) {
        throw new IllegalArgumentException("the environment's credential " + credentials.clientId() + " is service '"
            + credentials.service() + "''s, not '" + service + "''s");
      }
    }
    if (o.tokens != null) {
      tokens = o.tokens;
    } else if (credentials != null) {
      tokens = TokenSource.forCredentials(credentials);
      owned.add(tokens);
    } else {
      tokens = null;
    }
    if (o.keys != null) {
      keys = o.keys;
    } else if (!controlNodes.isEmpty()) {
      keys = new RemoteKeySource(controlNodes.get(0));
    } else if (credentials != null) {
      keys = new RemoteKeySource(controlOf(credentials.tokenUrl()));
    } else {
      keys = null;
    }
    if (o.discovery != null) {
      discovery = o.discovery;
      zookeeper = null;
    } else if (o.zookeeper != null) {
      zookeeper = ZooKeeperDiscovery.connect(o.zookeeper);
      owned.add(zookeeper);
      discovery = zookeeper;
    } else {
      discovery = null;
      zookeeper = null;
    }
    if (o.registration != null) {
      registration = o.registration;
    } else if (!controlNodes.isEmpty()) {
      registration = new ControlPlaneRegistration(controlNodes, tokens);
    } else {
      registration = null;
    }
    if (o.zipkin != null) {
      sender = URLConnectionSender.create(SpanApi.spansUrl(o.zipkin));
      spans = AsyncZipkinSpanHandler.create(sender);
    } else {
      sender = null;
      spans = null;
    }
    Tracing.Builder tb = Tracing.newBuilder()
        .localServiceName(o.service)
        .currentTraceContext(RequestContextCurrentTraceContext.ofDefault())
        .propagationFactory(W3cPropagation.FACTORY)
        .traceId128Bit(true)
        .supportsJoin(false)
        .sampler(Sampler.create(o.sampleRate));
    // Without a collector, spans are still made (their ids reach logs and callees) but dropped.
    tb.addSpanHandler(spans != null ? spans : new SpanHandler() {});
    tracing = tb.build();
    httpTracing = HttpTracing.newBuilder(tracing)
        // health checks and scrapes would drown the traces that matter
        .serverSampler(HttpRuleSampler.newBuilder()
            .putRule(HttpRequestMatchers.pathStartsWith(OodaService.HEALTH_PATH), Sampler.NEVER_SAMPLE)
            .putRule(HttpRequestMatchers.pathStartsWith(OodaService.METRICS_PATH), Sampler.NEVER_SAMPLE)
            .build())
        .build();
    clientFactory = ClientFactory.builder().meterRegistry(meters).build();
  }

  /** Closes {@code c} with this kit, e.g. a registry that the kit was built with. */
  public synchronized Kit closeWith(AutoCloseable c) {
    owned.add(c);
    return this;
  }

  /** This process's service name, sent as the caller of every call. */
  public String service() {
    return service;
  }

  /** Where this process runs, or null. */
  public String zone() {
    return zone;
  }

  /** The client of {@code service} with default options, made on first use and kept. */
  public OodaClient client(String service) {
    OodaClient c = clients.get(service);
    return c != null ? c : clients.computeIfAbsent(service, s -> new OodaClient(this, s, OodaClient.Options.DEFAULT));
  }

  /** A new client of {@code service} with its own options; closed with the kit. */
  public OodaClient client(String service, OodaClient.Options options) {
    OodaClient c = new OodaClient(this, service, options);
    closeWith(c);
    return c;
  }

  /**
   * Namespace {@code namespace} of the data service (the service {@code data}), through one
   * client of it with the JSON codec, made on first use and shared by every namespace.
   */
  public dev.ooda.kit.data.OodaData data(String namespace) {
    OodaClient c = dataClient;
    if (c == null) {
      synchronized (this) {
        if (dataClient == null) dataClient = client(dev.ooda.kit.data.OodaData.SERVICE, OodaClient.Options.DEFAULT.withCodec(Codec.JSON));
        c = dataClient;
      }
    }
    return dev.ooda.kit.data.OodaData.of(c, namespace);
  }

  /** This process's own tokens, or null when it has no credential. */
  public TokenSource tokens() {
    return tokens;
  }

  /**
   * The access stage of this process's server, made on first use: it follows the service's own
   * Service resource (through ZooKeeper when the kit has it, else the control plane's change
   * watch) and waits up to {@link #FIRST_GROUP_WAIT_SECONDS} for the first copy, so that the first
   * request is already checked.
   */
  synchronized AccessGate accessGate() {
    if (accessGate != null) return accessGate;
    TokenVerifier verifier = keys == null ? null : new TokenVerifier(service, keys);
    if (keys instanceof RemoteKeySource remote) {
      // Fetched here and kept fresh in the background, so that a check on an event loop finds the
      // keys at hand instead of fetching them there (the fetch is rate-limited; a failure keeps the last keys).
      remote.keys();
      java.util.concurrent.ScheduledExecutorService refresher = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ooda-keys-" + service);
        t.setDaemon(true);
        return t;
      });
      refresher.scheduleWithFixedDelay(() -> remote.refreshForUnknownKey(null), KEY_REFRESH_SECONDS, KEY_REFRESH_SECONDS, TimeUnit.SECONDS);
      owned.add(refresher::shutdownNow);
    }
    AccessGate gate = new AccessGate(service, verifier, new DecisionLog(service), tracing.tracer());
    boolean ready = true;
    try {
      if (zookeeper != null) {
        ResourceCache c = ResourceCache.open(zookeeper.zookeeper(), Kinds.SERVICE, s -> gate.services(s.values()));
        owned.add(c);
        ready = c.awaitReady(FIRST_GROUP_WAIT_SECONDS, TimeUnit.SECONDS);
      } else if (!controlNodes.isEmpty()) {
        ResourceWatch w = ResourceWatch.open(controlNodes.get(0), Kinds.SERVICE, s -> gate.services(s.values()));
        owned.add(w);
        ready = w.awaitReady(FIRST_GROUP_WAIT_SECONDS, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!ready) {
      org.slf4j.LoggerFactory.getLogger(Kit.class).warn("{}: the service's group did not arrive within {} s;"
          + " calls are let through unchecked until it does", service, FIRST_GROUP_WAIT_SECONDS);
    }
    accessGate = gate;
    return gate;
  }

  /** How often a server fetches the control plane's keys: well within their usual max-age of 60 s. */
  static final int KEY_REFRESH_SECONDS = 20;

  /** How long a starting server waits for its group before it serves. */
  static final int FIRST_GROUP_WAIT_SECONDS = 5;

  /** The control plane's base URL from its token endpoint's. */
  private static URI controlOf(URI tokenUrl) {
    String s = tokenUrl.toString();
    return URI.create(s.endsWith("/oauth/token") ? s.substring(0, s.length() - "/oauth/token".length()) : s);
  }

  /**
   * Feature flags, evaluated in this process from the set that the control plane pushes (followed
   * from first use; see docs/flags.md). Needs {@link Builder#controlPlane}.
   */
  public dev.ooda.kit.flags.OodaFlags flags() {
    dev.ooda.kit.flags.OodaFlags f = flags;
    if (f != null) return f;
    synchronized (this) {
      if (flags == null) {
        if (controlNodes.isEmpty()) throw new IllegalStateException("no control plane configured: set Kit.Builder.controlPlane to follow flags");
        flags = dev.ooda.kit.flags.OodaFlags.follow(controlNodes, tracing, meters, events());
        owned.add(flags);
      }
      return flags;
    }
  }

  /**
   * Experiment exposures (reported by {@link #flags()} on its own) and business events
   * ({@code kit.events().track(userId, "conversion")}), batched to the control plane in the
   * background; see docs/flags.md, "Experiments". Needs {@link Builder#controlPlane}.
   */
  public dev.ooda.kit.flags.OodaEvents events() {
    dev.ooda.kit.flags.OodaEvents e = events;
    if (e != null) return e;
    synchronized (this) {
      if (events == null) {
        if (controlNodes.isEmpty()) throw new IllegalStateException("no control plane configured: set Kit.Builder.controlPlane to send events");
        events = new dev.ooda.kit.flags.OodaEvents(controlNodes);
        owned.add(events);
      }
      return events;
    }
  }

  /** Starts building the server of this process's service, version {@code version}. */
  public OodaService.Builder server(String version) {
    return OodaService.builder(this, version);
  }

  public Tracing tracing() {
    return tracing;
  }

  HttpTracing httpTracing() {
    return httpTracing;
  }

  public PrometheusMeterRegistry meters() {
    return meters;
  }

  /**
   * The Armeria client factory (event loops, connection pools) that every {@link OodaClient} of
   * this kit uses, for other clients of the process to share.
   */
  public ClientFactory clientFactory() {
    return clientFactory;
  }

  Discovery discovery() {
    if (discovery == null) {
      throw new IllegalStateException("no discovery configured: set Kit.Builder.zookeeper (or discovery)");
    }
    return discovery;
  }

  Registration registration() {
    return registration;
  }

  /** Sends the spans that are still queued; spans are otherwise sent about once a second. */
  public void flushSpans() {
    if (spans != null) spans.flush();
  }

  @Override
  public void close() {
    clients.values().forEach(OodaClient::close);
    List<AutoCloseable> toClose;
    synchronized (this) {
      toClose = new ArrayList<>(owned);
    }
    for (int i = toClose.size() - 1; i >= 0; i--) {
      try {
        toClose.get(i).close();
      } catch (Exception e) {
        org.slf4j.LoggerFactory.getLogger(Kit.class).warn("closing {} failed", toClose.get(i), e);
      }
    }
    clientFactory.close();
    tracing.close();
    if (spans != null) {
      spans.flush();
      spans.close();
      sender.close();
    }
    meters.close();
  }
}
