package dev.ooda.control.secrets;

import dev.ooda.control.ResourceStore;
import dev.ooda.control.client.ZooKeeperLayout;
import dev.ooda.model.InvalidResourceException;
import dev.ooda.model.Names;
import dev.ooda.model.Problem;
import dev.ooda.model.ProblemException;
import dev.ooda.model.ProblemType;
import dev.ooda.model.Resource;
import dev.ooda.model.SecretSpec;
import dev.ooda.model.Violation;
import dev.ooda.model.Violations;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Secrets: their metadata as {@code Secret} resources in the resource store, their values
 * encrypted ({@link Envelope}) and versioned under {@link ZooKeeperLayout#SECRET_VALUES}. A value
 * and the metadata naming it as current are written in one ZooKeeper transaction, so readers never
 * see one without the other; deleting the resource deletes its values in the same way.
 */
public final class SecretStore {
  private final List<Runnable> rewrapHooks = new java.util.concurrent.CopyOnWriteArrayList<>();
  private static final Logger log = LoggerFactory.getLogger(SecretStore.class);
  /** Value versions kept per secret, the current one included; older ones are deleted as new ones arrive. */
  public static final int KEEP_VERSIONS = 5;
  /** The largest value: secrets are URLs, keys and small certificates. */
  public static final int MAX_VALUE = 64 * 1024;
  private static final int ATTEMPTS = 5;

  /** A value and the version it is. */
  public record Value(String secret, String owner, int version, byte[] value) {}

  /** What a master key rotation did. */
  public record Rotation(int primary, int rewrapped, List<Integer> disabled) {}

  private final ResourceStore store;
  private final CuratorFramework zk;
  private final MasterKey master;
  private final Clock clock;
  /** Sets seal under the read lock; a rotation switches the primary under the write lock, so no set is mid-way then. */
  private final ReadWriteLock primarySwitch = new ReentrantReadWriteLock();

  public SecretStore(ResourceStore store, MasterKey master, Clock clock) {
    this.store = store;
    this.zk = store.zookeeper();
    this.master = master;
    this.clock = clock;
    ensure(ZooKeeperLayout.SECRET_VALUES);
    store.cascade(SecretSpec.KIND, this::valueDeletions);
  }

  public MasterKey masterKey() {
    return master;
  }

  /** The secret's metadata (never a value). */
  public Optional<Resource> metadata(String name) {
    return store.get(SecretSpec.KIND, name);
  }

  /**
   * Writes a new value of {@code name} and makes it current, creating the secret if it does not
   * exist. {@code description} null keeps the stored one. Returns the stored metadata; its
   * {@code spec.current} is the new version.
   */
  public Resource set(String name, String owner, String description, byte[] value) {
    List<Violation> bad = new ArrayList<>();
    String badName = Names.problem(name);
    if (badName != null) bad.add(Violation.of("name", badName));
    Violations v = new Violations();
    SecretSpec.KIND.validate(new SecretSpec(owner, description, null, null), v);
    bad.addAll(v.list());
    if (value == null || value.length == 0) bad.add(Violation.of("value", "is empty"));
    if (!bad.isEmpty()) throw new InvalidResourceException(bad);
    if (value.length > MAX_VALUE) {
      throw new ProblemException(Problem.tooLarge("the value of secret " + name + " has " + value.length
          + " bytes; at most " + MAX_VALUE + " are allowed"));
    }
    master.reloadIfChanged();
    for (int attempt = 1; ; attempt++) {
      try {
        return trySet(name, owner, description, value);
      } catch (ProblemException e) {
        // A concurrent set went first: the next attempt takes the next version.
        if (!e.problem().is(ProblemType.CONFLICT) || attempt == ATTEMPTS) throw e;
      }
    }
  }

  private Resource trySet(String name, String owner, String description, byte[] value) {
    Optional<Resource> stored = metadata(name);
    SecretSpec before = stored.map(r -> r.spec(SecretSpec.class)).orElse(null);
    int version = before == null || before.current() == null ? 1 : before.current() + 1;
    String desc = description != null ? description : before == null ? null : before.description();
    var now = clock.instant();
    SecretSpec spec = new SecretSpec(owner, desc, null, null).withValue(version, now);
    // The stored version is checked: a concurrent set makes this one stale (409), and set retries.
    Resource doc = new Resource(SecretSpec.KIND.name(), name, stored.map(Resource::version).orElse(0L), spec);
    primarySwitch.readLock().lock();
    try {
      List<CuratorOp> ops = new ArrayList<>();
      String dir = ZooKeeperLayout.secretValues(name);
      if (zk.checkExists().forPath(dir) == null) ops.add(zk.transactionOp().create().forPath(dir, new byte[0]));
      else {
        for (int old : versions(name)) {
          if (old <= version - KEEP_VERSIONS) ops.add(zk.transactionOp().delete().forPath(ZooKeeperLayout.secretValue(name, old)));
        }
      }
      byte[] sealed = Envelope.seal(master, name, version, value, now).toBytes();
      ops.add(zk.transactionOp().create().forPath(ZooKeeperLayout.secretValue(name, version), sealed));
      Resource out = store.apply(List.of(doc), ops).outcomes().get(0).resource();
      log.info("secret {}: version {} written (owner {})", name, version, owner);
      return out;
    } catch (ProblemException e) {
      throw e;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("encrypting the value of secret " + name + " failed", e);
    } catch (Exception e) {
      throw unavailable(e);
    } finally {
      primarySwitch.readLock().unlock();
    }
  }

  /** The current value of {@code name}. 404 when there is no such secret or it has no value yet. */
  public Value current(String name) {
    Resource r = metadata(name).orElseThrow(() -> new ProblemException(Problem.notFound("secret " + name + " does not exist")));
    SecretSpec s = r.spec(SecretSpec.class);
    if (s.current() == null) {
      throw new ProblemException(Problem.notFound("secret " + name + " has no value yet (ooda secret set " + name + ")"));
    }
    return new Value(name, s.owner(), s.current(), open(name, s.current()));
  }

  /** One stored version's value (the current one, or one of the few older ones kept). */
  public byte[] open(String name, int version) {
    byte[] stored;
    try {
      stored = zk.getData().forPath(ZooKeeperLayout.secretValue(name, version));
    } catch (KeeperException.NoNodeException e) {
      throw new ProblemException(Problem.notFound("secret " + name + " has no version " + version));
    } catch (Exception e) {
      throw unavailable(e);
    }
    try {
      return Envelope.open(master, name, version, Envelope.Sealed.of(stored));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("version " + version + " of secret " + name
          + " does not open with the master key from " + master.origin() + " (is it the cluster's key?)", e);
    }
  }

  /** The stored value versions of {@code name}, oldest first. */
  public List<Integer> versions(String name) {
    try {
      List<Integer> out = new ArrayList<>();
      for (String c : zk.getChildren().forPath(ZooKeeperLayout.secretValues(name))) out.add(ZooKeeperLayout.versionOfSecretValue(c));
      out.sort(null);
      return out;
    } catch (KeeperException.NoNodeException e) {
      return List.of();
    } catch (Exception e) {
      throw unavailable(e);
    }
  }

  /**
   * Adds a new primary master key, re-wraps every stored data key with it (values are not
   * re-encrypted) and, unless {@code keepOld}, then disables the older keys. Reads go on
   * throughout: until its data key is re-wrapped, a value opens with the older key.
   */
  /** Also runs {@code rewrap} in each master key rotation, before old keys are disabled (the signing keys use it). */
  public void alsoRewrap(Runnable rewrap) {
    rewrapHooks.add(rewrap);
  }

  public synchronized Rotation rotateMasterKey(boolean keepOld) {
    int primary;
    primarySwitch.writeLock().lock();
    try {
      primary = master.addPrimary();
    } finally {
      primarySwitch.writeLock().unlock();
    }
    int rewrapped = 0;
    try {
      for (String name : zk.getChildren().forPath(ZooKeeperLayout.SECRET_VALUES)) {
        for (int version : versions(name)) {
          if (rewrap(name, version)) rewrapped++;
        }
      }
    } catch (ProblemException e) {
      throw e;
    } catch (Exception e) {
      throw unavailable(e);
    }
    rewrapHooks.forEach(Runnable::run);
    List<Integer> disabled = keepOld ? List.of() : master.disableAllButPrimary();
    log.info("master key rotated: primary {}, {} data keys re-wrapped, keys disabled: {}", primary, rewrapped, disabled);
    return new Rotation(primary, rewrapped, disabled);
  }

  /** Re-wraps one version's data key; false when the version is gone. */
  private boolean rewrap(String name, int version) throws Exception {
    String path = ZooKeeperLayout.secretValue(name, version);
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      Stat stat = new Stat();
      byte[] stored;
      try {
        stored = zk.getData().storingStatIn(stat).forPath(path);
      } catch (KeeperException.NoNodeException e) {
        return false; // deleted or trimmed meanwhile
      }
      byte[] next = Envelope.rewrap(master, name, version, Envelope.Sealed.of(stored)).toBytes();
      try {
        zk.setData().withVersion(stat.getVersion()).forPath(path, next);
        return true;
      } catch (KeeperException.NoNodeException e) {
        return false;
      } catch (KeeperException.BadVersionException e) {
        // another node re-wrapped it at the same time: read it again
      }
    }
    throw new ProblemException(Problem.conflict("version " + version + " of secret " + name + " kept changing during re-wrapping; retry"));
  }

  /** Deletes the values along with the resource (see {@link ResourceStore#cascade}). */
  private List<CuratorOp> valueDeletions(String name) throws Exception {
    List<CuratorOp> ops = new ArrayList<>();
    if (zk.checkExists().forPath(ZooKeeperLayout.secretValues(name)) == null) return ops;
    for (int v : versions(name)) ops.add(zk.transactionOp().delete().forPath(ZooKeeperLayout.secretValue(name, v)));
    ops.add(zk.transactionOp().delete().forPath(ZooKeeperLayout.secretValues(name)));
    return ops;
  }

  /**
   * Refuses Secret documents in a generic apply: their value versions are the control plane's, so
   * secrets are written with {@code ooda secret set}, which keeps metadata and value together.
   */
  public static void refuseDocuments(List<Resource> docs) {
    List<Violation> bad = new ArrayList<>();
    for (int i = 0; i < docs.size(); i++) {
      Resource d = docs.get(i);
      if (SecretSpec.KIND.name().equals(d.kind())) {
        bad.add(new Violation(i + 1, d.ref(), "kind", "secrets are written with `ooda secret set " + d.name()
            + " --owner SERVICE` (PUT /api/v1/secrets/" + d.name() + "/value), which stores the value with them"));
      }
    }
    if (!bad.isEmpty()) throw new InvalidResourceException(bad);
  }

  private void ensure(String path) {
    try {
      zk.create().creatingParentsIfNeeded().forPath(path, new byte[0]);
    } catch (KeeperException.NodeExistsException ignored) {
      // created by an earlier start or another node
    } catch (Exception e) {
      throw unavailable(e);
    }
  }

  private static ProblemException unavailable(Exception e) {
    if (e instanceof InterruptedException) Thread.currentThread().interrupt();
    return new ProblemException(Problem.of(ProblemType.STORE_UNAVAILABLE,
        "the secret store (ZooKeeper) did not answer: " + e.getClass().getSimpleName()
            + (e.getMessage() == null ? "" : " " + e.getMessage())));
  }
}
