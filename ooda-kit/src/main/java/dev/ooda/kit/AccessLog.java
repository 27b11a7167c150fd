package dev.ooda.kit;

import brave.Tracing;
import brave.propagation.TraceContext;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.logging.RequestLog;
import com.linecorp.armeria.server.DecoratingHttpServiceFunction;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.ooda.model.AccessLogLine;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One {@link AccessLogLine} per request, with the ids of the server span. Placed inside the
 * tracing decorator so that the span is current when the request arrives.
 */
final class AccessLog implements DecoratingHttpServiceFunction {
  private final String service;
  private final Supplier<String> instance;
  private final Tracing tracing;
  private final Consumer<AccessLogLine> sink;

  AccessLog(String service, Supplier<String> instance, Tracing tracing, Consumer<AccessLogLine> sink) {
    this.service = service;
    this.instance = instance;
    this.tracing = tracing;
    this.sink = sink;
  }

  @Override
  public HttpResponse serve(HttpService delegate, ServiceRequestContext ctx, HttpRequest req) throws Exception {
    if (OodaService.isInternal(ctx)) return delegate.serve(ctx, req);
    TraceContext span = tracing.currentTraceContext().get();
    ctx.log().whenComplete().thenAccept(log -> sink.accept(line(ctx, log, span)));
    return delegate.serve(ctx, req);
  }

  private AccessLogLine line(ServiceRequestContext ctx, RequestLog log, TraceContext span) {
    String error = ctx.attr(ServiceErrors.PROBLEM);
    if (error == null && log.responseCause() != null) error = log.responseCause().getClass().getSimpleName();
    return new AccessLogLine(log.requestStartTimeMillis(), service, instance.get(),
        span == null ? null : span.traceIdString(), span == null ? null : span.spanIdString(),
        AccessGate.caller(ctx, log.requestHeaders()), log.requestHeaders().method().name(),
        ctx.config().route().patternString(), log.responseHeaders().status().code(),
        log.totalDurationNanos() / 1e6, log.requestLength(), log.responseLength(), error);
  }
}
