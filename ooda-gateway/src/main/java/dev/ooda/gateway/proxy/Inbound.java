package dev.ooda.gateway.proxy;

import dev.ooda.gateway.GatewayOptions;
import dev.ooda.gateway.observe.RateLimitingSampler;
import dev.ooda.model.Problem;
import java.util.function.LongSupplier;

/** The inbound stage: every check and decision made on a request head before an origin is picked. */
final class Inbound {
  private final InboundStage[] stages;

  Inbound(GatewayOptions options) {
    this(options, new EdgeAccess(), System::nanoTime);
  }

  /** @param nanoTime the sampler's ticker */
  Inbound(GatewayOptions options, LongSupplier nanoTime) {
    this(options, new EdgeAccess(), nanoTime);
  }

  /** @param edge the gateway's identity and the groups it enforces */
  Inbound(GatewayOptions options, EdgeAccess edge, LongSupplier nanoTime) {
    // In order: checks of the message itself, then routing decisions. A new check is one line here.
    this.stages = new InboundStage[] {
        new DecodeCheck(options.maxHeaderSize()),
        new VersionCheck(),
        new RequestTargetCheck(),
        new HostCheck(),
        new BodyLengthCheck(options.maxBodySize()),
        new RouteMatch(),
        new FlagHeader(),
        new TraceDecision(new RateLimitingSampler(options.tracesPerSecond(), nanoTime)),
        new TargetChoice(),
        new RouteAuthCheck(),
        new AccessCheck(edge),
    };
  }

  /** Runs the stages until one refuses the request: its problem, or null when the request may go on. */
  Problem run(InboundRequest r) {
    for (InboundStage s : stages) {
      Problem p = s.apply(r);
      if (p != null) return p;
    }
    return null;
  }

  /**
   * Whether a refusal leaves the connection's framing in doubt (a malformed or oversized message),
   * so that the connection must close after the answer.
   */
  static boolean closes(Problem p) {
    int s = p.status();
    return s == 400 || s == 413 || s == 414 || s == 431;
  }
}
