package dev.ooda.kit;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * One instance's circuit breaker. It counts the outcomes of attempts over a sliding window of ten
 * one-second buckets; once {@code minimum} attempts fell in the window and the share that failed
 * reaches {@code failureRate}, the circuit opens for {@code openNanos}: attempts that reach the
 * instance fail at once, without being sent. When that time is over, one trial attempt goes
 * through: its success closes the circuit, its failure opens it again.
 */
final class Breaker {
  enum State { CLOSED, OPEN, HALF_OPEN }

  /** What {@link #tryAcquire} decided for an attempt. */
  enum Admission { REFUSED, ADMITTED, TRIAL }

  /** What an attempt's outcome says about the instance. */
  enum Outcome { SUCCESS, FAILURE, IGNORED }

  private static final int BUCKETS = 10;
  private static final long BUCKET_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final double failureRate;
  private final int minimum;
  private final long openNanos;
  private final long[] bucketOf = new long[BUCKETS];
  private final int[] succeeded = new int[BUCKETS];
  private final int[] failed = new int[BUCKETS];
  private State state = State.CLOSED;
  private long openUntil;
  /** Half open with its trial in flight: the balancer passes the instance over meanwhile. */
  private volatile boolean trialSent;

  Breaker(double failureRate, int minimum, long openNanos) {
    this.failureRate = failureRate;
    this.minimum = minimum;
    this.openNanos = openNanos;
  }

  /** Whether an attempt may go to the instance now; in the half-open state, only the trial may. */
  synchronized Admission tryAcquire(long now) {
    switch (state) {
      case CLOSED:
        return Admission.ADMITTED;
      case OPEN:
        if (now - openUntil < 0) return Admission.REFUSED;
        state = State.HALF_OPEN;
        trialSent = true;
        return Admission.TRIAL;
      default:
        if (trialSent) return Admission.REFUSED;
        trialSent = true;
        return Admission.TRIAL;
    }
  }

  /** False while a trial is in flight, so that the balancer does not prefer an instance it would refuse. */
  boolean mayAdmit() {
    return !trialSent;
  }

  /**
   * Counts an attempt's outcome; returns the state when this outcome changed it, else null. While
   * half open, only the trial's outcome counts: others were admitted before the circuit opened.
   */
  synchronized State record(long now, Outcome outcome, boolean trial) {
    if (state == State.HALF_OPEN) {
      if (!trial) return null;
      if (outcome == Outcome.IGNORED) {
        trialSent = false;
        return null;
      }
      return outcome == Outcome.SUCCESS ? close() : open(now);
    }
    if (state == State.OPEN || outcome == Outcome.IGNORED) return null;
    long bucket = now / BUCKET_NANOS;
    int i = (int) Math.floorMod(bucket, (long) BUCKETS);
    if (bucketOf[i] != bucket) {
      bucketOf[i] = bucket;
      succeeded[i] = 0;
      failed[i] = 0;
    }
    if (outcome == Outcome.SUCCESS) {
      succeeded[i]++;
      return null;
    }
    failed[i]++;
    long total = 0;
    long failures = 0;
    for (int b = 0; b < BUCKETS; b++) {
      if (bucket - bucketOf[b] >= BUCKETS) continue;
      total += succeeded[b] + failed[b];
      failures += failed[b];
    }
    return total >= minimum && failures >= failureRate * total ? open(now) : null;
  }

  synchronized State state() {
    return state;
  }

  private State open(long now) {
    state = State.OPEN;
    openUntil = now + openNanos;
    trialSent = false;
    forget();
    return state;
  }

  private State close() {
    state = State.CLOSED;
    trialSent = false;
    forget();
    return state;
  }

  /** A circuit that changes state starts counting afresh. */
  private void forget() {
    Arrays.fill(succeeded, 0);
    Arrays.fill(failed, 0);
  }
}
