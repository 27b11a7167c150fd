package dev.ooda.data;

import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.logging.RequestLog;
import com.linecorp.armeria.server.DecoratingHttpServiceFunction;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.ooda.model.AccessLogLine;
import java.util.function.Consumer;

/** One standard JSON access-log line per request ({@link AccessLogLine}), and its metrics. */
final class AccessLog implements DecoratingHttpServiceFunction {
  static final String SERVICE = "ooda-data";
  /** The calling service's name, as the ooda kit and gateway send it. */
  static final String CALLER_HEADER = "ooda-caller";

  private final String instance;
  private final boolean addPort;
  private final Consumer<AccessLogLine> sink;
  private final RequestMetrics metrics;

  /** {@code addPort}: the instance is a host name, to be completed with the bound port. */
  AccessLog(String instance, boolean addPort, Consumer<AccessLogLine> sink, RequestMetrics metrics) {
    this.instance = instance;
    this.addPort = addPort;
    this.sink = sink;
    this.metrics = metrics;
  }

  @Override
  public HttpResponse serve(HttpService delegate, ServiceRequestContext ctx, HttpRequest req) throws Exception {
    ctx.log().whenComplete().thenAccept(log -> {
      AccessLogLine line = line(ctx, log);
      sink.accept(line);
      metrics.record(line, ctx.pathParam("ns"), log.totalDurationNanos());
    });
    return delegate.serve(ctx, req);
  }

  private AccessLogLine line(ServiceRequestContext ctx, RequestLog log) {
    RequestHeaders h = log.requestHeaders();
    String[] trace = traceOf(h);
    String error = ctx.attr(Errors.PROBLEM);
    if (error == null && log.responseCause() != null) error = log.responseCause().getClass().getSimpleName();
    String inst = addPort ? instance + ":" + ((java.net.InetSocketAddress) ctx.localAddress()).getPort() : instance;
    return new AccessLogLine(log.requestStartTimeMillis(), SERVICE, inst, trace[0], trace[1], h.get(CALLER_HEADER),
        h.method().name(), route(ctx), log.responseHeaders().status().code(), log.totalDurationNanos() / 1e6,
        log.requestLength(), log.responseLength(), error);
  }

  static String route(ServiceRequestContext ctx) {
    return ctx.config().route().patternString();
  }

  /** Trace and span ids from W3C {@code traceparent} or B3 headers, or nulls. */
  static String[] traceOf(RequestHeaders h) {
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
