package dev.ooda.trace;

import java.util.List;

/**
 * How to run a {@link TraceServer}.
 *
 * @param port             TCP port of the Zipkin-compatible HTTP API; 0 picks a free one
 * @param maxSpans         spans kept in memory; past it the oldest traces are dropped
 * @param maxBytes         bytes of the kept spans, encoded and indexed; past it the oldest traces are dropped
 * @param maxRequestBytes  largest span batch accepted, before and after gzip; larger ones get 413
 * @param forwardUrl       another Zipkin-compatible server that receives every accepted span
 *                         (its base URL or its {@code /api/v2/spans} URL), or null
 * @param autocompleteKeys tag keys whose values {@code /api/v2/autocompleteValues} lists
 */
public record TraceOptions(int port, int maxSpans, long maxBytes, int maxRequestBytes, String forwardUrl,
    List<String> autocompleteKeys) {
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

  public TraceOptions {
    if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be 0..65535: " + port);
    if (maxSpans <= 0) throw new IllegalArgumentException("maxSpans must be positive: " + maxSpans);
    if (maxBytes <= 0) throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
    if (maxRequestBytes <= 0) throw new IllegalArgumentException("maxRequestBytes must be positive: " + maxRequestBytes);
    if (forwardUrl != null && forwardUrl.isBlank()) forwardUrl = null;
    autocompleteKeys = autocompleteKeys == null ? List.of() : List.copyOf(autocompleteKeys);
  }

  public static TraceOptions defaults() {
    return new TraceOptions(DEFAULT_PORT, DEFAULT_MAX_SPANS, DEFAULT_MAX_BYTES, DEFAULT_MAX_REQUEST_BYTES, null, List.of());
  }

  public TraceOptions withPort(int port) {
    return new TraceOptions(port, maxSpans, maxBytes, maxRequestBytes, forwardUrl, autocompleteKeys);
  }

  public TraceOptions withMaxSpans(int maxSpans) {
    return new TraceOptions(port, maxSpans, maxBytes, maxRequestBytes, forwardUrl, autocompleteKeys);
  }

  public TraceOptions withMaxBytes(long maxBytes) {
    return new TraceOptions(port, maxSpans, maxBytes, maxRequestBytes, forwardUrl, autocompleteKeys);
  }

  public TraceOptions withMaxRequestBytes(int maxRequestBytes) {
    return new TraceOptions(port, maxSpans, maxBytes, maxRequestBytes, forwardUrl, autocompleteKeys);
  }

  public TraceOptions withForwardUrl(String forwardUrl) {
    return new TraceOptions(port, maxSpans, maxBytes, maxRequestBytes, forwardUrl, autocompleteKeys);
  }

  public TraceOptions withAutocompleteKeys(List<String> autocompleteKeys) {
    return new TraceOptions(port, maxSpans, maxBytes, maxRequestBytes, forwardUrl, autocompleteKeys);
  }
}
