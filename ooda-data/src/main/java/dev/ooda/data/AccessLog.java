package dev.ooda.data;

import dev.ooda.model.AccessLogLine;
import dev.ooda.model.Headers;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.function.Consumer;

/** One standard JSON access-log line per request ({@link AccessLogLine}), and its metrics. */
final class AccessLog {
  static final String SERVICE = "ooda-data";
  /** The calling service's name, as the ooda kit and gateway send it. */
  static final String CALLER_HEADER = Headers.CALLER;

  private final String instance;
  private final Consumer<AccessLogLine> sink;
  private final RequestMetrics metrics;

  private final boolean addPort;
  private volatile String named;

  /** {@code addPort}: the instance is a host name, to be completed with the port served. */
  AccessLog(String instance, boolean addPort, Consumer<AccessLogLine> sink, RequestMetrics metrics) {
    this.instance = instance;
    this.addPort = addPort;
    this.sink = sink;
    this.metrics = metrics;
  }

  /**
   * Logs one answered request.
   *
   * @param route     the pattern of the route it matched, or its path when it matched none
   * @param namespace the namespace named in the path, or null
   * @param error     the problem's slug when it failed, or null
   */
  void log(long startMillis, long nanos, HttpHeaders h, String method, String route, String namespace, int status,
           long bytesIn, long bytesOut, String error, int localPort) {
    String[] trace = traceOf(h);
    String inst = named;
    if (inst == null) named = inst = addPort ? instance + ":" + localPort : instance;
    AccessLogLine line = new AccessLogLine(startMillis, SERVICE, inst, trace[0], trace[1], h.get(CALLER_HEADER),
        method, route, status, nanos / 1e6, bytesIn, bytesOut, error);
    sink.accept(line);
    metrics.record(line, namespace, nanos);
  }

  /** Trace and span ids from W3C {@code traceparent} or B3 headers, or nulls. */
  static String[] traceOf(HttpHeaders h) {
    String tp = h.get("traceparent");
    if (tp != null) {
      String[] p = tp.split("-");
      if (p.length >= 4 && p[1].length() == 32 && p[2].length() == 16) return new String[] {p[1], p[2]};
    }
    String b3 = h.get("b3");
    if (b3 != null) {
      String[] p = b3.split("-");
      if (p.length >= 2) return new String[] {p[0], p[1]};
    }
    return new String[] {h.get("x-b3-traceid"), h.get("x-b3-spanid")};
  }
}
