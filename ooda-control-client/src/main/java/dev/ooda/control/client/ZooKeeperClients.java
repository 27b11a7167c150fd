package dev.ooda.control.client;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;

/** Curator clients as every ooda role opens them: all paths under {@code /ooda}, laid out as {@link ZooKeeperLayout} says. */
public final class ZooKeeperClients {
  private ZooKeeperClients() {}

  /** Starts a client and waits up to 15 s for a connection. */
  public static CuratorFramework connect(String connectString) throws InterruptedException {
    CuratorFramework zk = start(connectString);
    if (!zk.blockUntilConnected(15, java.util.concurrent.TimeUnit.SECONDS)) {
      zk.close();
      throw new IllegalStateException("cannot reach ZooKeeper at " + connectString + " within 15 s");
    }
    return zk;
  }

  /**
   * Starts a client without waiting: it connects in the background and keeps retrying, and the
   * caches opened on it fill once it does. For roles that must serve while ZooKeeper is away.
   */
  public static CuratorFramework start(String connectString) {
    CuratorFramework zk = CuratorFrameworkFactory.builder()
        .connectString(connectString)
        .namespace(ZooKeeperLayout.NAMESPACE)
        .sessionTimeoutMs(15_000)
        .connectionTimeoutMs(5_000)
        .retryPolicy(new ExponentialBackoffRetry(100, 10, 2_000))
        .build();
    zk.start();
    return zk;
  }
}
