package dev.ooda.trace;

import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.metric.MeterIdPrefixFunction;
import com.linecorp.armeria.common.prometheus.PrometheusMeterRegistries;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.cors.CorsService;
import com.linecorp.armeria.server.healthcheck.HealthCheckService;
import com.linecorp.armeria.server.metric.MetricCollectingService;
import com.linecorp.armeria.server.prometheus.PrometheusExpositionService;
import dev.ooda.model.Health;
import dev.ooda.model.ResourceCodec;
import dev.ooda.model.ServerStop;
import dev.ooda.model.SpanApi;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The trace role: a Zipkin-compatible span collector and query API, ooda's per-service views and
 * Prometheus metrics, on one port.
 *
 * <pre>{@code
 * try (TraceServer server = new TraceServer(TraceOptions.builder().port(0).build()).start()) {
 *   int port = server.port();
 * }
 * }</pre>
 */
public final class TraceServer implements AutoCloseable {
  private final TraceOptions options;
  private final TraceStore store;
  private final PrometheusMeterRegistry registry = PrometheusMeterRegistries.newRegistry();
  private final Forwarder forwarder;
  private final Server server;

  public TraceServer(TraceOptions options) {
    this.options = options;
    store = switch (options.storage()) {
      case MEMORY -> new BoundedSpanStore(options.maxSpans(), options.maxBytes(), options.autocompleteKeys());
      case CASSANDRA -> new CassandraTraceStore(options);
    };
    TraceMetrics metrics = new TraceMetrics(registry, store);
    new JvmMemoryMetrics().bindTo(registry);
    forwarder = options.forwardUrl() == null ? null : new Forwarder(options.forwardUrl(), metrics.forwardDropped);
    server = Server.builder()
        .http(options.port())
        .meterRegistry(registry)
        .maxRequestLength(options.maxRequestBytes())
        .errorHandler(new Problems())
        .gracefulShutdownTimeout(Duration.ZERO, Duration.ofSeconds(1))
        .route().post(SpanApi.SPANS).build(new SpanIngest(store, forwarder, metrics, options.maxRequestBytes()))
        .annotatedService(new ZipkinQueryApi(store, options.autocompleteKeys()))
        .annotatedService(new ServiceViewApi(new ServiceViews(store)))
        .service("/metrics", PrometheusExpositionService.of(registry.getPrometheusRegistry()))
        // DRAINING once the server is stopping
        .service(Health.PATH, HealthCheckService.builder()
            .healthyResponse(AggregatedHttpResponse.of(HttpStatus.valueOf(Health.UP.httpStatus()), MediaType.JSON_UTF_8,
                ResourceCodec.toJsonBytes(Health.UP)))
            .unhealthyResponse(AggregatedHttpResponse.of(HttpStatus.valueOf(Health.DRAINING.httpStatus()), MediaType.JSON_UTF_8,
                ResourceCodec.toJsonBytes(Health.DRAINING)))
            .build())
        // browsers (the ooda console, Zipkin's UI) read this API from other origins, as Zipkin allows
        .decorator(CorsService.builderForAnyOrigin()
            .allowRequestMethods(HttpMethod.GET, HttpMethod.POST)
            .allowRequestHeaders("content-type", "content-encoding")
            .newDecorator())
        // RED per service and method: counts, sums and maxima. Client-side percentiles cost more
        // per request than decoding a batch's spans; latency percentiles of the traced services
        // come from the spans themselves.
        .decorator(MetricCollectingService.builder(MeterIdPrefixFunction.ofDefault("ooda.trace.http"))
            .distributionStatisticConfig(DistributionStatisticConfig.builder()
                .percentiles(new double[0]).percentilesHistogram(false).build())
            .newDecorator())
        .build();
  }

  /** Binds the port and serves; returns this. When it cannot, it lets go of the storage and throws. */
  public TraceServer start() {
    try {
      server.start().join();
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
    return this;
  }

  /** The bound port of the HTTP API; only valid after {@link #start()}. */
  public int port() {
    return server.activeLocalPort();
  }

  public TraceOptions options() {
    return options;
  }

  /** Spans stored now, with in-memory storage. */
  public int spanCount() {
    return memory().spanCount();
  }

  /** Bytes of the spans stored now, with in-memory storage: their encodings and index entries. */
  public long byteCount() {
    return memory().byteCount();
  }

  private BoundedSpanStore memory() {
    if (store instanceof BoundedSpanStore memory) return memory;
    throw new IllegalStateException("spans are counted with memory storage only; this server keeps them in "
        + options.storage());
  }

  /** Stops serving, then sends what is queued for the forward server. */
  @Override
  public void close() {
    ServerStop.await(server.stop(), () -> server.activePorts().isEmpty() && server.numConnections() == 0);
    if (forwarder != null) forwarder.close();
    store.close();
    registry.close();
  }

  /**
   * Runs the trace role alone: {@code --port N --max-spans N --max-bytes N --max-request-bytes N
   * --forward URL --autocomplete-keys a,b --storage memory|cassandra --contact-points HOST:PORT,..
   * --local-dc DC --keyspace NAME}. The {@code ooda} command wraps the same options.
   */
  public static void main(String[] args) throws InterruptedException {
    TraceOptions.Builder options = TraceOptions.builder();
    List<String> list = new ArrayList<>(Arrays.asList(args));
    for (int i = 0; i < list.size(); i += 2) {
      String flag = list.get(i);
      if (i + 1 >= list.size()) throw new IllegalArgumentException(flag + " needs a value");
      String value = list.get(i + 1);
      switch (flag) {
        case "--port" -> options.port(Integer.parseInt(value));
        case "--max-spans" -> options.maxSpans(Integer.parseInt(value));
        case "--max-bytes" -> options.maxBytes(Long.parseLong(value));
        case "--max-request-bytes" -> options.maxRequestBytes(Integer.parseInt(value));
        case "--forward" -> options.forwardUrl(value);
        case "--autocomplete-keys" -> options.autocompleteKeys(List.of(value.split(",")));
        case "--storage" -> options.storage(TraceOptions.Storage.parse(value));
        case "--contact-points" -> options.contactPoints(value);
        case "--local-dc" -> options.localDc(value);
        case "--keyspace" -> options.keyspace(value);
        default -> throw new IllegalArgumentException("unknown option " + flag);
      }
    }
    TraceServer server = new TraceServer(options.build()).start();
    Runtime.getRuntime().addShutdownHook(new Thread(server::close));
    System.out.println("ooda trace listening on port " + server.port());
    Thread.currentThread().join();
  }
}
