package dev.ooda.data.http;

import dev.ooda.model.AccessLogLine;
import dev.ooda.model.Headers;
import dev.ooda.model.TraceHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.function.Consumer;

/** One standard JSON access-log line per request ({@link AccessLogLine}), and its metrics. */
public final class AccessLog {
  static final String SERVICE = "ooda-data";
  /** The calling service's name, as the ooda kit and gateway send it. */
  static final String CALLER_HEADER = Headers.CALLER;

  private final String instance;
  private final Consumer<AccessLogLine> sink;
  private final RequestMetrics metrics;

  private final boolean addPort;
  private volatile String named;

  /** {@code addPort}: the instance is a host name, to be completed with the port served. */
  public AccessLog(String instance, boolean addPort, Consumer<AccessLogLine> sink, RequestMetrics metrics) {
    this.instance = instance;
    this.addPort = addPort;
    this.sink = sink;
    this.metrics = metrics;
  }

  /**
   * Logs one answered request.
   *
   * @param caller    the caller a token proved, or null: then the {@code ooda-caller} header names it
   * @param route     the pattern of the route it matched, or its path when it matched none
   * @param namespace the namespace named in the path, or null
   * @param error     the problem's slug when it failed, or null
   */
  void log(long startMillis, long nanos, HttpHeaders h, String caller, String method, String route, String namespace, int status,
           long bytesIn, long bytesOut, String error, int localPort) {
    // the caller's ids: this service starts no span of its own
    TraceHeaders trace = TraceHeaders.parse(h::get);
    String inst = named;
    if (inst == null) named = inst = addPort ? instance + ":" + localPort : instance;
    AccessLogLine line = new AccessLogLine(startMillis, SERVICE, inst, trace == null ? null : trace.traceId(),
        trace == null ? null : trace.spanId(), caller != null ? caller : h.get(CALLER_HEADER),
        method, route, status, nanos / 1e6, bytesIn, bytesOut, error);
    sink.accept(line);
    metrics.record(line, namespace, nanos);
  }
}
