package dev.ooda.gateway.routing;

import dev.ooda.gateway.observe.TargetMeters;
import dev.ooda.gateway.resilience.Origins;
import dev.ooda.gateway.resilience.RetryBudget;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.ConcurrentHashMap;

/** What compiled routes share across route-table swaps: origins, meters and retry budgets. */
public final class RouteResources {
  public final Origins origins;
  final MeterRegistry registry;
  private final ConcurrentHashMap<String, RetryBudget> budgets = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, TargetMeters> meters = new ConcurrentHashMap<>();

  public RouteResources(Origins origins, MeterRegistry registry) {
    this.origins = origins;
    this.registry = registry;
  }

  public static RouteResources standalone() {
    return new RouteResources(new Origins(), new SimpleMeterRegistry());
  }

  RetryBudget budget(String route) {
    return budgets.computeIfAbsent(route, r -> RetryBudget.standard());
  }

  /** Forgets the meters and budgets of routes that are gone, so that /metrics stops listing them. */
  public void retainRoutes(java.util.Set<String> routes) {
    meters.entrySet().removeIf(e -> {
      String route = e.getKey().substring(0, e.getKey().indexOf('\0'));
      if (route.isEmpty() || routes.contains(route)) return false;
      e.getValue().remove();
      return true;
    });
    budgets.keySet().retainAll(routes);
  }

  public TargetMeters meters(String route, String target, String version) {
    return meters.computeIfAbsent(route + '\0' + target + '\0' + (version == null ? "" : version),
        k -> new TargetMeters(registry, route, target, version));
  }
}
