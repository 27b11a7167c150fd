package dev.ooda.gateway.proxy;

import dev.ooda.gateway.routing.CompiledRoute;
import dev.ooda.gateway.routing.Split;
import dev.ooda.gateway.server.Problems;
import dev.ooda.model.Problem;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks the route's target: by the pinned version when the request names one, else by the
 * user's bucket over the weighted split. Stub routes have no target.
 */
final class TargetChoice implements InboundStage {
  @Override
  public Problem apply(InboundRequest r) {
    CompiledRoute route = r.route;
    if (route.stub != null) {
      r.meters = route.stubMeters;
      return null;
    }
    r.pinned = route.pinnable ? r.headers.get(route.versionHeader) : null;
    Split split = r.pinned == null ? route.split : route.splitFor(r.pinned);
    if (split == null) return Problems.noVersion(route.name, r.pinned);
    r.target = split.single() ? split.targets[0] : split.pick(bucket(r));
    r.meters = r.target.meters;
    return null;
  }

  /** The user's bucket: from the sticky key, else from the gateway's cookie, else a new one the cookie keeps. */
  private static int bucket(InboundRequest r) {
    CompiledRoute route = r.route;
    String key = route.stickyCookie != null ? r.cookie(route.stickyCookie)
        : route.stickyHeader != null ? r.header(route.stickyHeader) : null;
    if (key != null && !key.isEmpty()) return Split.bucketOf(key);
    String kept = r.cookie(route.bucketCookie);
    if (kept != null) {
      try {
        int b = Integer.parseInt(kept);
        if (b >= 0 && b < Split.BUCKETS) return b;
      } catch (NumberFormatException ignored) {
        // a new bucket below
      }
    }
    int b = ThreadLocalRandom.current().nextInt(Split.BUCKETS);
    r.setCookie = route.bucketCookie + "=" + b + "; Path=/; Max-Age=2592000; HttpOnly; SameSite=Lax";
    return b;
  }
}
