package dev.ooda.kit;

import com.linecorp.armeria.client.circuitbreaker.CircuitBreaker;
import com.linecorp.armeria.client.circuitbreaker.CircuitBreakerBuilder;
import com.linecorp.armeria.client.circuitbreaker.CircuitState;
import java.time.Duration;

/**
 * One instance's circuit breaker: Armeria's {@link CircuitBreaker}, which counts the outcomes of
 * attempts over a sliding window and opens once {@code minimum} attempts fell in it and the share
 * that failed reaches {@code failureRate}. While open, attempts that reach the instance fail at
 * once, without being sent. When the open window is over, one trial goes through: its success
 * closes the circuit, its failure opens it again.
 *
 * <p>Two rules are added for the balancer: while half open, only the trial's own outcome counts
 * (the others were admitted before the circuit opened), and while the trial is in flight the
 * balancer passes the instance over.
 */
final class Breaker {
  /** What {@link #tryAcquire} decided for an attempt. */
  enum Admission { REFUSED, ADMITTED, TRIAL }

  /** What an attempt's outcome says about the instance. */
  enum Outcome { SUCCESS, FAILURE, IGNORED }

  private final CircuitBreaker circuit;
  private volatile boolean trialInFlight;

  Breaker(String name, double failureRate, int minimum, Duration open, Duration window, Duration step) {
    this(circuit(name, failureRate, minimum, open, window, step).build());
  }

  /** Around a circuit built by {@link #circuit}; tests build it on time they move. */
  Breaker(CircuitBreaker circuit) {
    this.circuit = circuit;
  }

  /**
   * @param window how long outcomes count, in {@code step}s: counts move on once per step
   * @param open   how long an open circuit refuses attempts; also how long a trial may stay
   *               unanswered before another is let through
   */
  static CircuitBreakerBuilder circuit(String name, double failureRate, int minimum, Duration open, Duration window, Duration step) {
    return CircuitBreaker.builder(name)
        .failureRateThreshold(failureRate)
        .minimumRequestThreshold(minimum)
        .circuitOpenWindow(open)
        .trialRequestInterval(open)
        .counterSlidingWindow(window)
        .counterUpdateInterval(step);
  }

  /** Whether an attempt may go to the instance now; in the half-open state, only the trial may. */
  Admission tryAcquire() {
    if (!circuit.tryRequest()) return Admission.REFUSED;
    if (circuit.circuitState() != CircuitState.HALF_OPEN) return Admission.ADMITTED;
    trialInFlight = true;
    return Admission.TRIAL;
  }

  /** False while a trial is in flight, so that the balancer does not prefer an instance it would refuse. */
  boolean mayAdmit() {
    return !trialInFlight;
  }

  /** Counts an attempt's outcome; returns the state when this outcome changed it, else null. */
  CircuitState record(Outcome outcome, boolean trial) {
    if (trial) trialInFlight = false;
    CircuitState before = circuit.circuitState();
    if (outcome == Outcome.IGNORED || (before != CircuitState.CLOSED && !trial)) return null;
    if (outcome == Outcome.SUCCESS) circuit.onSuccess();
    else circuit.onFailure();
    CircuitState after = circuit.circuitState();
    return after != before ? after : null;
  }

  CircuitState state() {
    return circuit.circuitState();
  }
}
