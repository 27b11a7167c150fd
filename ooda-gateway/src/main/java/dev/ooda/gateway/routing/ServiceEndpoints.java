package dev.ooda.gateway.routing;

import dev.ooda.gateway.resilience.Endpoint;
import dev.ooda.gateway.resilience.Origins;
import dev.ooda.model.Instance;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** One service's instances that take traffic, grouped by version at update time. */
public final class ServiceEndpoints {
  public static final Endpoint[] NONE = new Endpoint[0];
  final String service;
  public final Endpoint[] all;
  private final Map<String, Endpoint[]> byVersion;

  private ServiceEndpoints(String service, Endpoint[] all, Map<String, Endpoint[]> byVersion) {
    this.service = service;
    this.all = all;
    this.byVersion = byVersion;
  }

  public static ServiceEndpoints of(String service, List<Instance> instances, Origins origins) {
    List<Endpoint> all = new ArrayList<>();
    Map<String, List<Endpoint>> versions = new HashMap<>();
    // Sorted by id so that every gateway builds the same arrays from the same list.
    instances.stream()
        .filter(Instance::takesTraffic)
        .sorted(java.util.Comparator.comparing(Instance::id, java.util.Comparator.nullsFirst(String::compareTo)))
        .forEach(i -> {
          Endpoint e = new Endpoint(i.id(), service, i.version(), origins.get(i.host(), i.port(), i.tls()));
          all.add(e);
          if (i.version() != null) versions.computeIfAbsent(i.version(), v -> new ArrayList<>()).add(e);
        });
    Map<String, Endpoint[]> byVersion = new HashMap<>();
    versions.forEach((v, l) -> byVersion.put(v, l.toArray(NONE)));
    return new ServiceEndpoints(service, all.toArray(NONE), Map.copyOf(byVersion));
  }

  /** Instances of {@code version}, or all when version is null. */
  public Endpoint[] version(String version) {
    if (version == null) return all;
    Endpoint[] e = byVersion.get(version);
    return e == null ? NONE : e;
  }
}
