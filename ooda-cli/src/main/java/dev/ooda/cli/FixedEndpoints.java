package dev.ooda.cli;

import dev.ooda.model.Instance;
import dev.ooda.model.Resource;
import dev.ooda.model.ServiceSpec;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/** Turns the fixed endpoints of Service resources into the instances a gateway routes to. */
final class FixedEndpoints implements Consumer<Map<String, Resource>> {
  private final BiConsumer<String, List<Instance>> sink;
  private Set<String> last = Set.of();

  FixedEndpoints(BiConsumer<String, List<Instance>> sink) {
    this.sink = sink;
  }

  @Override
  public synchronized void accept(Map<String, Resource> services) {
    Set<String> now = new HashSet<>();
    for (Resource r : services.values()) {
      ServiceSpec s = r.spec(ServiceSpec.class);
      if (s.endpoints().isEmpty()) continue;
      now.add(r.name());
      sink.accept(r.name(), instances(r.name(), s));
    }
    for (String gone : last) if (!now.contains(gone)) sink.accept(gone, List.of());
    last = now;
  }

  static List<Instance> instances(String service, ServiceSpec s) {
    List<Instance> out = new ArrayList<>();
    for (int i = 0; i < s.endpoints().size(); i++) {
      ServiceSpec.Endpoint e = s.endpoints().get(i);
      URI u = URI.create(e.url());
      int port = u.getPort() > 0 ? u.getPort() : "https".equals(u.getScheme()) ? 443 : 80;
      out.add(new Instance(service + "-fixed-" + i, service, e.version(), u.getHost(), port, e.zone(),
          Instance.Status.UP, e.metadata(), s.health() == null ? null : s.health().path(), 0, true));
    }
    return out;
  }
}
