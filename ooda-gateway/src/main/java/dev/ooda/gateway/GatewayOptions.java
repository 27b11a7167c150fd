package dev.ooda.gateway;

import dev.ooda.gateway.resilience.OriginLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How a gateway runs: immutable, built with {@link #builder()}; every option and its default is
 * documented on the builder's method of the same name.
 *
 * <pre>
 * GatewayOptions o = GatewayOptions.builder()
 *     .port(8080)
 *     .snapshotFile(Path.of(".ooda/gateway-snapshot.json"))
 *     .zipkinUrl("http://127.0.0.1:9411")
 *     .build();
 * </pre>
 */
public final class GatewayOptions {
  public static final String DEFAULT_HOST = "0.0.0.0";
  public static final int DEFAULT_PORT = 8080;
  public static final int DEFAULT_MANAGEMENT_PORT = 8081;
  public static final int DEFAULT_MAX_HEADER_SIZE = 16 * 1024;
  public static final long DEFAULT_MAX_BODY_SIZE = 16L << 20;
  public static final Duration DEFAULT_REQUEST_HEAD_TIMEOUT = Duration.ofSeconds(30);
  public static final Duration DEFAULT_CLIENT_IDLE_TIMEOUT = Duration.ofSeconds(60);
  public static final int DEFAULT_TRACES_PER_SECOND = 10;

  private final String host;
  private final int port;
  private final int managementPort;
  private final OriginLimits limits;
  private final boolean accessLog;
  private final Path snapshotFile;
  private final String zipkinUrl;
  private final int ioThreads;
  private final int maxHeaderSize;
  private final long maxBodySize;
  private final boolean h2c;
  private final TlsOptions tls;
  private final Duration requestHeadTimeout;
  private final Duration clientIdleTimeout;
  private final int tracesPerSecond;
  private final Duration coldStartHold;

  private GatewayOptions(Builder b) {
    this.host = b.host;
    this.port = b.port;
    this.managementPort = b.managementPort;
    this.limits = b.limits;
    this.accessLog = b.accessLog;
    this.snapshotFile = b.snapshotFile;
    this.zipkinUrl = b.zipkinUrl;
    this.ioThreads = b.ioThreads;
    this.maxHeaderSize = b.maxHeaderSize;
    this.maxBodySize = b.maxBodySize;
    this.h2c = b.h2c;
    this.tls = b.tls;
    this.requestHeadTimeout = b.requestHeadTimeout;
    this.clientIdleTimeout = b.clientIdleTimeout;
    this.tracesPerSecond = b.tracesPerSecond;
    this.coldStartHold = b.coldStartHold;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Every option at its default. */
  public static GatewayOptions defaults() {
    return builder().build();
  }

  /** The defaults with both ports picked free on 127.0.0.1: for tests and embedding. */
  public static GatewayOptions ephemeral() {
    return builder().ephemeral().build();
  }

  /** A builder holding these options, to change some of them. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.host = host;
    b.port = port;
    b.managementPort = managementPort;
    b.limits = limits;
    b.accessLog = accessLog;
    b.snapshotFile = snapshotFile;
    b.zipkinUrl = zipkinUrl;
    b.ioThreads = ioThreads;
    b.maxHeaderSize = maxHeaderSize;
    b.maxBodySize = maxBodySize;
    b.h2c = h2c;
    b.tls = tls;
    b.requestHeadTimeout = requestHeadTimeout;
    b.clientIdleTimeout = clientIdleTimeout;
    b.tracesPerSecond = tracesPerSecond;
    b.coldStartHold = coldStartHold;
    return b;
  }

  /** See {@link Builder#host}. */
  public String host() {
    return host;
  }

  /** See {@link Builder#port}. */
  public int port() {
    return port;
  }

  /** See {@link Builder#managementPort}. */
  public int managementPort() {
    return managementPort;
  }

  /** See {@link Builder#limits}. */
  public OriginLimits limits() {
    return limits;
  }

  /** See {@link Builder#accessLog}. */
  public boolean accessLog() {
    return accessLog;
  }

  /** See {@link Builder#snapshotFile}; null for none. */
  public Path snapshotFile() {
    return snapshotFile;
  }

  /** See {@link Builder#zipkinUrl}; null for none. */
  public String zipkinUrl() {
    return zipkinUrl;
  }

  /** See {@link Builder#ioThreads}. */
  public int ioThreads() {
    return ioThreads;
  }

  /** See {@link Builder#maxHeaderSize}. */
  public int maxHeaderSize() {
    return maxHeaderSize;
  }

  /** See {@link Builder#maxBodySize}. */
  public long maxBodySize() {
    return maxBodySize;
  }

  /** See {@link Builder#h2c}. */
  public boolean h2c() {
    return h2c;
  }

  /** See {@link Builder#tls}; null for none. */
  public TlsOptions tls() {
    return tls;
  }

  /** See {@link Builder#requestHeadTimeout}. */
  public Duration requestHeadTimeout() {
    return requestHeadTimeout;
  }

  /** See {@link Builder#clientIdleTimeout}. */
  public Duration clientIdleTimeout() {
    return clientIdleTimeout;
  }

  /** See {@link Builder#tracesPerSecond}. */
  public int tracesPerSecond() {
    return tracesPerSecond;
  }

  /** See {@link Builder#coldStartHold}. */
  public Duration coldStartHold() {
    return coldStartHold;
  }

  @Override
  public String toString() {
    return "GatewayOptions{host=" + host + ", port=" + port + ", managementPort=" + managementPort + ", limits=" + limits
        + ", accessLog=" + accessLog + ", snapshotFile=" + snapshotFile + ", zipkinUrl=" + zipkinUrl + ", ioThreads=" + ioThreads
        + ", maxHeaderSize=" + maxHeaderSize + ", maxBodySize=" + maxBodySize + ", h2c=" + h2c + ", tls=" + tls
        + ", requestHeadTimeout=" + requestHeadTimeout + ", clientIdleTimeout=" + clientIdleTimeout
        + ", tracesPerSecond=" + tracesPerSecond + ", coldStartHold=" + coldStartHold + "}";
  }

  /** Builds {@link GatewayOptions}; each method documents its option and default. Not thread-safe. */
  public static final class Builder {
    private String host = DEFAULT_HOST;
    private Duration coldStartHold = dev.ooda.gateway.proxy.ColdStarts.DEFAULT_HOLD;
    private int port = DEFAULT_PORT;
    private int managementPort = DEFAULT_MANAGEMENT_PORT;
    private OriginLimits limits = OriginLimits.DEFAULT;
    private boolean accessLog = true;
    private Path snapshotFile;
    private String zipkinUrl;
    private int ioThreads;
    private int maxHeaderSize = DEFAULT_MAX_HEADER_SIZE;
    private long maxBodySize = DEFAULT_MAX_BODY_SIZE;
    private boolean h2c = true;
    private TlsOptions tls;
    private Duration requestHeadTimeout = DEFAULT_REQUEST_HEAD_TIMEOUT;
    private Duration clientIdleTimeout = DEFAULT_CLIENT_IDLE_TIMEOUT;
    private int tracesPerSecond = DEFAULT_TRACES_PER_SECOND;

    private Builder() {}

    /** The address both ports bind to. Default {@code 0.0.0.0}. */
    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    /** The proxy port; 0 picks a free one. Default 8080. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** The management port (/metrics, /health, /routes); 0 picks a free one. Default 8081. */
    public Builder managementPort(int managementPort) {
      this.managementPort = managementPort;
      return this;
    }

    /** Both ports picked free, bound to 127.0.0.1: for tests and embedding. */
    public Builder ephemeral() {
      return host("127.0.0.1").port(0).managementPort(0);
    }

    /** Per-origin and gateway-wide limits, outlier ejection included. Default {@link OriginLimits#DEFAULT}. */
    public Builder limits(OriginLimits limits) {
      this.limits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    /** One JSON line per request on the SLF4J logger {@code ooda.access}. Default on. */
    public Builder accessLog(boolean accessLog) {
      this.accessLog = accessLog;
      return this;
    }

    /**
     * Where the last routes and instances pushed are kept, so that a restarted gateway serves them
     * before the control plane is reachable; null for none. Default none.
     */
    public Builder snapshotFile(Path snapshotFile) {
      this.snapshotFile = snapshotFile;
      return this;
    }

    /**
     * The Zipkin v2 collector spans go to, e.g. {@code http://127.0.0.1:9411} (a URL without a path
     * gets {@code /api/v2/spans}); null reports no spans. Default none.
     */
    public Builder zipkinUrl(String zipkinUrl) {
      this.zipkinUrl = zipkinUrl;
      return this;
    }

    /** Event loops for client and origin connections; 0 means two per core (Netty's default). Default 0. */
    public Builder ioThreads(int ioThreads) {
      this.ioThreads = ioThreads;
      return this;
    }

    /** Bytes of request headers; past it the answer is 431. Default 16 KiB. */
    public Builder maxHeaderSize(int maxHeaderSize) {
      this.maxHeaderSize = maxHeaderSize;
      return this;
    }

    /** Bytes of request body; past it the answer is 413. Default 16 MiB. */
    public Builder maxBodySize(long maxBodySize) {
      this.maxBodySize = maxBodySize;
      return this;
    }

    /** Whether HTTP/2 over cleartext is accepted (prior knowledge and Upgrade). Default on. */
    public Builder h2c(boolean h2c) {
      this.h2c = h2c;
      return this;
    }

    /** A TLS port beside the cleartext one, or null for none. Default none. */
    public Builder tls(TlsOptions tls) {
      this.tls = tls;
      return this;
    }

    /**
     * A client connection whose request head is not complete this long after its first byte is
     * closed (slowloris). Default 30 s.
     */
    public Builder requestHeadTimeout(Duration requestHeadTimeout) {
      this.requestHeadTimeout = Objects.requireNonNull(requestHeadTimeout, "requestHeadTimeout");
      return this;
    }

    /** A client connection with no request in flight (HTTP/2: no frame read) is closed after this long. Default 60 s. */
    public Builder clientIdleTimeout(Duration clientIdleTimeout) {
      this.clientIdleTimeout = Objects.requireNonNull(clientIdleTimeout, "clientIdleTimeout");
      return this;
    }

    /**
     * New traces sampled per second, beyond which none are, for routes without a {@code sampleRate}
     * of their own; a caller's sampling decision is always kept. Default 10.
     */
    public Builder tracesPerSecond(int tracesPerSecond) {
      this.tracesPerSecond = tracesPerSecond;
      return this;
    }

    /**
     * How long a request for a service at zero is held while an instance starts, before it is
     * answered 503. Default 30 s.
     */
    public Builder coldStartHold(Duration coldStartHold) {
      this.coldStartHold = Objects.requireNonNull(coldStartHold, "coldStartHold");
      return this;
    }

    /** @throws IllegalArgumentException naming the first option that is out of range */
    public GatewayOptions build() {
      checkPort("port", port);
      checkPort("managementPort", managementPort);
      if (tls != null) checkPort("tls port", tls.port());
      if (ioThreads < 0) throw new IllegalArgumentException("ioThreads must not be negative: " + ioThreads);
      if (maxHeaderSize <= 0) throw new IllegalArgumentException("maxHeaderSize must be positive: " + maxHeaderSize);
      if (maxBodySize < 0) throw new IllegalArgumentException("maxBodySize must not be negative: " + maxBodySize);
      checkPositive("requestHeadTimeout", requestHeadTimeout);
      checkPositive("clientIdleTimeout", clientIdleTimeout);
      checkPositive("coldStartHold", coldStartHold);
      if (tracesPerSecond < 0) throw new IllegalArgumentException("tracesPerSecond must not be negative: " + tracesPerSecond);
      return new GatewayOptions(this);
    }

    private static void checkPort(String name, int port) {
      if (port < 0 || port > 65535) throw new IllegalArgumentException(name + " must be 0..65535: " + port);
    }

    private static void checkPositive(String name, Duration d) {
      if (d.isNegative() || d.isZero()) throw new IllegalArgumentException(name + " must be positive: " + d);
    }
  }
}
