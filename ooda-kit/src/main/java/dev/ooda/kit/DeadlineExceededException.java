package dev.ooda.kit;

/**
 * The call's deadline passed before an answer came: its own timeout, or the deadline that the
 * request being served inherited from its caller, or one further down the chain of calls.
 */
public final class DeadlineExceededException extends CallException {
  public DeadlineExceededException(String service, String message, Throwable cause) {
    super(service, message, cause);
  }
}
