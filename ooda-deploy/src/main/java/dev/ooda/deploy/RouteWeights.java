package dev.ooda.deploy;

import dev.ooda.model.RouteSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a Deployment moves traffic: it owns the targets of its service in one Route and nothing else
 * there. The service's share of the route (the sum of its targets' weights; all of it when the
 * route has no other target) is kept, and split between its versions by percent, one target
 * {@code {service, version, weight}} each. Other targets (the monolith's URL, other services) keep
 * their weights, so a route that sends 30% of a path to a new service keeps doing so while that
 * service's versions change under it.
 */
public final class RouteWeights {
  /** The share a service has when a route gives no weights: fine enough for 0.01% steps. */
  static final int FULL = 10_000;

  private RouteWeights() {}

  /**
   * The route with the targets of {@code service} replaced by one per version in {@code percents}
   * (in its order), weighted by percent of the service's share. Throws when the route has no
   * target for the service.
   */
  public static RouteSpec split(RouteSpec route, String routeName, String service, Map<String, Integer> percents) {
    List<RouteSpec.Target> to = route.to();
    boolean weighted = to.stream().allMatch(t -> t.weight() != null);
    int mine = 0;
    long share = 0;
    for (RouteSpec.Target t : to) {
      if (service.equals(t.service())) {
        mine++;
        share += weighted ? t.weight() : 0;
      }
    }
    if (mine == 0) {
      throw new IllegalStateException("route " + routeName + " has no target for service " + service
          + "; add one, e.g. to: [{service: " + service + "}]");
    }
    if (!weighted || mine == to.size()) share = FULL;
    if (share == 0) share = FULL / 100; // a service the route gave no traffic gets none, but its split stays readable
    List<RouteSpec.Target> out = new ArrayList<>();
    boolean placed = false;
    for (RouteSpec.Target t : to) {
      if (!service.equals(t.service())) {
        out.add(weighted ? t : new RouteSpec.Target(t.service(), t.version(), t.url(), FULL));
      } else if (!placed) {
        placed = true;
        for (Map.Entry<String, Integer> e : percents.entrySet()) {
          out.add(new RouteSpec.Target(service, e.getKey(), null, (int) Math.round(share * e.getValue() / 100.0)));
        }
      }
    }
    return route.withTo(out);
  }

  /** The percent of the service's share that each of its versions gets in the route (versionless targets under ""). */
  public static Map<String, Double> percents(RouteSpec route, String service) {
    Map<String, Double> out = new LinkedHashMap<>();
    boolean weighted = route.to().stream().allMatch(t -> t.weight() != null);
    double total = 0;
    for (RouteSpec.Target t : route.to()) if (service.equals(t.service())) total += weighted ? t.weight() : 1;
    for (RouteSpec.Target t : route.to()) {
      if (!service.equals(t.service())) continue;
      String v = t.version() == null ? "" : t.version();
      double w = weighted ? t.weight() : 1;
      out.merge(v, total == 0 ? 0 : 100.0 * w / total, Double::sum);
    }
    return out;
  }
}
