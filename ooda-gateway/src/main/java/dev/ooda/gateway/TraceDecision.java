package dev.ooda.gateway;

import dev.ooda.model.Problem;

/** Joins the caller's trace, or starts one, and decides whether it is sampled. */
final class TraceDecision implements InboundStage {
  @Override
  public Problem apply(InboundRequest r) {
    r.trace = Tracing.extract(r.headers, r.route.sampleRate);
    return null;
  }
}
