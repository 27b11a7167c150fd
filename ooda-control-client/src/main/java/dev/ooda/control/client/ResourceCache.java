package dev.ooda.control.client;

import dev.ooda.model.Kind;
import dev.ooda.model.Resource;
import dev.ooda.model.ResourceCodec;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local, always-current copy of every resource of one kind, fed by ZooKeeper watches. Gateways
 * and other roles read their configuration from it; when ZooKeeper is away they keep the last
 * copy they had. Each change produces a new immutable snapshot handed to the listener.
 */
public final class ResourceCache implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ResourceCache.class);

  private final CuratorCache cache;
  private final String dir;
  private final Consumer<Map<String, Resource>> listener;
  private volatile Map<String, Resource> snapshot = Map.of();
  private volatile boolean initialized;
  private final CountDownLatch ready = new CountDownLatch(1);

  private ResourceCache(CuratorFramework zk, Kind<?> kind, Consumer<Map<String, Resource>> listener) {
    this.dir = ZooKeeperLayout.resources(kind.name());
    this.listener = listener;
    this.cache = CuratorCache.build(zk, dir);
    cache.listenable().addListener(CuratorCacheListener.builder()
        .forAll((type, oldData, data) -> {
          if (initialized) publish();
        })
        .forInitialized(() -> {
          initialized = true;
          publish();
          ready.countDown();
        })
        .build());
  }

  /**
   * Starts watching {@code kind}. {@code listener} gets the whole snapshot (name to resource) once
   * the first full read is done and again after every change, on Curator's event thread.
   */
  public static ResourceCache open(CuratorFramework zk, Kind<?> kind, Consumer<Map<String, Resource>> listener) {
    ResourceCache c = new ResourceCache(zk, kind, listener);
    c.cache.start();
    return c;
  }

  /** Waits for the first full read; false if it did not complete in time. */
  public boolean awaitReady(long timeout, TimeUnit unit) throws InterruptedException {
    return ready.await(timeout, unit);
  }

  public Map<String, Resource> snapshot() {
    return snapshot;
  }

  private synchronized void publish() {
    TreeMap<String, Resource> next = new TreeMap<>();
    cache.stream().forEach(d -> add(next, d));
    snapshot = Collections.unmodifiableMap(next);
    try {
      listener.accept(snapshot);
    } catch (RuntimeException e) {
      log.error("a resource listener failed", e);
    }
  }

  private void add(Map<String, Resource> into, ChildData d) {
    if (d.getPath().length() <= dir.length() + 1 || d.getData() == null || d.getData().length == 0) return;
    try {
      Resource r = ResourceCodec.readStored(d.getData());
      into.put(r.name(), r);
    } catch (RuntimeException e) {
      log.warn("skipping unreadable resource at {}: {}", d.getPath(), e.getMessage());
    }
  }

  @Override
  public void close() {
    cache.close();
  }
}
