package dev.ooda.kit;

/**
 * A call to another service failed. The subclass says how: the callee answered with a problem
 * ({@link RemoteProblemException}), the deadline passed ({@link DeadlineExceededException}), every
 * instance's circuit is open ({@link CircuitOpenException}), or no answer came back
 * ({@link NetworkException}).
 */
public abstract sealed class CallException extends RuntimeException
    permits RemoteProblemException, DeadlineExceededException, CircuitOpenException, NetworkException {
  private final String service;

  CallException(String service, String message, Throwable cause) {
    super(message, cause);
    this.service = service;
  }

  /** The service that was called. */
  public String service() {
    return service;
  }
}
