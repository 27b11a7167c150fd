package dev.ooda.gateway.proxy;

import dev.ooda.access.AccessRules;
import dev.ooda.access.DecisionLog;

/**
 * Who the gateway is to the services behind it and whose groups it enforces: its service name
 * (sent as {@code ooda-caller}, checked against groups), its tokens, the compiled groups and the
 * log of its refusals. Each is one immutable value swapped whole when the assembler pushes a new one.
 */
public final class EdgeAccess {
  /** The gateway's service name when none is given. */
  public static final String DEFAULT_SERVICE = dev.ooda.gateway.observe.Tracing.SERVICE;

  private volatile String service = DEFAULT_SERVICE;
  private volatile OriginTokens tokens = OriginTokens.NONE;
  private volatile AccessRules rules = AccessRules.NONE;
  private volatile DecisionLog decisions = new DecisionLog(DEFAULT_SERVICE);

  public String service() {
    return service;
  }

  OriginTokens tokens() {
    return tokens;
  }

  AccessRules rules() {
    return rules;
  }

  public DecisionLog decisions() {
    return decisions;
  }

  /** A new identity; the previous token supplier is closed. */
  synchronized void identity(String service, OriginTokens tokens) {
    OriginTokens old = this.tokens;
    if (!service.equals(this.service)) this.decisions = new DecisionLog(service);
    this.service = service;
    this.tokens = tokens;
    old.close();
  }

  void rules(AccessRules rules) {
    this.rules = rules;
  }

  void close() {
    tokens.close();
  }
}
