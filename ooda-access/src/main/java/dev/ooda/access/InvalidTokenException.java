package dev.ooda.access;

/** A service token that was refused, with the reason (stable, for metrics and logs) and a detail that names it. */
public final class InvalidTokenException extends RuntimeException {
  /** Why a token was refused. */
  public enum Reason {
    MISSING, MALFORMED, BAD_SIGNATURE, UNKNOWN_KEY, ALGORITHM, EXPIRED, NOT_YET_VALID, AUDIENCE, ISSUER, REVOKED;

    /** e.g. {@code bad-signature}, for logs and metric tags. */
    public String slug() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
  }

  private final Reason reason;

  public InvalidTokenException(Reason reason, String detail) {
    super(detail, null, false, false); // refusals are expected: no stack trace to fill
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
