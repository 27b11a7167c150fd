package dev.ooda.control.contracts;

import dev.ooda.contracts.StoredContract;
import dev.ooda.control.client.ZooKeeperLayout;
import dev.ooda.model.Problem;
import dev.ooda.model.ProblemException;
import dev.ooda.model.ProblemType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * Contracts in ZooKeeper: {@code /contracts/<service>/<major>} holds the active contract of a major
 * version, and {@code /contract-versions/<service>/<major>/<version>} the last push of each version,
 * of which the newest {@link #KEEP_VERSIONS} are kept.
 */
public final class ContractStore {
  /** Versions kept per major version for {@code ooda contract diff}. */
  static final int KEEP_VERSIONS = 20;

  /** A stored contract and the znode version it was read at, for a conditional write. */
  public record Versioned(StoredContract contract, int zkVersion) {}

  private final CuratorFramework zk;

  public ContractStore(CuratorFramework zk) {
    this.zk = zk;
  }

  private static String service(String service) {
    return ZooKeeperLayout.CONTRACTS + "/" + service;
  }

  private static String major(String service, String major) {
    return service(service) + "/" + major;
  }

  private static String versions(String service, String major) {
    return ZooKeeperLayout.CONTRACT_VERSIONS + "/" + service + "/" + major;
  }

  /** The active contract of {@code major}, if one was ever pushed. */
  public Optional<Versioned> active(String service, String major) {
    return read(major(service, major));
  }

  /** The active contract of every major version of {@code service}, in order of their keys. */
  public List<StoredContract> actives(String service) {
    List<StoredContract> out = new ArrayList<>();
    for (String m : children(service(service))) active(service, m).ifPresent(v -> out.add(v.contract()));
    out.sort(Comparator.comparing(StoredContract::major));
    return out;
  }

  /** Every service that has a contract. */
  public List<String> services() {
    List<String> s = new ArrayList<>(children(ZooKeeperLayout.CONTRACTS));
    s.sort(null);
    return s;
  }

  /** The last push of {@code version}, looked for in every major version of the service. */
  public Optional<StoredContract> version(String service, String version) {
    for (String m : children(ZooKeeperLayout.CONTRACT_VERSIONS + "/" + service)) {
      Optional<Versioned> v = read(versions(service, m) + "/" + version);
      if (v.isPresent()) return Optional.of(v.get().contract());
    }
    return Optional.empty();
  }

  /**
   * Makes {@code c} the active contract of its major version, if that is still at {@code expected}
   * (-1: none yet), and keeps it as its version's last push.
   *
   * @return false when another write came first; read again and decide again
   */
  public boolean activate(StoredContract c, int expected) {
    String path = major(c.service(), c.major());
    try {
      if (expected < 0) {
        try {
          zk.create().creatingParentsIfNeeded().forPath(path, c.toBytes());
        } catch (KeeperException.NodeExistsException e) {
          // A version's push may have made the major's node without a contract in it.
          Stat stat = new Stat();
          if (zk.getData().storingStatIn(stat).forPath(path).length != 0) return false;
          zk.setData().withVersion(stat.getVersion()).forPath(path, c.toBytes());
        }
      } else {
        zk.setData().withVersion(expected).forPath(path, c.toBytes());
      }
    } catch (KeeperException.NodeExistsException | KeeperException.BadVersionException | KeeperException.NoNodeException e) {
      return false;
    } catch (Exception e) {
      throw unavailable(e);
    }
    remember(c);
    return true;
  }

  /** Keeps {@code c} as its version's last push without changing the active contract. */
  public void remember(StoredContract c) {
    String dir = versions(c.service(), c.major());
    try {
      zk.create().orSetData().creatingParentsIfNeeded().forPath(dir + "/" + c.version(), c.withFlag(null).toBytes());
      List<String> versions = children(dir);
      if (versions.size() > KEEP_VERSIONS) {
        List<StoredContract> all = new ArrayList<>();
        for (String v : versions) read(dir + "/" + v).ifPresent(x -> all.add(x.contract()));
        all.sort(Comparator.comparingLong(StoredContract::pushedAtMillis));
        for (int i = 0; i < all.size() - KEEP_VERSIONS; i++) {
          zk.delete().quietly().forPath(dir + "/" + all.get(i).version());
        }
      }
    } catch (Exception e) {
      throw unavailable(e);
    }
  }

  private Optional<Versioned> read(String path) {
    try {
      Stat stat = new Stat();
      byte[] data = zk.getData().storingStatIn(stat).forPath(path);
      if (data.length == 0) return Optional.empty();
      return Optional.of(new Versioned(StoredContract.fromBytes(data), stat.getVersion()));
    } catch (KeeperException.NoNodeException e) {
      return Optional.empty();
    } catch (Exception e) {
      throw unavailable(e);
    }
  }

  private List<String> children(String path) {
    try {
      return zk.getChildren().forPath(path);
    } catch (KeeperException.NoNodeException e) {
      return List.of();
    } catch (Exception e) {
      throw unavailable(e);
    }
  }

  private static ProblemException unavailable(Exception e) {
    if (e instanceof InterruptedException) Thread.currentThread().interrupt();
    return new ProblemException(Problem.of(ProblemType.STORE_UNAVAILABLE, "the contract store cannot be read or written: " + e.getMessage()));
  }
}
