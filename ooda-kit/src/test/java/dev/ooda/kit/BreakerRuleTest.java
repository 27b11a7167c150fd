package dev.ooda.kit;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.client.circuitbreaker.CircuitState;
import com.linecorp.armeria.client.circuitbreaker.ManualTicker;
import dev.ooda.kit.Breaker.Admission;
import dev.ooda.kit.Breaker.Outcome;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The breaker's rule, on time that the test moves: counts move on every 50 ms of it. */
class BreakerRuleTest {
  static final Duration STEP = Duration.ofMillis(50);
  final AtomicLong nanos = new AtomicLong(Duration.ofHours(1).toNanos());

  Breaker breaker(double rate, int minimum, Duration open, Duration window) {
    return new Breaker(ManualTicker.on(Breaker.circuit("test", rate, minimum, open, window, STEP), nanos::get).build());
  }

  void advance(Duration d) {
    nanos.addAndGet(d.toNanos());
  }

  /** Records a failure per step until the circuit is open. */
  void failUntilOpen(Breaker b) {
    for (int i = 0; i < 100 && b.state() != CircuitState.OPEN; i++) {
      b.record(Outcome.FAILURE, false);
      advance(STEP);
    }
    assertThat(b.state()).isEqualTo(CircuitState.OPEN);
  }

  @Test
  void opensAtTheFailureShareAndRefusesAttemptsWhileOpen() {
    Breaker b = breaker(0.5, 4, Duration.ofSeconds(30), Duration.ofSeconds(10));
    failUntilOpen(b);
    assertThat(b.tryAcquire()).isEqualTo(Admission.REFUSED);
  }

  @Test
  void staysClosedBelowTheMinimumOrBelowTheShare() {
    Breaker few = breaker(0.5, 1000, Duration.ofSeconds(30), Duration.ofSeconds(10));
    Breaker mostlyFine = breaker(0.5, 4, Duration.ofSeconds(30), Duration.ofSeconds(10));
    for (int i = 0; i < 40; i++) {
      few.record(Outcome.FAILURE, false);
      mostlyFine.record(i % 4 == 0 ? Outcome.FAILURE : Outcome.SUCCESS, false);
      // 504s say the caller's deadline passed, no fault of the instance: they do not count.
      mostlyFine.record(Outcome.IGNORED, false);
      advance(Duration.ofMillis(10));
    }
    assertThat(few.state()).isEqualTo(CircuitState.CLOSED);
    assertThat(mostlyFine.state()).isEqualTo(CircuitState.CLOSED);
  }

  @Test
  void failuresOlderThanTheWindowNoLongerCount() {
    Breaker b = breaker(0.5, 6, Duration.ofSeconds(30), Duration.ofMillis(500));
    for (int i = 0; i < 4; i++) b.record(Outcome.FAILURE, false);
    advance(Duration.ofMillis(1200));
    // Three new outcomes, two of them failures: the four old failures would have made it 6 of 7.
    for (int i = 0; i < 3; i++) {
      b.record(i == 0 ? Outcome.SUCCESS : Outcome.FAILURE, false);
      advance(STEP.multipliedBy(2));
    }
    assertThat(b.state()).isEqualTo(CircuitState.CLOSED);
  }

  @Test
  void afterTheOpenWindowOneTrialDecides() {
    Duration open = Duration.ofSeconds(1);
    Breaker b = breaker(0.5, 2, open, Duration.ofSeconds(10));
    failUntilOpen(b);
    assertThat(b.tryAcquire()).isEqualTo(Admission.REFUSED);
    advance(open.plusMillis(200));

    // The trial goes; others wait for its outcome, and the balancer passes the instance over.
    assertThat(b.tryAcquire()).isEqualTo(Admission.TRIAL);
    assertThat(b.mayAdmit()).isFalse();
    assertThat(b.tryAcquire()).isEqualTo(Admission.REFUSED);
    // An attempt admitted before the circuit opened does not decide.
    assertThat(b.record(Outcome.SUCCESS, false)).isNull();
    assertThat(b.state()).isEqualTo(CircuitState.HALF_OPEN);
    // A failed trial opens it again for a whole window.
    assertThat(b.record(Outcome.FAILURE, true)).isEqualTo(CircuitState.OPEN);
    assertThat(b.mayAdmit()).isTrue();
    assertThat(b.tryAcquire()).isEqualTo(Admission.REFUSED);
    advance(open.plusMillis(200));

    // An ignored outcome (the caller's deadline) decides nothing; another trial goes a window later.
    assertThat(b.tryAcquire()).isEqualTo(Admission.TRIAL);
    assertThat(b.record(Outcome.IGNORED, true)).isNull();
    assertThat(b.mayAdmit()).isTrue();
    advance(open.plusMillis(200));
    assertThat(b.tryAcquire()).isEqualTo(Admission.TRIAL);
    assertThat(b.record(Outcome.SUCCESS, true)).isEqualTo(CircuitState.CLOSED);
    assertThat(b.tryAcquire()).isEqualTo(Admission.ADMITTED);
  }
}
