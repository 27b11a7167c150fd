package dev.ooda.kit;

/** Every instance that could take the call has its circuit breaker open: nothing was sent. */
public final class CircuitOpenException extends CallException {
  public CircuitOpenException(String service, Throwable cause) {
    super(service, "the circuit breaker of " + service + " is open", cause);
  }
}
