package dev.ooda.kit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ooda.kit.Breaker.Admission;
import dev.ooda.kit.Breaker.Outcome;
import dev.ooda.kit.Breaker.State;
import org.junit.jupiter.api.Test;

/** The breaker's rule, on a clock the test moves. */
class BreakerRuleTest {
  static final long S = 1_000_000_000L;

  @Test
  void opensAtTheFailureShareOnceEnoughAttemptsFellInTheWindow() {
    Breaker b = new Breaker(0.5, 4, 10 * S);
    long t = 100 * S;
    assertThat(b.record(t, Outcome.FAILURE, false)).isNull();
    assertThat(b.record(t, Outcome.FAILURE, false)).isNull();
    assertThat(b.record(t, Outcome.SUCCESS, false)).isNull();
    // 3 of 4 failed: at least half, and the minimum is reached
    assertThat(b.record(t, Outcome.FAILURE, false)).isEqualTo(State.OPEN);
    assertThat(b.tryAcquire(t + S)).isEqualTo(Admission.REFUSED);
  }

  @Test
  void failuresOlderThanTheWindowNoLongerCount() {
    Breaker b = new Breaker(0.5, 4, 10 * S);
    long t = 100 * S;
    for (int i = 0; i < 3; i++) b.record(t, Outcome.FAILURE, false);
    // eleven seconds later the three failures have left the window
    assertThat(b.record(t + 11 * S, Outcome.FAILURE, false)).isNull();
    assertThat(b.state()).isEqualTo(State.CLOSED);
  }

  @Test
  void afterTheOpenWindowOneTrialDecides() {
    Breaker b = new Breaker(0.5, 2, 10 * S);
    long t = 100 * S;
    b.record(t, Outcome.FAILURE, false);
    assertThat(b.record(t, Outcome.FAILURE, false)).isEqualTo(State.OPEN);
    assertThat(b.tryAcquire(t + 9 * S)).isEqualTo(Admission.REFUSED);
    // the trial goes; others wait for its outcome, and the balancer passes the instance over
    assertThat(b.tryAcquire(t + 10 * S)).isEqualTo(Admission.TRIAL);
    assertThat(b.mayAdmit()).isFalse();
    assertThat(b.tryAcquire(t + 10 * S)).isEqualTo(Admission.REFUSED);
    // an attempt admitted before the circuit opened does not decide
    assertThat(b.record(t + 10 * S, Outcome.SUCCESS, false)).isNull();
    // a failed trial opens it again for a whole window
    assertThat(b.record(t + 10 * S, Outcome.FAILURE, true)).isEqualTo(State.OPEN);
    assertThat(b.tryAcquire(t + 15 * S)).isEqualTo(Admission.REFUSED);
    assertThat(b.tryAcquire(t + 20 * S)).isNotEqualTo(Admission.REFUSED);
    // an ignored outcome (the caller's deadline) lets another trial go
    assertThat(b.record(t + 20 * S, Outcome.IGNORED, true)).isNull();
    assertThat(b.tryAcquire(t + 20 * S)).isNotEqualTo(Admission.REFUSED);
    assertThat(b.record(t + 20 * S, Outcome.SUCCESS, true)).isEqualTo(State.CLOSED);
    assertThat(b.tryAcquire(t + 20 * S)).isNotEqualTo(Admission.REFUSED);
    // counting starts afresh: one failure is below the minimum
    assertThat(b.record(t + 21 * S, Outcome.FAILURE, false)).isNull();
  }
}
