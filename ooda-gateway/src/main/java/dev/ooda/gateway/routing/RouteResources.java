package dev.ooda.gateway.routing;

import dev.ooda.gateway.observe.TargetMeters;
import dev.ooda.gateway.resilience.Origins;
import dev.ooda.gateway.resilience.RetryBudget;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import dev.ooda.access.ExternalJwtVerifier;
import dev.ooda.model.RouteSpec;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** What compiled routes share across route-table swaps: origins, meters and retry budgets. */
public final class RouteResources {
  public final Origins origins;
  final MeterRegistry registry;
  private final ConcurrentHashMap<String, RetryBudget> budgets = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, TargetMeters> meters = new ConcurrentHashMap<>();
  /** Verifiers of routes' external JWTs by their settings, so a route-table swap keeps their fetched keys. */
  private final ConcurrentHashMap<RouteSpec.Jwt, ExternalJwtVerifier> verifiers = new ConcurrentHashMap<>();
  /** Fetches a new verifier's JWK set off the request path, so the first request does not wait for it. */
  private final ExecutorService warmUps = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "ooda-gateway-jwks");
    t.setDaemon(true);
    return t;
  });

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

  ExternalJwtVerifier jwt(RouteSpec.Jwt spec) {
    return verifiers.computeIfAbsent(spec, s -> {
      ExternalJwtVerifier v = ExternalJwtVerifier.of(s);
      warmUps.execute(v::warmUp);
      return v;
    });
  }

  /** Closes the JWT verifiers that no route of {@code table} uses any more. */
  public void retainVerifiers(RouteTable table) {
    java.util.Set<ExternalJwtVerifier> used = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    for (CompiledRoute r : table.routes()) if (r.jwt != null) used.add(r.jwt);
    verifiers.values().removeIf(v -> {
      if (used.contains(v)) return false;
      v.close();
      return true;
    });
  }

  public void close() {
    warmUps.shutdownNow();
    verifiers.values().forEach(ExternalJwtVerifier::close);
    verifiers.clear();
  }

  public TargetMeters meters(String route, String target, String version) {
    return meters.computeIfAbsent(route + '\0' + target + '\0' + (version == null ? "" : version),
        k -> new TargetMeters(registry, route, target, version));
  }
}
