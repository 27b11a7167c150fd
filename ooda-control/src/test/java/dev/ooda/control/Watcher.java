package dev.ooda.control;

import dev.ooda.control.client.InstanceCache;
import dev.ooda.control.client.ZooKeeperClients;
import dev.ooda.model.Instance;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;

/** An {@link InstanceCache} on its own ZooKeeper session, recording every update it is given. */
public final class Watcher implements AutoCloseable {
  public record Update(String service, List<Instance> instances) {}

  public final CuratorFramework zk;
  public final InstanceCache cache;
  public final List<Update> updates = new CopyOnWriteArrayList<>();
  public final Map<String, List<Instance>> latest = new ConcurrentHashMap<>();

  public Watcher(String connectString) throws Exception {
    zk = ZooKeeperClients.connect(connectString);
    cache = InstanceCache.open(zk, (service, list) -> {
      updates.add(new Update(service, list));
      latest.put(service, list);
    });
    if (!cache.awaitReady(30, TimeUnit.SECONDS)) throw new IllegalStateException("watcher not ready");
  }

  public List<Instance> of(String service) {
    return latest.getOrDefault(service, List.of());
  }

  public List<String> ids(String service) {
    return of(service).stream().map(Instance::id).sorted().toList();
  }

  @Override
  public void close() {
    cache.close();
    zk.close();
  }
}
