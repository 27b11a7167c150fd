package dev.ooda.kit;

import com.linecorp.armeria.client.ClientRequestContext;
import com.linecorp.armeria.client.Endpoint;
import com.linecorp.armeria.client.endpoint.AbstractEndpointSelector;
import com.linecorp.armeria.client.endpoint.EndpointGroup;
import com.linecorp.armeria.client.endpoint.EndpointSelectionStrategy;
import com.linecorp.armeria.client.endpoint.EndpointSelector;
import dev.ooda.model.Instance;
import io.netty.util.AttributeKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Chooses an instance by the power of two choices on requests in flight: two instances are drawn
 * at random and the less busy one wins. A slow instance holds its requests longer, so it is chosen
 * less, without any latency bookkeeping. Instances in the caller's zone are preferred while any of
 * them is available; instances that are ejected (their circuit is open, or a connection to them was
 * just refused) are passed over, unless every instance is ejected.
 */
final class Balancer implements EndpointSelectionStrategy {
  /** The registry's record of the instance behind an endpoint. */
  static final AttributeKey<Instance> INSTANCE = AttributeKey.valueOf(Balancer.class, "INSTANCE");

  private final String zone;
  private final Function<Endpoint, Breaker> breakers;
  private final Map<String, Node> nodes = new ConcurrentHashMap<>();

  /** {@code zone}: the caller's zone, or null for none; {@code breakers} makes each instance's breaker. */
  Balancer(String zone, Function<Endpoint, Breaker> breakers) {
    this.zone = zone;
    this.breakers = breakers;
  }

  /** The state kept for an endpoint's instance, or null when it is not listed (any more). */
  Node node(Endpoint e) {
    return e == null ? null : nodes.get(e.authority());
  }

  @Override
  public EndpointSelector newSelector(EndpointGroup group) {
    return new Selector(group);
  }

  /**
   * One instance as the balancer sees it: requests in flight, its circuit breaker, and when it
   * may be chosen again.
   */
  static final class Node {
    final Endpoint endpoint;
    final boolean local;
    final Breaker breaker;
    final AtomicInteger inFlight = new AtomicInteger();
    private volatile long ejectedUntilNanos;

    Node(Endpoint endpoint, boolean local, Breaker breaker) {
      this.endpoint = endpoint;
      this.local = local;
      this.breaker = breaker;
    }

    /** Not chosen for {@code nanos} unless every other instance is ejected too. */
    void eject(long nanos) {
      ejectedUntilNanos = System.nanoTime() + nanos;
    }

    void readmit() {
      ejectedUntilNanos = 0;
    }

    boolean available(long now) {
      long until = ejectedUntilNanos;
      return (until == 0 || now - until >= 0) && breaker.mayAdmit();
    }
  }

  private final class Selector extends AbstractEndpointSelector {
    private volatile Node[] local = new Node[0];
    private volatile Node[] all = new Node[0];

    Selector(EndpointGroup group) {
      super(group);
      initialize();
    }

    @Override
    protected void updateNewEndpoints(List<Endpoint> endpoints) {
      List<Node> l = new ArrayList<>();
      List<Node> a = new ArrayList<>();
      java.util.Set<String> listed = new java.util.HashSet<>();
      for (Endpoint e : endpoints) {
        Instance i = e.attr(INSTANCE);
        boolean isLocal = zone != null && i != null && zone.equals(i.zone());
        // Keep the counts of instances that stay, so that a change of the list forgets nothing.
        Node n = nodes.compute(e.authority(), (k, old) -> old != null && old.local == isLocal ? old : new Node(e, isLocal, breakers.apply(e)));
        a.add(n);
        listed.add(e.authority());
        if (isLocal) l.add(n);
      }
      nodes.keySet().retainAll(listed);
      local = l.toArray(Node[]::new);
      all = a.toArray(Node[]::new);
    }

    @Override
    protected Endpoint doSelectNow(ClientRequestContext ctx) {
      long now = System.nanoTime();
      Node n = choose(local, now);
      if (n == null) n = choose(all, now);
      if (n == null) {
        // Everything is ejected: better to try one than to fail without trying.
        Node[] nodes = all;
        if (nodes.length == 0) return null;
        n = nodes[ThreadLocalRandom.current().nextInt(nodes.length)];
      }
      return n.endpoint;
    }
  }

  /** Power of two choices among the available nodes, or null when none is available. */
  static Node choose(Node[] nodes, long now) {
    int size = nodes.length;
    if (size == 0) return null;
    ThreadLocalRandom r = ThreadLocalRandom.current();
    if (size == 1) return nodes[0].available(now) ? nodes[0] : null;
    int i = r.nextInt(size);
    int j = (i + 1 + r.nextInt(size - 1)) % size;
    Node a = nodes[i];
    Node b = nodes[j];
    boolean aOk = a.available(now);
    boolean bOk = b.available(now);
    if (aOk && bOk) return a.inFlight.get() <= b.inFlight.get() ? a : b;
    if (aOk) return a;
    if (bOk) return b;
    for (int k = 0; k < size; k++) {
      Node n = nodes[(j + 1 + k) % size];
      if (n.available(now)) return n;
    }
    return null;
  }

  @Override
  public String toString() {
    return "Balancer{zone=" + Objects.toString(zone) + "}";
  }
}
