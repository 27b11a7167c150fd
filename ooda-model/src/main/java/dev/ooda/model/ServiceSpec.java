package dev.ooda.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A service: who owns it, how its instances keep their leases, how they are checked, and, for
 * systems that do not register themselves (a monolith, a legacy system), fixed endpoints.
 *
 * <pre>
 * kind: Service
 * name: catalog
 * spec:
 *   owner: team-catalog
 *   lease: {heartbeat: 5s, expiry: 15s}
 *   health: {path: /health, interval: 5s}
 *   endpoints: [{url: "http://127.0.0.1:3000", version: v1}]
 * </pre>
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ServiceSpec(
    String description, String owner, List<Endpoint> endpoints, Lease lease, Health health) implements Spec {

  public static final Kind<ServiceSpec> KIND = Kind.of("Service", "services", ServiceSpec.class, ServiceSpec::check);

  public ServiceSpec {
    endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
  }

  /** A fixed endpoint that never expires. */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record Endpoint(String url, String version, String zone, Map<String, String> metadata) {
    public Endpoint {
      metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }
  }

  /** How often instances renew their lease, and when an instance that stopped renewing expires. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Lease(Duration heartbeat, Duration expiry) {
    public static final Lease DEFAULT = new Lease(Duration.ofSeconds(5), Duration.ofSeconds(15));
  }

  /** An active HTTP health check on each instance. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Health(String path, Duration interval, Duration timeout) {}

  /** The lease settings with defaults filled in. */
  public Lease effectiveLease() {
    Lease l = lease == null ? Lease.DEFAULT : lease;
    return new Lease(
        l.heartbeat() == null ? Lease.DEFAULT.heartbeat() : l.heartbeat(),
        l.expiry() == null ? Lease.DEFAULT.expiry() : l.expiry());
  }

  static void check(ServiceSpec s, Violations v) {
    for (int i = 0; i < s.endpoints().size(); i++) {
      Endpoint e = s.endpoints().get(i);
      Violations at = v.at("endpoints[" + i + "]");
      String bad = Urls.problem(e.url());
      if (bad != null) at.add("url", bad);
    }
    if (s.lease() != null) {
      Lease l = s.effectiveLease();
      v.check(!l.heartbeat().isNegative() && !l.heartbeat().isZero(), "lease.heartbeat", "must be positive");
      v.check(l.expiry().compareTo(l.heartbeat()) > 0, "lease.expiry",
          "must be longer than lease.heartbeat (" + Durations.format(l.heartbeat()) + ")");
    }
    if (s.health() != null) {
      String p = s.health().path();
      v.check(p != null && p.startsWith("/"), "health.path", "must start with '/'");
    }
  }

  /** Checks origin URLs: absolute http(s) with a host and a port or default port. */
  static final class Urls {
    private Urls() {}

    static String problem(String url) {
      if (url == null || url.isBlank()) return "is required";
      try {
        URI u = new URI(url);
        if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()))
          return "'" + url + "' must start with http:// or https://";
        if (u.getHost() == null) return "'" + url + "' has no host";
        return null;
      } catch (Exception e) {
        return "'" + url + "' is not a URL";
      }
    }
  }
}
