package dev.ooda.access;

import java.time.Duration;

/** The names and fixed values of the token contract, shared by the issuer and every verifier. */
public final class TokenClaims {
  /** {@code iss} of every service token, and {@code aud} of tokens for calls to the control plane itself. */
  public static final String CONTROL = "urn:ooda:control";
  /** The credential a token was issued for. */
  public static final String CLIENT_ID = "cid";
  /** How far clocks may disagree when {@code exp} and {@code nbf} are checked. */
  public static final Duration SKEW = Duration.ofSeconds(30);

  private TokenClaims() {}
}
