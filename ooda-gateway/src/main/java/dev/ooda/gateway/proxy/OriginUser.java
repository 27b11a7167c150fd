package dev.ooda.gateway.proxy;

/** Whoever holds an origin connection for the time of one exchange: a proxied request or a mirror copy. */
interface OriginUser {
  void originRead(Object msg);

  void originReadComplete();

  void originWritabilityChanged(boolean writable);

  /** The connection closed or failed before the exchange ended; {@code cause} may be null. */
  void originClosed(Throwable cause);
}
