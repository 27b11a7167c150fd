package dev.ooda.model;

/** Names of the HTTP headers that ooda itself defines, shared by every role and the kit. */
public final class Headers {
  /**
   * The calling service's name, sent by the kit on every call. Services check callers against it,
   * and access logs and metrics record it as {@code caller}.
   */
  public static final String CALLER = "ooda-caller";

  private Headers() {}
}
