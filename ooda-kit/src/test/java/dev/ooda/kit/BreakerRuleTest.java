package dev.ooda.kit;

import static org.assertj.core.api.Assertions.assertThat;

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
    assertThat(b.record(t, Outcome.FAILURE)).isNull();
    assertThat(b.record(t, Outcome.FAILURE)).isNull();
    assertThat(b.record(t, Outcome.SUCCESS)).isNull();
    // 3 of 4 failed: at least half, and the minimum is reached
    assertThat(b.record(t, Outcome.FAILURE)).isEqualTo(State.OPEN);
    assertThat(b.tryAcquire(t + S)).isFalse();
  }

  @Test
  void failuresOlderThanTheWindowNoLongerCount() {
    Breaker b = new Breaker(0.5, 4, 10 * S);
    long t = 100 * S;
    for (int i = 0; i < 3; i++) b.record(t, Outcome.FAILURE);
    // eleven seconds later the three failures have left the window
    assertThat(b.record(t + 11 * S, Outcome.FAILURE)).isNull();
    assertThat(b.state()).isEqualTo(State.CLOSED);
  }

  @Test
  void afterTheOpenWindowOneTrialDecides() {
    Breaker b = new Breaker(0.5, 2, 10 * S);
    long t = 100 * S;
    b.record(t, Outcome.FAILURE);
    assertThat(b.record(t, Outcome.FAILURE)).isEqualTo(State.OPEN);
    assertThat(b.tryAcquire(t + 9 * S)).isFalse();
    // the trial goes; others wait for its outcome
    assertThat(b.tryAcquire(t + 10 * S)).isTrue();
    assertThat(b.tryAcquire(t + 10 * S)).isFalse();
    // a failed trial opens it again for a whole window
    assertThat(b.record(t + 10 * S, Outcome.FAILURE)).isEqualTo(State.OPEN);
    assertThat(b.tryAcquire(t + 15 * S)).isFalse();
    assertThat(b.tryAcquire(t + 20 * S)).isTrue();
    // an ignored outcome (the caller's deadline) lets another trial go
    assertThat(b.record(t + 20 * S, Outcome.IGNORED)).isNull();
    assertThat(b.tryAcquire(t + 20 * S)).isTrue();
    assertThat(b.record(t + 20 * S, Outcome.SUCCESS)).isEqualTo(State.CLOSED);
    assertThat(b.tryAcquire(t + 20 * S)).isTrue();
    // counting starts afresh: one failure is below the minimum
    assertThat(b.record(t + 21 * S, Outcome.FAILURE)).isNull();
  }
}
