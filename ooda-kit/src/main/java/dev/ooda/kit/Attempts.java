package dev.ooda.kit;

import com.linecorp.armeria.client.ClientRequestContext;
import com.linecorp.armeria.client.DecoratingHttpClientFunction;
import com.linecorp.armeria.client.GoAwayReceivedException;
import com.linecorp.armeria.client.HttpClient;
import com.linecorp.armeria.client.UnprocessedRequestException;
import com.linecorp.armeria.client.circuitbreaker.CircuitState;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.logging.RequestLog;
import java.net.ConnectException;
import java.util.concurrent.TimeUnit;

/**
 * Wraps each attempt of a call, after the instance is chosen: lets it through the instance's
 * {@link Breaker} or fails it at once, counts it in flight for the {@link Balancer}, sends the time
 * left before the call's deadline, and when it ends feeds its outcome to the breaker. An instance
 * whose connection was refused, or which is closing its connections, is ejected, so that the next
 * attempts go elsewhere at once rather than after the registry notices.
 */
final class Attempts implements DecoratingHttpClientFunction {
  /** How long an instance that refused a connection is passed over. */
  static final long EJECT_NANOS = TimeUnit.SECONDS.toNanos(5);

  private final String service;
  private final Balancer balancer;
  private final long openNanos;

  Attempts(String service, Balancer balancer, long openNanos) {
    this.service = service;
    this.balancer = balancer;
    this.openNanos = openNanos;
  }

  @Override
  public HttpResponse execute(HttpClient delegate, ClientRequestContext ctx, HttpRequest req) throws Exception {
    Balancer.Node node = balancer.node(ctx.endpoint());
    if (node != null) {
      Breaker.Admission admission = node.breaker.tryAcquire();
      if (admission == Breaker.Admission.REFUSED) {
        req.abort();
        return HttpResponse.ofFailure(new CircuitOpenException(service, null));
      }
      boolean trial = admission == Breaker.Admission.TRIAL;
      node.inFlight.incrementAndGet();
      ctx.log().whenComplete().thenAccept(log -> done(node, log, trial));
    }
    Long deadline = ctx.attr(Deadlines.CALL);
    if (deadline != null && deadline != Long.MAX_VALUE) {
      long ms = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
      ctx.setAdditionalRequestHeader(Deadlines.HEADER, Long.toString(ms));
    }
    return delegate.execute(ctx, req);
  }

  private void done(Balancer.Node node, RequestLog log, boolean trial) {
    node.inFlight.decrementAndGet();
    Throwable c = log.responseCause();
    if (c instanceof UnprocessedRequestException u
        && (u.getCause() instanceof ConnectException || u.getCause() instanceof GoAwayReceivedException)) {
      node.eject(EJECT_NANOS);
    }
    CircuitState changed = node.breaker.record(outcome(log), trial);
    if (changed == CircuitState.OPEN) node.eject(openNanos);
    else if (changed == CircuitState.CLOSED) node.readmit();
  }

  /** Server errors, broken connections and timeouts are failures; 504 says the caller's deadline passed, no fault of the instance. */
  static Breaker.Outcome outcome(RequestLog log) {
    if (log.responseCause() != null) return Breaker.Outcome.FAILURE;
    HttpStatus s = log.responseHeaders().status();
    if (s.code() == 504) return Breaker.Outcome.IGNORED;
    return s.isServerError() ? Breaker.Outcome.FAILURE : Breaker.Outcome.SUCCESS;
  }
}
