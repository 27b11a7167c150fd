package dev.ooda.gateway;

/**
 * A route's target, compiled: a service (and version) resolved against the instance table per
 * request, or a fixed endpoint resolved once.
 */
final class TargetRef {
  final String service;
  final String version;
  final Endpoint fixed;
  /** {@link #fixed} alone, as the candidates the endpoint picker chooses from; null for a service. */
  final Endpoint[] fixedOnly;
  final int weight;
  /** How metrics and logs name it: {@code catalog}, or the URL. */
  final String label;
  final TargetMeters meters;

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
