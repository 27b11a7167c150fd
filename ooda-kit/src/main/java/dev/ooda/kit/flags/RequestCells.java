package dev.ooda.kit.flags;

import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.logging.RequestLog;
import com.linecorp.armeria.server.DecoratingHttpServiceFunction;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.netty.util.AttributeKey;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Requests, errors and latency per experiment cell, from the server side of a service: every
 * experiment cell a flag evaluation put the request's unit in during the request is remembered on
 * the request's context, and when the request completes its outcome is counted for each of them.
 */
public final class RequestCells implements DecoratingHttpServiceFunction {
  private static final AttributeKey<List<String[]>> CELLS = AttributeKey.valueOf(RequestCells.class, "CELLS");

  private final Supplier<OodaEvents> events;

  /** @param events where outcomes go; asked only once a request has met an experiment */
  public RequestCells(Supplier<OodaEvents> events) {
    this.events = events;
  }

  /** Notes that the request being served (if any) is in {@code cell} of {@code experiment}. */
  static void seen(String experiment, String cell) {
    ServiceRequestContext ctx = ServiceRequestContext.currentOrNull();
    if (ctx == null) return;
    List<String[]> cells = ctx.attr(CELLS);
    if (cells == null) {
      cells = new ArrayList<>(2);
      ctx.setAttr(CELLS, cells);
    }
    synchronized (cells) {
      for (String[] c : cells) if (c[0].equals(experiment)) return; // one cell per experiment and unit
      cells.add(new String[] {experiment, cell});
    }
  }

  @Override
  public HttpResponse serve(HttpService delegate, ServiceRequestContext ctx, HttpRequest req) throws Exception {
    ctx.log().whenComplete().thenAccept(log -> count(ctx, log));
    return delegate.serve(ctx, req);
  }

  private void count(ServiceRequestContext ctx, RequestLog log) {
    List<String[]> cells = ctx.attr(CELLS);
    if (cells == null) return;
    boolean error = log.responseHeaders().status().isServerError() || log.responseCause() != null && log.responseHeaders().status().code() == 0;
    double ms = log.totalDurationNanos() / 1e6;
    OodaEvents e = events.get();
    synchronized (cells) {
      for (String[] c : cells) e.request(c[0], c[1], error, ms);
    }
  }
}
