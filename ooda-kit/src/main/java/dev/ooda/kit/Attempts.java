package dev.ooda.kit;

import com.linecorp.armeria.client.ClientRequestContext;
import com.linecorp.armeria.client.DecoratingHttpClientFunction;
import com.linecorp.armeria.client.GoAwayReceivedException;
import com.linecorp.armeria.client.HttpClient;
import com.linecorp.armeria.client.UnprocessedRequestException;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.logging.RequestLog;
import java.net.ConnectException;
import java.util.concurrent.TimeUnit;

/**
 * Wraps each attempt of a call, after the instance is chosen: counts it in flight for the
 * {@link Balancer}, sends the time left before the call's deadline, and ejects an instance whose
 * connection was refused or which is closing its connections, so that the next attempts go
 * elsewhere at once rather than after the registry notices.
 */
final class Attempts implements DecoratingHttpClientFunction {
  /** How long an instance that refused a connection is passed over. */
  static final long EJECT_NANOS = TimeUnit.SECONDS.toNanos(5);

  private final Balancer balancer;

  Attempts(Balancer balancer) {
    this.balancer = balancer;
  }

  @Override
  public HttpResponse execute(HttpClient delegate, ClientRequestContext ctx, HttpRequest req) throws Exception {
    Long deadline = ctx.attr(Deadlines.CALL);
    if (deadline != null && deadline != Long.MAX_VALUE) {
      long ms = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
      ctx.setAdditionalRequestHeader(Deadlines.HEADER, Long.toString(ms));
    }
    Balancer.Node node = balancer.node(ctx.endpoint());
    if (node != null) {
      node.inFlight.incrementAndGet();
      ctx.log().whenComplete().thenAccept(log -> done(node, log));
    }
    return delegate.execute(ctx, req);
  }

  private static void done(Balancer.Node node, RequestLog log) {
    node.inFlight.decrementAndGet();
    Throwable c = log.responseCause();
    if (c instanceof UnprocessedRequestException u
        && (u.getCause() instanceof ConnectException || u.getCause() instanceof GoAwayReceivedException)) {
      node.eject(EJECT_NANOS);
    }
  }
}
