package dev.ooda.trace;

import java.util.List;
import java.util.Objects;

/**
 * How to run a {@link TraceServer}: immutable, built with {@link #builder()}; every option and its
 * default is documented on the builder's method of the same name.
 *
 * <pre>
 * TraceOptions o = TraceOptions.builder().port(9411).maxSpans(500_000).forwardUrl("http://zipkin.example:9411").build();
 * </pre>
 */
public final class TraceOptions {
  public static final int DEFAULT_PORT = 9411;
  /** Zipkin's own default for its in-memory storage. */
  public static final int DEFAULT_MAX_SPANS = 500_000;
  /**
   * Caps the heap of spans in a laptop-sized {@code ooda up}: a typical RPC span (two endpoints,
   * a few tags) takes about 200 bytes encoded and indexed, so the span bound is reached first, at
   * some 100 MB; spans with large tags meet this bound instead.
   */
  public static final long DEFAULT_MAX_BYTES = 256L << 20;
  /** Zipkin reporters send messages of at most 500 KB by default; this leaves room. */
  public static final int DEFAULT_MAX_REQUEST_BYTES = 5 << 20;

  private final int port;
  private final int maxSpans;
  private final long maxBytes;
  private final int maxRequestBytes;
  private final String forwardUrl;
  private final List<String> autocompleteKeys;

  private TraceOptions(Builder b) {
    this.port = b.port;
    this.maxSpans = b.maxSpans;
    this.maxBytes = b.maxBytes;
    this.maxRequestBytes = b.maxRequestBytes;
    this.forwardUrl = b.forwardUrl;
    this.autocompleteKeys = b.autocompleteKeys;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Every option at its default. */
  public static TraceOptions defaults() {
    return builder().build();
  }

  /** A builder holding these options, to change some of them. */
  public Builder toBuilder() {
    return builder().port(port).maxSpans(maxSpans).maxBytes(maxBytes).maxRequestBytes(maxRequestBytes)
        .forwardUrl(forwardUrl).autocompleteKeys(autocompleteKeys);
  }

  /** See {@link Builder#port}. */
  public int port() {
    return port;
  }

  /** See {@link Builder#maxSpans}. */
  public int maxSpans() {
    return maxSpans;
  }

  /** See {@link Builder#maxBytes}. */
  public long maxBytes() {
    return maxBytes;
  }

  /** See {@link Builder#maxRequestBytes}. */
  public int maxRequestBytes() {
    return maxRequestBytes;
  }

  /** See {@link Builder#forwardUrl}; null for none. */
  public String forwardUrl() {
    return forwardUrl;
  }

  /** See {@link Builder#autocompleteKeys}. */
  public List<String> autocompleteKeys() {
    return autocompleteKeys;
  }

  @Override
  public String toString() {
    return "TraceOptions{port=" + port + ", maxSpans=" + maxSpans + ", maxBytes=" + maxBytes + ", maxRequestBytes="
        + maxRequestBytes + ", forwardUrl=" + forwardUrl + ", autocompleteKeys=" + autocompleteKeys + "}";
  }

  /** Builds {@link TraceOptions}; each method documents its option and default. Not thread-safe. */
  public static final class Builder {
    private int port = DEFAULT_PORT;
    private int maxSpans = DEFAULT_MAX_SPANS;
    private long maxBytes = DEFAULT_MAX_BYTES;
    private int maxRequestBytes = DEFAULT_MAX_REQUEST_BYTES;
    private String forwardUrl;
    private List<String> autocompleteKeys = List.of();

    private Builder() {}

    /** TCP port of the Zipkin-compatible HTTP API; 0 picks a free one. Default 9411. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** Spans kept in memory; past it the oldest traces are dropped. Default 500,000. */
    public Builder maxSpans(int maxSpans) {
      this.maxSpans = maxSpans;
      return this;
    }

    /** Bytes of the kept spans, encoded and indexed; past it the oldest traces are dropped. Default 256 MiB. */
    public Builder maxBytes(long maxBytes) {
      this.maxBytes = maxBytes;
      return this;
    }

    /** The largest span batch accepted, before and after gzip; larger ones get 413. Default 5 MiB. */
    public Builder maxRequestBytes(int maxRequestBytes) {
      this.maxRequestBytes = maxRequestBytes;
      return this;
    }

    /**
     * Another Zipkin-compatible server that receives every accepted span (its base URL or its
     * {@code /api/v2/spans} URL); null or blank for none. Default none.
     */
    public Builder forwardUrl(String forwardUrl) {
      this.forwardUrl = forwardUrl == null || forwardUrl.isBlank() ? null : forwardUrl;
      return this;
    }

    /** Tag keys whose values {@code /api/v2/autocompleteValues} lists. Default none. */
    public Builder autocompleteKeys(List<String> autocompleteKeys) {
      this.autocompleteKeys = List.copyOf(Objects.requireNonNull(autocompleteKeys, "autocompleteKeys"));
      return this;
    }

    /** @throws IllegalArgumentException naming the first option that is out of range */
    public TraceOptions build() {
      if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be 0..65535: " + port);
      if (maxSpans <= 0) throw new IllegalArgumentException("maxSpans must be positive: " + maxSpans);
      if (maxBytes <= 0) throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
      if (maxRequestBytes <= 0) throw new IllegalArgumentException("maxRequestBytes must be positive: " + maxRequestBytes);
      return new TraceOptions(this);
    }
  }
}
