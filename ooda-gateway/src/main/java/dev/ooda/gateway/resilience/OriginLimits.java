package dev.ooda.gateway.resilience;

import java.time.Duration;

/**
 * How the gateway treats each origin.
 *
 * @param maxConcurrent       requests in flight to one origin; past it, other instances are tried
 *                            and then the request is shed with 503. Default 512.
 * @param maxInFlight         requests in flight through the whole gateway; past it, requests are
 *                            shed with 503 and Retry-After rather than queued. Default 10,000.
 * @param connectTimeout      to open a connection to an origin. Default 2s.
 * @param idleTimeout         a pooled origin connection unused this long is closed. Default 60s.
 * @param maxIdlePerLoop      pooled idle connections kept per origin per event loop. Default 64.
 * @param consecutiveFailures failures in a row (connect errors, resets, timeouts, 5xx) that eject
 *                            an origin. Default 5.
 * @param baseEjection        first ejection time; it doubles with each ejection in a row.
 *                            After it, one request probes the origin. Default 10s.
 * @param maxEjection         the longest ejection. Default 5m.
 * @param maxEjectionPercent  at most this share of a target's instances is ejected at once, and never
 *                            the last one that is in (Envoy's {@code max_ejection_percent}): a single
 *                            instance is never ejected. Default 50.
 * @param panicThreshold      when fewer than this percent of a target's instances are in, ejections are
 *                            ignored and all of them take traffic (Envoy's healthy panic threshold), so
 *                            that the few left are not flooded. Default 50; 0 turns it off.
 */
public record OriginLimits(
    int maxConcurrent, int maxInFlight, Duration connectTimeout, Duration idleTimeout, int maxIdlePerLoop,
    int consecutiveFailures, Duration baseEjection, Duration maxEjection, int maxEjectionPercent, int panicThreshold) {

  public static final OriginLimits DEFAULT = new OriginLimits(512, 10_000, Duration.ofSeconds(2),
      Duration.ofSeconds(60), 64, 5, Duration.ofSeconds(10), Duration.ofMinutes(5), 50, 50);

  public OriginLimits {
    if (maxEjectionPercent < 0 || maxEjectionPercent > 100) throw new IllegalArgumentException("maxEjectionPercent must be 0..100");
    if (panicThreshold < 0 || panicThreshold > 100) throw new IllegalArgumentException("panicThreshold must be 0..100");
  }

  public OriginLimits withMaxConcurrent(int n) {
    return new OriginLimits(n, maxInFlight, connectTimeout, idleTimeout, maxIdlePerLoop, consecutiveFailures, baseEjection, maxEjection, maxEjectionPercent, panicThreshold);
  }

  public OriginLimits withMaxInFlight(int n) {
    return new OriginLimits(maxConcurrent, n, connectTimeout, idleTimeout, maxIdlePerLoop, consecutiveFailures, baseEjection, maxEjection, maxEjectionPercent, panicThreshold);
  }

  public OriginLimits withEjection(int failures, Duration base, Duration max) {
    return new OriginLimits(maxConcurrent, maxInFlight, connectTimeout, idleTimeout, maxIdlePerLoop, failures, base, max,
        maxEjectionPercent, panicThreshold);
  }

  /** Envoy's {@code max_ejection_percent} and healthy panic threshold, both in percent. */
  public OriginLimits withEjectionCaps(int maxEjectionPercent, int panicThreshold) {
    return new OriginLimits(maxConcurrent, maxInFlight, connectTimeout, idleTimeout, maxIdlePerLoop, consecutiveFailures,
        baseEjection, maxEjection, maxEjectionPercent, panicThreshold);
  }
}
