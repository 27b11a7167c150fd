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
 *   access:
 *     mode: enforce
 *     callers:
 *       - service: orders
 *       - {service: edge, methods: [GET], paths: ["/api/catalog/**"]}
 *   contract: {mode: enforce, unusedOk: true, window: 7d}
 * </pre>
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ServiceSpec(
    String description, String owner, List<Endpoint> endpoints, Lease lease, Health health, Access access,
    Contract contract) implements Spec {

  public static final Kind<ServiceSpec> KIND = Kind.of("Service", "services", ServiceSpec.class, ServiceSpec::check);

  public ServiceSpec {
    endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
  }

  /** A spec without a contract policy (the default one applies). */
  public ServiceSpec(String description, String owner, List<Endpoint> endpoints, Lease lease, Health health, Access access) {
    this(description, owner, endpoints, lease, health, access, null);
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

  /**
   * The service's security group: the services that may call it. Rules only allow; a service in
   * {@code enforce} mode refuses every caller not listed, one in {@code audit} mode lets it through
   * and records that it would have refused, one in {@code off} mode (the default, also when
   * {@code access} is absent) checks nothing. The mode also governs the service's data namespaces.
   */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record Access(String mode, List<Caller> callers) {
    public static final String ENFORCE = "enforce";
    public static final String AUDIT = "audit";
    public static final String OFF = "off";
    public static final List<String> MODES = List.of(ENFORCE, AUDIT, OFF);

    public Access {
      // YAML 1.1 reads a bare `off` as the boolean false.
      if ("false".equals(mode)) mode = OFF;
      callers = callers == null ? List.of() : List.copyOf(callers);
    }

    /** The mode, {@code enforce} when a group is given without one: listing callers means it. */
    public String effectiveMode() {
      return mode == null ? ENFORCE : mode;
    }
  }

  /**
   * One entry of a group: a calling service, and optionally the methods and paths it may use
   * (all when absent). Paths are globs: {@code *} matches within one segment, {@code **} any
   * number of segments, so {@code /api/catalog/**} covers {@code /api/catalog} and all below it.
   */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record Caller(String service, List<String> methods, List<String> paths) {
    public Caller {
      methods = methods == null ? List.of() : List.copyOf(methods);
      paths = paths == null ? List.of() : List.copyOf(paths);
    }
  }

  /**
   * What happens when a version registers (or is pushed) with an OpenAPI document that breaks the
   * active document of its major version (see docs/contracts.md). In {@code enforce} mode it is
   * refused, unless {@code unusedOk} is true and no caller used any broken operation within
   * {@code window}; in {@code warn} mode (the default, also when {@code contract} is absent) it is
   * taken and flagged; in {@code off} mode it is taken silently.
   *
   * @param mode     enforce, warn or off
   * @param unusedOk in enforce mode, let a breaking change pass when no caller used the operations it breaks
   * @param window   how far back callers are looked for; default 7d
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Contract(String mode, Boolean unusedOk, Duration window) {
    public static final String ENFORCE = "enforce";
    public static final String WARN = "warn";
    public static final String OFF = "off";
    public static final List<String> MODES = List.of(ENFORCE, WARN, OFF);
    public static final Duration DEFAULT_WINDOW = Duration.ofDays(7);
    public static final Contract DEFAULT = new Contract(WARN, false, DEFAULT_WINDOW);

    public Contract {
      // YAML 1.1 reads a bare `off` as the boolean false.
      if ("false".equals(mode)) mode = OFF;
    }

    public String effectiveMode() {
      return mode == null ? WARN : mode;
    }

    public boolean effectiveUnusedOk() {
      return Boolean.TRUE.equals(unusedOk);
    }

    public Duration effectiveWindow() {
      return window == null ? DEFAULT_WINDOW : window;
    }
  }

  /** The contract policy in force, with defaults filled in. */
  public Contract effectiveContract() {
    Contract c = contract == null ? Contract.DEFAULT : contract;
    return new Contract(c.effectiveMode(), c.effectiveUnusedOk(), c.effectiveWindow());
  }

  /** The access mode in force: {@code off} when the service has no group. */
  public String accessMode() {
    return access == null ? Access.OFF : access.effectiveMode();
  }

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
    if (s.access() != null) checkAccess(s.access(), v.at("access"));
    if (s.contract() != null) {
      Contract c = s.contract();
      if (c.mode() != null && !Contract.MODES.contains(c.mode()))
        v.add("contract.mode", "'" + c.mode() + "' must be one of " + String.join(", ", Contract.MODES));
      if (c.window() != null) v.check(!c.window().isNegative() && !c.window().isZero(), "contract.window", "must be positive");
    }
  }

  private static final java.util.Set<String> METHODS =
      java.util.Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT");

  private static void checkAccess(Access a, Violations v) {
    if (a.mode() != null && !Access.MODES.contains(a.mode()))
      v.add("mode", "'" + a.mode() + "' must be one of " + String.join(", ", Access.MODES));
    for (int i = 0; i < a.callers().size(); i++) {
      Caller c = a.callers().get(i);
      Violations at = v.at("callers[" + i + "]");
      String bad = Names.problem(c.service());
      if (bad != null) at.add("service", bad);
      for (int m = 0; m < c.methods().size(); m++) {
        String method = c.methods().get(m);
        if (method == null || !METHODS.contains(method))
          at.add("methods[" + m + "]", "'" + method + "' must be an HTTP method in capitals, e.g. GET");
      }
      for (int p = 0; p < c.paths().size(); p++) {
        String path = c.paths().get(p);
        if (path == null || !path.startsWith("/")) at.add("paths[" + p + "]", "'" + path + "' must start with '/'");
        else if (path.contains("***")) at.add("paths[" + p + "]", "'" + path + "': use * for one segment and ** for any number");
      }
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
