package dev.ooda.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.zookeeper.KeeperException;

/**
 * How the supervisor learns that a service that may scale to zero is being used: gateways write
 * the time of its last request to {@code /activity/<service>} in ZooKeeper, at most every few
 * seconds while requests come, and at once when they hold a request for it (the wake signal: a
 * request newer than the moment the service went to zero starts it again). One small node per
 * service, written by gateways and read through a watch: no polling, no new endpoint. With several
 * gateways the last writer wins; each writes only what it saw since its last write, so the node
 * lags the newest request by at most one write period.
 */
public final class RequestActivity implements AutoCloseable {
  public static final String PATH = "/activity";
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * @param lastRequestMillis when a gateway last had a request for the service (epoch millis)
   * @param coldStartMillis   the last start from zero, first held request to its first byte; -1 when none
   * @param coldStartAtMillis when that was (epoch millis)
   */
  public record Seen(long lastRequestMillis, long coldStartMillis, long coldStartAtMillis) {}

  private final CuratorCache cache;
  private volatile Map<String, Seen> snapshot = Map.of();

  private RequestActivity(CuratorFramework zk, Runnable onChange) {
    this.cache = CuratorCache.build(zk, PATH);
    cache.listenable().addListener(CuratorCacheListener.builder().forAll((type, old, data) -> {
      publish();
      onChange.run();
    }).build());
  }

  /** Watches the activity of every service; {@code onChange} runs on Curator's thread after each change. */
  public static RequestActivity watch(CuratorFramework zk, Runnable onChange) {
    RequestActivity a = new RequestActivity(zk, onChange);
    a.cache.start();
    return a;
  }

  /** What the gateways last wrote, by service. */
  public Map<String, Seen> snapshot() {
    return snapshot;
  }

  private synchronized void publish() {
    Map<String, Seen> next = new TreeMap<>();
    cache.stream().forEach(d -> {
      Seen s = parse(d);
      if (s != null) next.put(d.getPath().substring(PATH.length() + 1), s);
    });
    snapshot = Map.copyOf(next);
  }

  private static Seen parse(ChildData d) {
    if (d.getData() == null || d.getPath().length() <= PATH.length() + 1) return null;
    try {
      return JSON.readValue(d.getData(), Seen.class);
    } catch (java.io.IOException e) {
      return null;
    }
  }

  /** Writes what a gateway saw of {@code service}. */
  public static void write(CuratorFramework zk, String service, Seen seen) throws Exception {
    byte[] data = JSON.writeValueAsString(seen).getBytes(StandardCharsets.UTF_8);
    String path = PATH + "/" + service;
    try {
      zk.setData().forPath(path, data);
    } catch (KeeperException.NoNodeException e) {
      try {
        zk.create().creatingParentsIfNeeded().forPath(path, data);
      } catch (KeeperException.NodeExistsException raced) {
        zk.setData().forPath(path, data);
      }
    }
  }

  @Override
  public void close() {
    cache.close();
  }
}
