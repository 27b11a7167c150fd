package dev.ooda.gateway.observe;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Every new trace up to {@code tracesPerSecond} in each second, none beyond, as Brave's
 * {@code RateLimitingSampler}: tracing costs at most so much whatever the load. Lock-free: a
 * request takes one increment, the first request of a new second resets the budget.
 */
public final class RateLimitingSampler implements Sampler {
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
  private final int tracesPerSecond;
  private final LongSupplier nanoTime;
  private final AtomicLong nextReset;
  private final AtomicInteger used = new AtomicInteger();

  /** @param nanoTime the ticker, {@code System::nanoTime} outside tests */
  public RateLimitingSampler(int tracesPerSecond, LongSupplier nanoTime) {
    if (tracesPerSecond < 0) throw new IllegalArgumentException("tracesPerSecond must not be negative");
    this.tracesPerSecond = tracesPerSecond;
    this.nanoTime = nanoTime;
    this.nextReset = new AtomicLong(nanoTime.getAsLong() + SECOND);
  }

  @Override
  public boolean sample() {
    if (tracesPerSecond == 0) return false;
    long now = nanoTime.getAsLong();
    long reset = nextReset.get();
    // Whoever moves the second on resets the budget; others racing it may spend a few of the new one.
    if (now - reset >= 0 && nextReset.compareAndSet(reset, now + SECOND)) used.set(0);
    // Past the budget the count keeps rising until the reset; get() first keeps it from overflowing.
    return used.get() < tracesPerSecond && used.incrementAndGet() <= tracesPerSecond;
  }
}
