package dev.ooda.gateway.resilience;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Caps retries at a fraction of requests, as Finagle's retry budget does: each request deposits
 * {@code ratio} of a retry, each retry withdraws one. A small reserve lets a quiet route retry at
 * all; the balance is capped so that a long calm period cannot fund a retry storm.
 */
public final class RetryBudget {
  private static final long ONE = 1000;
  private final long deposit;
  private final long cap;
  private final AtomicLong balance;

  RetryBudget(double ratio, int reserve) {
    this.deposit = Math.round(ratio * ONE);
    this.cap = Math.max(reserve, 100) * ONE;
    this.balance = new AtomicLong(reserve * ONE);
  }

  /** The default: at most 20% extra load, 10 retries in reserve. */
  public static RetryBudget standard() {
    return new RetryBudget(0.2, 10);
  }

  public void onRequest() {
    if (balance.get() < cap) balance.addAndGet(deposit);
  }

  public boolean tryRetry() {
    for (;;) {
      long b = balance.get();
      if (b < ONE) return false;
      if (balance.compareAndSet(b, b - ONE)) return true;
    }
  }
}
