package dev.ooda.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * One running instance of a service, as the registry lists it.
 *
 * @param id        issued by the registry at registration; unique across services
 * @param service   the service's name
 * @param version   the version it runs, e.g. {@code v2}; may be null
 * @param host      address to connect to
 * @param port      port to connect to
 * @param zone      where it runs, for zone-aware balancing; may be null
 * @param status    see {@link Status}
 * @param metadata  free-form labels
 * @param healthPath path of its HTTP health check, or null for none
 * @param registeredAtMillis when it registered (epoch millis)
 * @param fixed     true for a service's fixed endpoint, which never expires
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Instance(
    String id, String service, String version, String host, int port, String zone, Status status,
    Map<String, String> metadata, String healthPath, long registeredAtMillis, boolean fixed) {

  public Instance {
    metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    status = status == null ? Status.UP : status;
  }

  /** Where an instance stands in its life. Only UP instances get new traffic. */
  public enum Status {
    /** registered, not yet ready for traffic */
    STARTING,
    /** serving */
    UP,
    /** finishing in-flight requests; no new traffic */
    DRAINING,
    /** failing its health checks or stopped; listed, but no traffic */
    DOWN
  }

  public Instance withStatus(Status s) {
    return new Instance(id, service, version, host, port, zone, s, metadata, healthPath, registeredAtMillis, fixed);
  }

  @JsonIgnore
  public boolean takesTraffic() {
    return status == Status.UP;
  }

  /** Whether the instance is spoken to over TLS ({@code metadata.scheme: https}). */
  @JsonIgnore
  public boolean tls() {
    return "https".equals(metadata.get("scheme"));
  }

  /**
   * A Service's fixed endpoint {@code n} as an instance: id {@code <service>.fixed-<n>}, which no
   * registered id can take; an {@code https} URL is marked {@link #tls()}. Null for a URL that is
   * not absolute (the Service validator refuses those).
   */
  public static Instance ofEndpoint(String service, int n, ServiceSpec.Endpoint e, String healthPath) {
    try {
      java.net.URI u = new java.net.URI(e.url());
      boolean tls = "https".equals(u.getScheme());
      int port = u.getPort() != -1 ? u.getPort() : tls ? 443 : 80;
      String host = u.getHost();
      if (host.startsWith("[")) host = host.substring(1, host.length() - 1);
      Map<String, String> meta = new java.util.HashMap<>(e.metadata());
      if (tls) meta.put("scheme", "https");
      return new Instance(service + ".fixed-" + n, service, e.version(), host, port, e.zone(), Status.UP,
          meta, healthPath, 0, true);
    } catch (Exception bad) {
      return null;
    }
  }

  /** {@code host:port}, with brackets around an IPv6 host. */
  @JsonIgnore
  public String authority() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}
