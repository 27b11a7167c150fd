package dev.ooda.gateway.proxy;

import dev.ooda.gateway.server.Problems;
import dev.ooda.model.Problem;

/** Finds the route that takes the request: 404 when none does. */
final class RouteMatch implements InboundStage {
  @Override
  public Problem apply(InboundRequest r) {
    r.route = r.table.match(r);
    return r.route == null ? Problems.noRoute(r.method(), r.path()) : null;
  }
}
