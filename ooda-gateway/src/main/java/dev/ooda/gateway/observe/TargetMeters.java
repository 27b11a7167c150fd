package dev.ooda.gateway.observe;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Latency histograms of one route, target and version, one per status class, made on first use. */
public final class TargetMeters {
  static final String REQUESTS = "ooda.gateway.requests";
  private static final Duration[] BUCKETS = {
      Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
      Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
      Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30)};
  private static final String[] CLASSES = {"1xx", "1xx", "2xx", "3xx", "4xx", "5xx"};

  private final MeterRegistry registry;
  private final String route;
  private final String target;
  private final String version;
  // Racy on purpose: the registry hands back the same timer to every writer.
  private final Timer[] byClass = new Timer[6];

  public TargetMeters(MeterRegistry registry, String route, String target, String version) {
    this.registry = registry;
    this.route = route;
    this.target = target;
    this.version = version == null ? "" : version;
  }

  public void remove() {
    for (Timer t : byClass) if (t != null) registry.remove(t);
  }

  public void record(int status, long nanos) {
    int c = Math.max(1, Math.min(5, status / 100));
    Timer t = byClass[c];
    if (t == null) {
      t = Timer.builder(REQUESTS)
          .description("Requests through the gateway, by route, target, version and status class")
          .tags("route", route, "target", target, "version", version, "status", CLASSES[c])
          .serviceLevelObjectives(BUCKETS)
          .register(registry);
      byClass[c] = t;
    }
    t.record(nanos, TimeUnit.NANOSECONDS);
  }
}
