package dev.ooda.kit;

import com.linecorp.armeria.client.ClientRequestContext;
import com.linecorp.armeria.client.UnprocessedRequestException;
import com.linecorp.armeria.client.circuitbreaker.FailFastException;
import com.linecorp.armeria.client.endpoint.EndpointGroupException;
import com.linecorp.armeria.client.retry.Backoff;
import com.linecorp.armeria.client.retry.RetryDecision;
import com.linecorp.armeria.client.retry.RetryRule;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.logging.RequestLog;
import com.linecorp.armeria.common.util.Exceptions;
import io.netty.util.AttributeKey;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Which failed attempts are tried again. Only safe ones: an attempt that was never sent (no
 * connection, a closing connection, an open circuit) goes at once to another instance; an
 * idempotent request whose instance failed (a broken connection, 502, 503) is tried again after a
 * jittered backoff if the {@link RetryBudget} allows. Everything else is answered as it came.
 */
final class Retries implements RetryRule {
  /** Set on a call to mark a non-idempotent method as safe to repeat (e.g. it carries an idempotency key). */
  static final AttributeKey<Boolean> IDEMPOTENT = AttributeKey.valueOf(Retries.class, "IDEMPOTENT");
  private static final Set<HttpMethod> IDEMPOTENT_METHODS = HttpMethod.idempotentMethods();
  private static final CompletableFuture<RetryDecision> NO = CompletableFuture.completedFuture(RetryDecision.noRetry());
  private static final CompletableFuture<RetryDecision> AT_ONCE =
      CompletableFuture.completedFuture(RetryDecision.retry(Backoff.withoutDelay()));

  private final RetryBudget budget;
  private final CompletableFuture<RetryDecision> later;

  Retries(RetryBudget budget, Backoff backoff) {
    this.budget = budget;
    this.later = CompletableFuture.completedFuture(RetryDecision.retry(backoff));
  }

  @Override
  public CompletionStage<RetryDecision> shouldRetry(ClientRequestContext ctx, Throwable cause) {
    Throwable c = cause == null ? null : Exceptions.peel(cause);
    if (c instanceof UnprocessedRequestException u && u.getCause() instanceof EndpointGroupException) return NO;
    if (c instanceof UnprocessedRequestException || c instanceof FailFastException) return AT_ONCE;
    if (!idempotent(ctx)) return NO;
    if (c == null) {
      RequestLog log = ctx.log().partial();
      int status = log.responseHeaders().status().code();
      if (status != 502 && status != 503) return NO;
    }
    return budget.tryWithdraw() ? later : NO;
  }

  static boolean idempotent(ClientRequestContext ctx) {
    return IDEMPOTENT_METHODS.contains(ctx.method()) || Boolean.TRUE.equals(ctx.attr(IDEMPOTENT));
  }
}
