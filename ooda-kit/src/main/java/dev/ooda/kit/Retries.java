package dev.ooda.kit;

import com.linecorp.armeria.client.UnprocessedRequestException;
import com.linecorp.armeria.client.endpoint.EndpointGroupException;
import com.linecorp.armeria.client.retry.Backoff;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.util.Exceptions;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Which failed attempts are tried again, and after how long. Only safe ones: an attempt that was
 * never sent (no connection, a closing connection, an open circuit) goes at once to another
 * instance; an idempotent request whose instance failed (a broken connection, a timeout, 502,
 * 503) is tried again after a jittered backoff if the {@link RetryBudget} allows. Everything else
 * is answered as it came.
 */
final class Retries {
  /** Do not retry. */
  static final long NO = -1;

  private static final Set<HttpMethod> IDEMPOTENT_METHODS = HttpMethod.idempotentMethods();

  private final RetryBudget budget;
  private final Backoff backoff;
  private final int maxAttempts;

  Retries(RetryBudget budget, Backoff backoff, int maxAttempts) {
    this.budget = budget;
    this.backoff = backoff;
    this.maxAttempts = maxAttempts;
  }

  /**
   * After attempt number {@code attempt} (from 1) ended with {@code res} or {@code cause}: the
   * delay in milliseconds before the next attempt, or {@link #NO}. A retry that could not start
   * within {@code remainingNanos} (the call's deadline) is not made and spends no budget.
   */
  long delayMillis(int attempt, boolean idempotent, AggregatedHttpResponse res, Throwable cause, long remainingNanos) {
    if (attempt >= maxAttempts || remainingNanos <= 0) return NO;
    Throwable c = cause == null ? null : Exceptions.peel(cause);
    if (c instanceof UnprocessedRequestException u && u.getCause() instanceof EndpointGroupException) return NO;
    if (c instanceof UnprocessedRequestException || c instanceof CircuitOpenException) return 0;
    if (!idempotent) return NO;
    if (c == null) {
      int status = res.status().code();
      if (status != 502 && status != 503) return NO;
    }
    long delay = backoff.nextDelayMillis(attempt);
    if (delay < 0 || TimeUnit.MILLISECONDS.toNanos(delay) >= remainingNanos) return NO;
    return budget.tryWithdraw() ? delay : NO;
  }

  static boolean idempotent(HttpMethod method, boolean markedSafe) {
    return markedSafe || IDEMPOTENT_METHODS.contains(method);
  }
}
