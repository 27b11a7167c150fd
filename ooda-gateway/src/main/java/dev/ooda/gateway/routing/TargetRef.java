package dev.ooda.gateway.routing;

import dev.ooda.gateway.observe.TargetMeters;
import dev.ooda.gateway.resilience.Endpoint;

/**
 * A route's target, compiled: a service (and version) resolved against the instance table per
 * request, or a fixed endpoint resolved once.
 */
public final class TargetRef {
  public final String service;
  public final String version;
  public final Endpoint fixed;
  /** {@link #fixed} alone, as the candidates the endpoint picker chooses from; null for a service. */
  public final Endpoint[] fixedOnly;
  final int weight;
  /** How metrics and logs name it: {@code catalog}, or the URL. */
  public final String label;
  public final TargetMeters meters;

  TargetRef(String service, String version, Endpoint fixed, int weight, String label, TargetMeters meters) {
    this.service = service;
    this.version = version;
    this.fixed = fixed;
    this.fixedOnly = fixed == null ? null : new Endpoint[] {fixed};
    this.weight = weight;
    this.label = label;
    this.meters = meters;
  }

  @Override
  public String toString() {
    return label + (version == null ? "" : "@" + version);
  }
}
