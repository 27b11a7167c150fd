package dev.ooda.kit;

import com.linecorp.armeria.client.Endpoint;
import com.linecorp.armeria.client.endpoint.DynamicEndpointGroup;
import com.linecorp.armeria.client.endpoint.EndpointSelectionStrategy;
import dev.ooda.model.Instance;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The instances of one service that take traffic, as Armeria endpoints, kept current by a
 * {@link Discovery} watch. Each endpoint carries its {@link Instance} for the balancer.
 */
final class InstanceEndpointGroup extends DynamicEndpointGroup {
  /** How long a call waits for the first instance to appear before it fails. */
  static final long SELECTION_TIMEOUT_MILLIS = 500;

  private final Discovery.Subscription subscription;

  InstanceEndpointGroup(Discovery discovery, String service, EndpointSelectionStrategy strategy) {
    super(strategy, true, SELECTION_TIMEOUT_MILLIS);
    subscription = discovery.watch(service, this::update);
  }

  private void update(List<Instance> instances) {
    List<Endpoint> live = new ArrayList<>(instances.size());
    for (Instance i : instances) {
      if (i.takesTraffic()) live.add(Endpoint.of(i.host(), i.port()).withAttr(Balancer.INSTANCE, i));
    }
    setEndpoints(live);
  }

  @Override
  protected void doCloseAsync(CompletableFuture<?> future) {
    subscription.close();
    super.doCloseAsync(future);
  }
}
