package dev.ooda.kit;

import com.linecorp.armeria.client.ClientRequestContext;
import com.linecorp.armeria.client.Endpoint;
import com.linecorp.armeria.client.UnprocessedRequestException;
import com.linecorp.armeria.client.circuitbreaker.CircuitBreaker;
import com.linecorp.armeria.client.circuitbreaker.CircuitBreakerDecision;
import com.linecorp.armeria.client.circuitbreaker.CircuitBreakerListener;
import com.linecorp.armeria.client.circuitbreaker.CircuitBreakerMapping;
import com.linecorp.armeria.client.circuitbreaker.CircuitBreakerRule;
import com.linecorp.armeria.client.circuitbreaker.CircuitState;
import com.linecorp.armeria.client.circuitbreaker.EventCount;
import com.linecorp.armeria.client.circuitbreaker.FailFastException;
import com.linecorp.armeria.client.endpoint.EndpointGroupException;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.Request;
import com.linecorp.armeria.common.util.Exceptions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One circuit breaker per instance (Armeria's), fed by each attempt: server errors, broken
 * connections and timeouts count as failures. While an instance's circuit is open the
 * {@link Balancer} passes it over; when the open window ends it may be chosen again, and the
 * breaker lets a trial request through.
 */
final class Breakers implements CircuitBreakerMapping, CircuitBreakerRule {
  private static final CompletableFuture<CircuitBreakerDecision> SUCCESS = CompletableFuture.completedFuture(CircuitBreakerDecision.success());
  private static final CompletableFuture<CircuitBreakerDecision> FAILURE = CompletableFuture.completedFuture(CircuitBreakerDecision.failure());
  private static final CompletableFuture<CircuitBreakerDecision> IGNORE = CompletableFuture.completedFuture(CircuitBreakerDecision.ignore());

  private final String service;
  private final Balancer balancer;
  private final OodaClient.Options options;
  private final Map<String, CircuitBreaker> byAuthority = new ConcurrentHashMap<>();

  Breakers(String service, Balancer balancer, OodaClient.Options options) {
    this.service = service;
    this.balancer = balancer;
    this.options = options;
  }

  @Override
  public CircuitBreaker get(ClientRequestContext ctx, Request req) {
    Endpoint e = ctx.endpoint();
    String authority = e == null ? "none" : e.authority();
    CircuitBreaker b = byAuthority.get(authority);
    return b != null ? b : byAuthority.computeIfAbsent(authority, a -> newBreaker(e));
  }

  private CircuitBreaker newBreaker(Endpoint e) {
    Duration open = options.breakerOpenWindow();
    return CircuitBreaker.builder(service + "@" + (e == null ? "none" : e.authority()))
        .failureRateThreshold(options.breakerFailureRate())
        .minimumRequestThreshold(options.breakerMinimumRequests())
        .circuitOpenWindow(open)
        .trialRequestInterval(open)
        .counterSlidingWindow(Duration.ofSeconds(10))
        .counterUpdateInterval(Duration.ofMillis(250))
        .listener(new CircuitBreakerListener() {
          @Override
          public void onStateChanged(String name, CircuitState state) {
            Balancer.Node n = balancer.node(e);
            if (n == null) return;
            if (state == CircuitState.OPEN) n.eject(open.toNanos());
            else if (state == CircuitState.CLOSED) n.readmit();
          }

          @Override
          public void onEventCountUpdated(String name, EventCount count) {}

          @Override
          public void onRequestRejected(String name) {}
        })
        .build();
  }

  @Override
  public CompletionStage<CircuitBreakerDecision> shouldReportAsSuccess(ClientRequestContext ctx, Throwable cause) {
    if (cause != null) {
      Throwable c = Exceptions.peel(cause);
      if (c instanceof FailFastException) return IGNORE;
      if (c instanceof UnprocessedRequestException u && u.getCause() instanceof EndpointGroupException) return IGNORE;
      return FAILURE;
    }
    HttpStatus s = ctx.log().partial().responseHeaders().status();
    // 504 says the caller's deadline passed, which is no fault of the instance.
    return s.isServerError() && s.code() != 504 ? FAILURE : SUCCESS;
  }
}
