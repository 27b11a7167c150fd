package dev.ooda.gateway.resilience;

import dev.ooda.gateway.server.Problems;
import dev.ooda.model.Problem;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Chooses the instance an attempt goes to: the power of two choices by requests in flight,
 * among instances that are not ejected and not at their concurrency limit.
 */
public final class EndpointPicker {
  private EndpointPicker() {}

  /**
   * Takes a request slot on one of {@code eps} and returns its endpoint, or null when none can take
   * the request. {@code avoid} (the origin tried last, or null) is taken only when nothing else can be.
   * Below the panic threshold ejections are ignored, so that a few survivors are not flooded.
   */
  public static Endpoint pick(Endpoint[] eps, Origin avoid, OriginLimits limits, long now) {
    int n = eps.length;
    int limit = limits.maxConcurrent();
    ThreadLocalRandom r = ThreadLocalRandom.current();
    int ia = r.nextInt(n);
    Endpoint a = eps[ia];
    Endpoint b = n == 1 ? a : eps[(ia + 1 + r.nextInt(n - 1)) % n];
    if (b.origin().inFlight() < a.origin().inFlight()) {
      Endpoint t = a;
      a = b;
      b = t;
    }
    // Counting the healthy costs a pass over the instances: only done while a chosen one is ejected.
    boolean panic = (a.origin().ejected(now) || b.origin().ejected(now)) && panics(eps, limits, now);
    for (int pass = 0; pass < 2; pass++) {
      Origin skip = pass == 0 ? avoid : null;
      if (takes(a, now, skip, limit, panic)) return a;
      if (b != a && takes(b, now, skip, limit, panic)) return b;
      for (int i = 0; i < n; i++) {
        Endpoint e = eps[(ia + i) % n];
        if (takes(e, now, skip, limit, panic)) return e;
      }
      if (avoid == null) break;
    }
    return null;
  }

  private static boolean takes(Endpoint e, long now, Origin skip, int limit, boolean panic) {
    Origin o = e.origin();
    return o != skip && (panic || o.available(now)) && o.tryAcquire(limit);
  }

  /** Envoy's healthy panic threshold: fewer than {@code panicThreshold} percent of the instances are not ejected. */
  static boolean panics(Endpoint[] eps, OriginLimits limits, long now) {
    int ejected = ejected(eps, now);
    return (eps.length - ejected) * 100L < (long) limits.panicThreshold() * eps.length;
  }

  /**
   * Envoy's {@code max_ejection_percent}: whether one more of {@code peers} may be ejected. At most
   * {@code maxEjectionPercent} of them are out at once, and never the last one that is in.
   */
  static boolean mayEject(Endpoint[] peers, OriginLimits limits, long now) {
    if (peers == null) return true;
    int out = ejected(peers, now) + 1;
    return out < peers.length && out * 100L <= (long) limits.maxEjectionPercent() * peers.length;
  }

  private static int ejected(Endpoint[] eps, long now) {
    int n = 0;
    for (Endpoint e : eps) if (e.origin().ejected(now)) n++;
    return n;
  }

  /** Why {@link #pick} found nothing for {@code what}: every instance ejected, or every one full. */
  public static Problem none(String what, Endpoint[] eps, OriginLimits limits, long now) {
    if (ejected(eps, now) == eps.length) {
      return Problems.unavailable("all " + eps.length + " instances of " + what + " are ejected after consecutive failures");
    }
    return Problems.overloaded("every instance of " + what + " has " + limits.maxConcurrent() + " requests in flight");
  }
}
