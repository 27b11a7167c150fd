package dev.ooda.gateway;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.ConcurrentHashMap;

/** What compiled routes share across route-table swaps: origins, meters and retry budgets. */
final class RouteResources {
  final Origins origins;
  final MeterRegistry registry;
  private final ConcurrentHashMap<String, RetryBudget> budgets = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, TargetMeters> meters = new ConcurrentHashMap<>();

  RouteResources(Origins origins, MeterRegistry registry) {
    this.origins = origins;
    this.registry = registry;
  }

  static RouteResources standalone() {
    return new RouteResources(new Origins(), new SimpleMeterRegistry());
  }

  RetryBudget budget(String route) {
    return budgets.computeIfAbsent(route, r -> RetryBudget.standard());
  }

  TargetMeters meters(String route, String target, String version) {
    return meters.computeIfAbsent(route + '\0' + target + '\0' + (version == null ? "" : version),
        k -> new TargetMeters(registry, route, target, version));
  }
}
