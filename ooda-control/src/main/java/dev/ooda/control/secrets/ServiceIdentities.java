package dev.ooda.control.secrets;

/**
 * Who a service token belongs to. The control plane passes in the verifier of the tokens it issues;
 * secrets use it to let only a secret's owner read the value.
 */
@FunctionalInterface
public interface ServiceIdentities {
  /** Knows no tokens: every runtime read is refused as unauthenticated. */
  ServiceIdentities NONE = token -> null;

  /**
   * The service ({@code sub}) of a valid token issued for the control plane
   * ({@code aud = urn:ooda:control}), or null when {@code token} is not one (forged, expired, for
   * another audience, revoked).
   */
  String serviceOf(String token);
}
