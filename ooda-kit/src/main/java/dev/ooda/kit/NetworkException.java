package dev.ooda.kit;

/**
 * No answer came back: no instance is up, a connection could not be made, or it broke before the
 * answer was complete.
 */
public final class NetworkException extends CallException {
  public NetworkException(String service, String message, Throwable cause) {
    super(service, message, cause);
  }
}
