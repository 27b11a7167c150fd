package dev.ooda.gateway.proxy;

import dev.ooda.access.AccessRules;
import dev.ooda.access.Decision;
import dev.ooda.gateway.routing.CompiledRoute;
import dev.ooda.gateway.routing.TargetRef;
import dev.ooda.model.Problem;

/**
 * Enforces the group of the target service at the edge, for services that cannot check tokens
 * themselves (a monolith): may the gateway call it with this method and path, as the origin will
 * see them? In {@code enforce} a refusal answers 403; in {@code audit} the request goes on as a
 * would-deny. Either is logged as a decision line, counted, and marked on the request for the
 * span and the access log. Targets that are URLs, and services in mode {@code off}, cost one map lookup.
 */
final class AccessCheck implements InboundStage {
  private final EdgeAccess edge;

  AccessCheck(EdgeAccess edge) {
    this.edge = edge;
  }

  @Override
  public Problem apply(InboundRequest r) {
    TargetRef t = r.target;
    if (t == null || t.service == null) return null;
    AccessRules rules = edge.rules();
    if (!rules.checks(t.service)) return null;
    CompiledRoute route = r.route;
    String path = route.rewritesPath() ? route.rewritePath(r.path()) : r.path();
    Decision d = rules.decide(edge.service(), t.service, r.method(), path);
    if (d.outcome() == Decision.Outcome.ALLOW) return null;
    edge.decisions().record(d);
    r.access = d;
    if (d.letsThrough()) {
      r.error = "would-deny " + d.refusal().slug();
      return null;
    }
    r.error = d.refusal().slug();
    return d.problem();
  }
}
