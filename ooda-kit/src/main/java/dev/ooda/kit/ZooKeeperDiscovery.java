package dev.ooda.kit;

import dev.ooda.control.client.InstanceCache;
import dev.ooda.control.client.ZooKeeperClients;
import dev.ooda.model.Instance;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;

/**
 * Discovery from the registry itself: the control plane's {@link InstanceCache}, fed by ZooKeeper
 * watches, following only the services this process calls. Nothing polls; a change is one
 * notification. When ZooKeeper cannot be reached the last lists stay as they were, and an instance
 * whose control node died stays listed for a lease period while it re-registers elsewhere.
 */
public final class ZooKeeperDiscovery implements Discovery {
  private final CuratorFramework zk;
  private final boolean ownsZk;
  private final InstanceCache cache;
  private final Map<String, Watchers> byService = new ConcurrentHashMap<>();

  /** Uses a connected client of the ooda namespace ({@link ZooKeeperClients#connect}); does not close it. */
  public ZooKeeperDiscovery(CuratorFramework zk) {
    this(zk, false);
  }

  private ZooKeeperDiscovery(CuratorFramework zk, boolean ownsZk) {
    this.zk = zk;
    this.ownsZk = ownsZk;
    this.cache = InstanceCache.open(zk, Set.of(), this::changed);
  }

  /** Connects to ZooKeeper ({@code host:port,...}); the connection is closed with this discovery. */
  public static ZooKeeperDiscovery connect(String zookeeper) {
    try {
      return new ZooKeeperDiscovery(ZooKeeperClients.connect(zookeeper), true);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while connecting to ZooKeeper", e);
    }
  }

  /** The listeners of one service; delivery is serialized so that no listener sees an older list after a newer one. */
  private final class Watchers {
    final List<Consumer<List<Instance>>> listeners = new CopyOnWriteArrayList<>();

    synchronized void add(String service, Consumer<List<Instance>> l) {
      listeners.add(l);
      // the cache publishes a list before it notifies, so this is never older than a notification to come
      l.accept(cache.instances(service));
    }

    synchronized void deliver(List<Instance> instances) {
      for (Consumer<List<Instance>> l : listeners) l.accept(instances);
    }
  }

  @Override
  public Subscription watch(String service, Consumer<List<Instance>> listener) {
    Watchers w = byService.computeIfAbsent(service, s -> new Watchers());
    cache.follow(service);
    w.add(service, listener);
    return () -> w.listeners.remove(listener);
  }

  /** The ZooKeeper client underneath, for the kit's other watches. */
  CuratorFramework zookeeper() {
    return zk;
  }

  @Override
  public List<Instance> instances(String service) {
    return cache.instances(service);
  }

  private void changed(String service, List<Instance> instances) {
    Watchers w = byService.get(service);
    if (w != null) w.deliver(instances);
  }

  @Override
  public void close() {
    cache.close();
    if (ownsZk) zk.close();
  }
}
