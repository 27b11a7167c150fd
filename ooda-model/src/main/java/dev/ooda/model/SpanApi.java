package dev.ooda.model;

import java.net.URI;

/**
 * The paths of the span collector's HTTP API: Zipkin's v2 API, which every Zipkin client and UI
 * speaks, and ooda's per-service views beside it. The collector serves them; the gateway, the kit
 * and the {@code ooda trace} command call them.
 */
public final class SpanApi {
  /** {@code POST} a list of spans; {@code GET} the span names of a service. */
  public static final String SPANS = "/api/v2/spans";
  public static final String SERVICES = "/api/v2/services";
  public static final String REMOTE_SERVICES = "/api/v2/remoteServices";
  public static final String TRACES = "/api/v2/traces";
  /** Followed by {@code /<trace id>}. */
  public static final String TRACE = "/api/v2/trace";
  public static final String TRACE_MANY = "/api/v2/traceMany";
  public static final String DEPENDENCIES = "/api/v2/dependencies";
  public static final String AUTOCOMPLETE_KEYS = "/api/v2/autocompleteKeys";
  public static final String AUTOCOMPLETE_VALUES = "/api/v2/autocompleteValues";
  /** ooda's views, followed by {@code /<service>/neighborhood} or {@code /<service>/red}. */
  public static final String SERVICE_VIEWS = "/api/ooda/v1/services";

  private SpanApi() {}

  /**
   * Where to post spans: a collector's base URL (no path) gets {@link #SPANS}; a URL with a path
   * is taken as the spans URL itself, so that a collector behind another path can be reached.
   */
  public static String spansUrl(String collector) {
    String path = URI.create(collector).getRawPath();
    if (path != null && !path.isEmpty() && !path.equals("/")) return collector;
    return (collector.endsWith("/") ? collector.substring(0, collector.length() - 1) : collector) + SPANS;
  }
}
