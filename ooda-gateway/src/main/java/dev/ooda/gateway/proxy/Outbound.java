package dev.ooda.gateway.proxy;

import dev.ooda.gateway.observe.AccessLog;
import dev.ooda.gateway.observe.TargetMeters;
import dev.ooda.gateway.observe.Tracing;
import dev.ooda.gateway.resilience.Endpoint;
import dev.ooda.gateway.routing.CompiledRoute;
import dev.ooda.gateway.routing.TargetRef;
import dev.ooda.model.AccessLogLine;

/** What is recorded once a request is answered: its latency metric, its access-log line and its span. */
final class Outbound {
  private final AccessLog accessLog;
  private final Tracing tracing;
  private final TargetMeters unrouted;
  private final java.util.function.Supplier<dev.ooda.flags.ExposureSink> experiments;

  Outbound(AccessLog accessLog, Tracing tracing, TargetMeters unrouted, java.util.function.Supplier<dev.ooda.flags.ExposureSink> experiments) {
    this.accessLog = accessLog;
    this.tracing = tracing;
    this.unrouted = unrouted;
    this.experiments = experiments;
  }

  /**
   * @param endpoint where the last attempt went, or null
   * @param status   the status the client got; 499 when it left first
   * @param error    what went wrong, or null
   * @param originNanos from the request's start to its first attempt at an origin
   */
  void finished(InboundRequest in, Endpoint endpoint, String clientIp, long startMillis, long nanos, long originNanos,
                int status, long bytesIn, long bytesOut, String error) {
    (in.meters != null ? in.meters : unrouted).record(status, nanos);
    in.experimentOutcome(experiments.get(), status, nanos / 1e6);
    if (error == null) error = in.error; // an inbound refusal or a would-deny: its problem slug
    CompiledRoute route = in.route;
    String routeName = route == null ? null : route.name;
    TargetRef target = in.target;
    Tracing.Context trace = in.trace;
    String method = in.method();
    if (accessLog != null) {
      String service = target == null ? (route != null && route.stub != null ? "stub" : null)
          : target.service != null ? target.service : target.label;
      accessLog.write(new AccessLogLine(startMillis, service, endpoint == null ? null : endpoint.id(),
          trace == null ? null : trace.traceId(), trace == null ? null : trace.spanId(), clientIp,
          method, routeName, status, nanos / 1e6, bytesIn, bytesOut, error));
    }
    if (trace != null && tracing.reporting()) {
      long startMicros = startMillis * 1000;
      tracing.report(trace, method, in.path(), routeName, target == null ? null : target.toString(), endpoint, clientIp,
          startMicros, nanos / 1000, startMicros + originNanos / 1000, status, error, in.access, in.flagHeader);
    }
  }
}
