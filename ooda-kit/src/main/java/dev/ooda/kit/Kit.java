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
import dev.ooda.model.Names;
import dev.ooda.model.SpanApi;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
  private volatile OodaClient dataClient;
  private final List<java.net.URI> controlNodes;
  private volatile dev.ooda.kit.flags.OodaFlags flags;

  private Kit(Builder o) {
    this.service = o.service;
    this.zone = o.zone;
    if (o.discovery != null) {
      discovery = o.discovery;
    } else if (o.zookeeper != null) {
      ZooKeeperDiscovery zk = ZooKeeperDiscovery.connect(o.zookeeper);
      owned.add(zk);
      discovery = zk;
    } else {
      discovery = null;
    }
    controlNodes = o.controlPlane == null ? List.of() : java.util.Arrays.stream(o.controlPlane.split(","))
        .map(String::trim).filter(x -> !x.isEmpty()).map(java.net.URI::create).toList();
    if (o.registration != null) {
      registration = o.registration;
    } else if (o.controlPlane != null) {
      registration = new ControlPlaneRegistration(java.util.Arrays.stream(o.controlPlane.split(","))
          .map(String::trim).filter(x -> !x.isEmpty()).map(java.net.URI::create).toList());
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
        flags = dev.ooda.kit.flags.OodaFlags.follow(controlNodes, tracing, meters);
        owned.add(flags);
      }
      return flags;
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
