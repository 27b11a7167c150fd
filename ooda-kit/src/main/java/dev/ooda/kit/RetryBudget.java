package dev.ooda.kit;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Caps retries at a share of the requests made, so that retries cannot multiply the load on a
 * service that is already failing (Finagle's retry budget). Every request deposits {@code ratio}
 * of a retry; every retry withdraws one. The balance saves up at most the deposits of 500
 * requests, so a long healthy spell does not buy an unbounded burst. A client too quiet to have
 * saved anything may still retry {@code minPerSecond} times a second.
 */
public final class RetryBudget {
  private static final long UNIT = 1_000;
  private final long deposit;
  private final long cap;
  private final int minPerSecond;
  private final AtomicLong balance = new AtomicLong();
  private final AtomicLong reserve = new AtomicLong();

  /**
   * @param ratio        retries allowed per request, e.g. 0.2 for at most 20% more load
   * @param minPerSecond retries allowed each second whatever the balance, for quiet clients
   */
  public RetryBudget(double ratio, int minPerSecond) {
    if (ratio < 0 || ratio > 1) throw new IllegalArgumentException("ratio must be 0..1: " + ratio);
    if (minPerSecond < 0) throw new IllegalArgumentException("minPerSecond must be >= 0: " + minPerSecond);
    this.deposit = Math.round(ratio * UNIT);
    this.cap = Math.max(UNIT, deposit * 500);
    this.minPerSecond = minPerSecond;
  }

  /** Called once per request, not per attempt. */
  void deposit() {
    if (deposit == 0 || balance.get() >= cap) return;
    balance.getAndUpdate(b -> Math.min(cap, b + deposit));
  }

  /** Takes one retry from the budget; false when none is left. */
  boolean tryWithdraw() {
    long b;
    while ((b = balance.get()) >= UNIT) {
      if (balance.compareAndSet(b, b - UNIT)) return true;
    }
    if (minPerSecond == 0) return false;
    // reserve packs (second, used) into one long: the upper bits count seconds, the lower 20 use
    long second = System.nanoTime() / 1_000_000_000L;
    while (true) {
      long r = reserve.get();
      long used = (r >>> 20) == second ? r & 0xFFFFF : 0;
      if (used >= minPerSecond) return false;
      if (reserve.compareAndSet(r, (second << 20) | (used + 1))) return true;
    }
  }
}
