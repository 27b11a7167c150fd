package dev.ooda.console;

/**
 * Tells who holds an admin token, for the console's sign-in. The control plane answers it from its
 * admin tokens; the console never stores a token, the browser keeps it in its session storage.
 */
@FunctionalInterface
public interface AdminSessions {
  /** A signed-in admin: the token's name and scope slug ({@code read}, {@code write} or {@code admin}). */
  record Session(String name, String scope) {}

  /** The session of {@code token}, or null when it is unknown or revoked. */
  Session find(String token);
}
