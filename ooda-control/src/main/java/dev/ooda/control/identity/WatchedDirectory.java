package dev.ooda.control.identity;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;

/**
 * The children of one ZooKeeper directory, kept in memory by a watch, and handed to a compiler as an
 * immutable map (child name to data) after each change. A node that wrote a child waits for its own
 * write to show ({@link #awaitVersion}), so it reads its writes.
 */
final class WatchedDirectory implements AutoCloseable {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final String dir;
  private final CuratorCache cache;
  private final Consumer<Map<String, byte[]>> compile;
  private volatile boolean initialized;
  /** The version of each child as of the last compile. */
  private volatile Map<String, Integer> compiled = Map.of();

  WatchedDirectory(CuratorFramework zk, String dir, Consumer<Map<String, byte[]>> compile) throws Exception {
    this.dir = dir;
    this.compile = compile;
    zk.createContainers(dir);
    this.cache = CuratorCache.build(zk, dir);
    CountDownLatch ready = new CountDownLatch(1);
    cache.listenable().addListener(CuratorCacheListener.builder()
        .forAll((type, before, after) -> {
          if (initialized) rebuild();
        })
        .forInitialized(() -> {
          initialized = true;
          rebuild();
          ready.countDown();
        })
        .build());
    cache.start();
    if (!ready.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
      cache.close();
      throw new IllegalStateException("could not read " + dir + " from ZooKeeper within " + WAIT.toSeconds() + " s");
    }
  }

  private synchronized void rebuild() {
    Map<String, byte[]> m = new HashMap<>();
    Map<String, Integer> versions = new HashMap<>();
    String prefix = dir + "/";
    cache.stream().forEach(c -> {
      String p = c.getPath();
      if (p.startsWith(prefix) && p.indexOf('/', prefix.length()) < 0 && c.getData() != null) {
        m.put(p.substring(prefix.length()), c.getData());
        versions.put(p.substring(prefix.length()), c.getStat().getVersion());
      }
    });
    compile.accept(Map.copyOf(m));
    compiled = Map.copyOf(versions);
  }

  /** Waits until this node's watch has seen {@code child} at {@code version} or later (or gone, for version -1). */
  void awaitVersion(String child, int version) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      Integer seen = compiled.get(child);
      if (version < 0 ? seen == null : seen != null && seen >= version) return;
      Thread.sleep(2);
    }
  }

  @Override
  public void close() {
    cache.close();
  }
}
