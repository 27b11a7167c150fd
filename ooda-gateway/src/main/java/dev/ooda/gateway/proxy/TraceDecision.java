package dev.ooda.gateway.proxy;

import dev.ooda.gateway.observe.Sampler;
import dev.ooda.gateway.observe.Tracing;
import dev.ooda.model.Problem;

/** Joins the caller's trace, or starts one, and decides whether it is sampled. */
final class TraceDecision implements InboundStage {
  private final Sampler standard;

  /** @param standard decides for routes without a {@code sampleRate} of their own */
  TraceDecision(Sampler standard) {
    this.standard = standard;
  }

  @Override
  public Problem apply(InboundRequest r) {
    Sampler own = r.route.sampler;
    r.trace = Tracing.extract(r.headers, own != null ? own : standard);
    return null;
  }
}
