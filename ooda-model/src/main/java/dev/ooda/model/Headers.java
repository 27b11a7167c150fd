package dev.ooda.model;

/** Names of the HTTP headers that ooda itself defines, shared by every role and the kit. */
public final class Headers {
  /**
   * The calling service's name, sent by the kit on every call. Services check callers against it,
   * and access logs and metrics record it as {@code caller}.
   */
  public static final String CALLER = "ooda-caller";

  /**
   * The calling service's token: a JWT the control plane signed, whose {@code sub} is the caller
   * and whose {@code aud} is the called service. A header of its own, so that an end user's
   * {@code Authorization} passes through to a service untouched.
   */
  public static final String TOKEN = "ooda-token";

  /** The end user's subject, set by the gateway once a route's API key or JWT checked out. */
  public static final String SUBJECT = "ooda-subject";

  /**
   * The flags a gateway route evaluated for a request, sent to the origin as {@code key=variant}
   * pairs separated by commas. Set only by the gateway: one that comes from outside is dropped.
   */
  public static final String FLAGS = "ooda-flags";

  private Headers() {}
}
