package dev.ooda.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ooda.control.client.InstanceCache;
import dev.ooda.control.client.InstanceRegistration;
import dev.ooda.control.client.ZooKeeperLayout;
import dev.ooda.model.Instance;
import dev.ooda.model.InvalidResourceException;
import dev.ooda.model.Names;
import dev.ooda.model.Problem;
import dev.ooda.model.ProblemType;
import dev.ooda.model.ProblemException;
import dev.ooda.model.ResourceCodec;
import dev.ooda.model.ServiceSpec;
import dev.ooda.model.Violation;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service registry on one control node. Instances register here and renew their leases by
 * heartbeat; a renewal touches only this node's memory. Each instance this node holds a lease for
 * is one EPHEMERAL znode of this node's ZooKeeper session, {@code /registry/instances/<service>/<id>},
 * written only when it registers, changes status or goes (deregistration, expiry). If this node
 * dies, its session takes those znodes with it; watchers ({@link InstanceCache}) keep the instances
 * for one lease period, and each comes back through another node on its next heartbeat.
 *
 * <p>A removal (deregistration or expiry) deletes the znode and writes a removal note in the same
 * transaction, so that watchers drop the instance at once instead of keeping it for a lease period.
 *
 * <p>Services need no Service resource to register: an instance of an unknown service is listed
 * under its service name with the default lease (heartbeat 5 s, expiry 15 s). A Service resource
 * sets the lease, the health path and fixed endpoints.
 */
public final class Registry implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Registry.class);
  private static final long KEEP_NOTES_MILLIS = 60_000;
  private static final char[] ID_CHARS = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

  /**
   * @param selfPreservationThreshold share of leases (0 to 1) that may expire within one window
   *                                  before expiry pauses; Eureka's and ooda's default 0.15
   * @param selfPreservationMinimum   below this many leases on a node expiry never pauses (a handful
   *                                  of expiries cannot tell a partition from a restart); default 10
   * @param selfPreservationWindow    the window; default one minute
   * @param sweepInterval             how often leases are checked for expiry; default 500 ms
   * @param ticker                    the time leases are measured in, in nanoseconds; default
   *                                  {@link System#nanoTime()}, a ticker that tests move by hand
   */
  public record Options(double selfPreservationThreshold, int selfPreservationMinimum, Duration selfPreservationWindow,
                        Duration sweepInterval, LongSupplier ticker) {
    public static final Options DEFAULTS = new Options(0.15, 10, Duration.ofMinutes(1), Duration.ofMillis(500));

    public Options(double selfPreservationThreshold, int selfPreservationMinimum, Duration selfPreservationWindow,
                   Duration sweepInterval) {
      this(selfPreservationThreshold, selfPreservationMinimum, selfPreservationWindow, sweepInterval, System::nanoTime);
    }

    public Options withTicker(LongSupplier t) {
      return new Options(selfPreservationThreshold, selfPreservationMinimum, selfPreservationWindow, sweepInterval, t);
    }
  }

  /**
   * What a registration or renewal did.
   *
   * @param instance   the instance as registered now
   * @param lease      its service's lease settings: heartbeat every {@code heartbeat}, gone after {@code expiry}
   * @param registered true when this call registered it on this node, false for a renewal
   */
  public record Result(Instance instance, ServiceSpec.Lease lease, boolean registered) {}

  /** This node's registry: its id, its leases, its self-preservation state. */
  public record Status(String node, int leases, SelfPreservation.State selfPreservation) {}

  private static final class Held {
    final String service;
    volatile Instance instance;
    volatile long renewedNanos;
    volatile long czxid;
    /** The data version of the node that {@link #instance} was read from or written as. */
    private int version;

    /** {@code czxid}: the node just created, whose data version is 0. */
    Held(String service, Instance instance, long czxid, long nowNanos) {
      this.service = service;
      this.instance = instance;
      this.czxid = czxid;
      this.renewedNanos = nowNanos;
    }

    /** Takes {@code i} unless a newer version is known: cache events may arrive after a later write. */
    synchronized void update(Instance i, int dataVersion) {
      if (dataVersion <= version) return;
      instance = i;
      version = dataVersion;
    }
  }

  private final CuratorFramework zk;
  private final Options options;
  private final String node;
  private final ConcurrentHashMap<String, Held> held = new ConcurrentHashMap<>();
  private final Object[] locks = new Object[64];
  private final SelfPreservation guard;
  private final ScheduledExecutorService timer;
  private final SecureRandom random = new SecureRandom();
  private final ConnectionStateListener onConnection = this::connectionChanged;
  private final InstanceCache cache;
  private volatile long session;
  private volatile boolean sessionLost;
  private volatile String url = "";

  private Registry(CuratorFramework zk, Options options) throws Exception {
    this.zk = zk;
    this.options = options;
    this.node = "n-" + newId();
    for (int i = 0; i < locks.length; i++) locks[i] = new Object();
    this.guard = new SelfPreservation(options.selfPreservationThreshold(), options.selfPreservationMinimum(),
        options.selfPreservationWindow().toMillis());
    for (String p : List.of(ZooKeeperLayout.INSTANCES, ZooKeeperLayout.REMOVALS, ZooKeeperLayout.CONTROL_NODES)) {
      try {
        zk.create().creatingParentsIfNeeded().forPath(p, new byte[0]);
      } catch (KeeperException.NodeExistsException ignored) {
        // created by an earlier start or by another node
      }
    }
    this.session = zk.getZookeeperClient().getZooKeeper().getSessionId();
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "ooda-registry");
      t.setDaemon(true);
      return t;
    });
    this.cache = InstanceCache.open(zk, null, null, new InstanceCache.Observer() {
      @Override
      public void changed(ChildData n, Instance i) {
        // A status change made through another control node: keep the lease's copy current.
        Held h = held.get(i.id());
        if (h != null && h.czxid == n.getStat().getCzxid()) h.update(i, n.getStat().getVersion());
      }

      @Override
      public void deleted(ChildData old) {
        // Removed through another control node, or taken over by one: this node holds it no more.
        String[] at = ZooKeeperLayout.serviceAndId(old.getPath());
        Held h = at == null ? null : held.get(at[1]);
        if (h != null && h.czxid == old.getStat().getCzxid() && old.getStat().getEphemeralOwner() == session
            && held.remove(at[1], h)) {
          log.debug("{} of {} was removed or taken over elsewhere; dropping its lease", at[1], at[0]);
        }
      }
    });
  }

  /** Starts the registry on an open client; returns once its view of every instance is loaded. */
  public static Registry start(CuratorFramework zk, Options options) throws Exception {
    Registry r = new Registry(zk, options == null ? Options.DEFAULTS : options);
    try {
      if (!r.cache.awaitReady(30, TimeUnit.SECONDS)) throw new IllegalStateException("the registry did not load within 30 s");
      r.publishMarker();
      zk.getConnectionStateListenable().addListener(r.onConnection);
      long sweep = r.options.sweepInterval().toMillis();
      r.timer.scheduleWithFixedDelay(r::sweep, sweep, sweep, TimeUnit.MILLISECONDS);
      r.timer.scheduleWithFixedDelay(r::dropOldNotes, 10, 30, TimeUnit.SECONDS);
      return r;
    } catch (Exception e) {
      r.close();
      throw e;
    }
  }

  /** Where this node's API is, shown in the registry status of every node. */
  void announce(String url) {
    this.url = url;
    timer.execute(() -> {
      try {
        publishMarker();
      } catch (Exception e) {
        log.debug("publishing this node's registry status failed: {}", e.getMessage());
      }
    });
  }

  /** This node's view of every instance (registered through any node, and fixed endpoints). */
  public InstanceCache instances() {
    return cache;
  }

  public String node() {
    return node;
  }

  // ---- registration ----

  /** Registers a new instance under a fresh id. */
  public Result register(String service, InstanceRegistration r) {
    checkName("service", service);
    r.check();
    String id;
    do {
      id = newId();
    } while (cache.serviceOf(id).isPresent() || held.containsKey(id));
    return put(service, id, r);
  }

  /**
   * Renews the lease of {@code id} if this node holds it (updating its address or labels if they
   * changed), or registers it under that id here: the heartbeat that recovers by itself after a
   * control node died. A renewal keeps the status; a registration takes the one in {@code r}, or
   * the last one any node saw, or UP.
   */
  public Result put(String service, String id, InstanceRegistration r) {
    checkName("service", service);
    checkId(id);
    r.check();
    synchronized (lock(id)) {
      Held h = held.get(id);
      if (h != null) {
        requireService(service, id, h.service);
        requireSession();
        h.renewedNanos = nanos();
        Instance want = r.toInstance(id, service, h.instance.status(), h.instance.registeredAtMillis());
        if (!want.equals(h.instance)) h.update(want, write(service, id, want, -1));
        return new Result(h.instance, cache.lease(service), false);
      }
      requireNotElsewhere(service, id);
      requireSession();
      Instance seen = find(service, id);
      Instance.Status status = r.status() != null ? r.status() : seen != null ? seen.status() : Instance.Status.UP;
      long since = seen != null ? seen.registeredAtMillis() : System.currentTimeMillis();
      Instance inst = r.toInstance(id, service, status, since);
      Held next = new Held(service, inst, create(service, id, inst), nanos());
      held.put(id, next);
      log.debug("registered {} of {} at {}", id, service, inst.authority());
      return new Result(inst, cache.lease(service), true);
    }
  }

  /**
   * Renews in memory when this node holds the lease and {@code r} changes nothing; null when the
   * full {@link #put} is needed. Never blocks: the API calls it on the event loop.
   */
  Result tryRenew(String service, String id, InstanceRegistration r) {
    Held h = held.get(id);
    if (h == null || !h.service.equals(service) || sessionLost) return null;
    if (!r.toInstance(id, service, h.instance.status(), h.instance.registeredAtMillis()).equals(h.instance)) return null;
    h.renewedNanos = nanos();
    return held.get(id) == h ? new Result(h.instance, cache.lease(service), false) : null;
  }

  /**
   * Renews a lease this node holds; never writes.
   *
   * @throws ProblemException {@code not-registered} (404) when this node holds no lease for it:
   *                          the instance should register again, e.g. with {@link #put}
   */
  public Result renew(String service, String id) {
    checkName("service", service);
    checkId(id);
    Held h = held.get(id);
    if (h == null) {
      requireNotElsewhere(service, id);
      throw notRegistered(service, id);
    }
    requireService(service, id, h.service);
    requireSession();
    h.renewedNanos = nanos();
    // An expiry may have taken it between the read and the renewal: then it must register again.
    if (held.get(id) != h) throw notRegistered(service, id);
    return new Result(h.instance, cache.lease(service), false);
  }

  /** Removes an instance at once, wherever its lease is held. */
  public Instance deregister(String service, String id) {
    checkName("service", service);
    checkId(id);
    synchronized (lock(id)) {
      Held h = held.get(id);
      if (h != null) {
        requireService(service, id, h.service);
        held.remove(id, h);
        try {
          remove(service, id);
        } catch (ProblemException e) {
          if (e.problem().status() != 404) {
            held.putIfAbsent(id, h);
            throw e;
          }
        }
        log.debug("deregistered {} of {}", id, service);
        return h.instance;
      }
      requireNotElsewhere(service, id);
      Instance seen = find(service, id);
      remove(service, id);
      return seen;
    }
  }

  /** Sets an instance's status, wherever its lease is held. DRAINING stops new traffic to it. */
  public Instance setStatus(String service, String id, Instance.Status status) {
    checkName("service", service);
    checkId(id);
    if (status == null) throw new InvalidResourceException(List.of(Violation.of("status", "is required (STARTING, UP, DRAINING or DOWN)")));
    synchronized (lock(id)) {
      Held h = held.get(id);
      if (h != null) {
        requireService(service, id, h.service);
        Instance next = h.instance.withStatus(status);
        if (!next.equals(h.instance)) h.update(next, write(service, id, next, -1));
        return next;
      }
      requireNotElsewhere(service, id);
      for (int attempt = 0; attempt < 5; attempt++) {
        try {
          Stat s = new Stat();
          Instance cur = ZooKeeperLayout.readInstance(zk.getData().storingStatIn(s).forPath(path(service, id)));
          if (cur == null) throw new IllegalStateException("unreadable instance at " + path(service, id));
          Instance next = cur.withStatus(status);
          if (!next.equals(cur)) write(service, id, next, s.getVersion());
          return next;
        } catch (KeeperException.NoNodeException e) {
          throw notRegistered(service, id);
        } catch (KeeperException.BadVersionException raced) {
          // changed meanwhile: read again
        } catch (ProblemException e) {
          throw e;
        } catch (Exception e) {
          throw ResourceStore.unavailable(e);
        }
      }
      throw new ProblemException(Problem.conflict("instance " + id + " changed concurrently; retry"));
    }
  }

  public Status status() {
    return new Status(node, held.size(), guard.state());
  }

  /** What every control node published about itself: node, url and self-preservation state. */
  public List<JsonNode> nodes() {
    try {
      List<JsonNode> out = new ArrayList<>();
      for (String n : zk.getChildren().forPath(ZooKeeperLayout.CONTROL_NODES)) {
        try {
          out.add(ResourceCodec.json().readTree(zk.getData().forPath(ZooKeeperLayout.controlNode(n))));
        } catch (KeeperException.NoNodeException gone) {
          // stopped meanwhile
        }
      }
      out.sort(java.util.Comparator.comparing(j -> j.path("node").asText()));
      return out;
    } catch (Exception e) {
      throw ResourceStore.unavailable(e);
    }
  }

  @Override
  public void close() {
    zk.getConnectionStateListenable().removeListener(onConnection);
    timer.shutdownNow();
    cache.close();
  }

  // ---- expiry ----

  private void sweep() {
    try {
      if (sessionLost || !zk.getZookeeperClient().isConnected()) return; // nothing could be written
      long now = nanos();
      List<Map.Entry<String, Held>> overdue = new ArrayList<>();
      for (Map.Entry<String, Held> e : held.entrySet()) {
        if (overdue(e.getValue(), now)) overdue.add(e);
      }
      boolean was = guard.active();
      boolean allow = guard.allow(System.currentTimeMillis(), held.size(), overdue.size());
      if (guard.active() != was) publishMarker();
      if (!allow) return;
      for (Map.Entry<String, Held> e : overdue) {
        String id = e.getKey();
        Held h = e.getValue();
        synchronized (lock(id)) {
          if (held.get(id) != h || !held.remove(id, h)) continue;
          // A renewal that raced with the removal above wins.
          if (!overdue(h, nanos())) {
            held.put(id, h);
            continue;
          }
          try {
            remove(h.service, id);
          } catch (ProblemException gone) {
            if (gone.problem().status() != 404) {
              held.putIfAbsent(id, h);
              return; // ZooKeeper trouble: try again on the next sweep
            }
          }
          guard.expired(System.currentTimeMillis());
          log.info("lease of {} ({} at {}) expired", id, h.service, h.instance.authority());
        }
      }
    } catch (Exception e) {
      log.warn("lease sweep failed: {}", e.toString());
    }
  }

  /** Runs one sweep now, on the registry's thread, and returns when it is done: for tests that move the ticker. */
  void sweepNow() throws Exception {
    timer.submit(this::sweep).get(30, TimeUnit.SECONDS);
  }

  private long nanos() {
    return options.ticker().getAsLong();
  }

  private boolean overdue(Held h, long now) {
    return now - h.renewedNanos > cache.lease(h.service).expiry().toNanos();
  }

  private void dropOldNotes() {
    try {
      for (String p : cache.removalNotesBefore(System.currentTimeMillis() - KEEP_NOTES_MILLIS)) {
        zk.delete().quietly().forPath(p);
      }
    } catch (Exception e) {
      log.debug("dropping old removal notes failed: {}", e.getMessage());
    }
  }

  // ---- ZooKeeper session ----

  private void connectionChanged(CuratorFramework client, ConnectionState state) {
    if (state == ConnectionState.LOST) {
      sessionLost = true;
      log.warn("the registry's ZooKeeper session is lost; heartbeats are refused until it is back");
    } else if (state == ConnectionState.RECONNECTED || state == ConnectionState.CONNECTED) {
      timer.execute(this::restoreAfterReconnect);
    }
  }

  /** After a new session, write this node's instances again: the old session took them along. */
  private void restoreAfterReconnect() {
    long now;
    try {
      now = zk.getZookeeperClient().getZooKeeper().getSessionId();
    } catch (Exception e) {
      return;
    }
    if (now == session && !sessionLost) return;
    session = now;
    int restored = 0;
    for (Map.Entry<String, Held> e : held.entrySet()) {
      String id = e.getKey();
      Held h = e.getValue();
      synchronized (lock(id)) {
        if (held.get(id) != h) continue;
        // Heartbeats were refused while the session was away: that was this node's outage, not
        // the instance's, so its lease starts afresh rather than expiring on the next sweep.
        h.renewedNanos = nanos();
        try {
          Stat s = new Stat();
          zk.create().storingStatIn(s).creatingParentContainersIfNeeded().withMode(CreateMode.EPHEMERAL)
              .forPath(path(h.service, id), ZooKeeperLayout.instanceData(h.instance));
          h.czxid = s.getCzxid();
          restored++;
        } catch (KeeperException.NodeExistsException exists) {
          try {
            Stat s = zk.checkExists().forPath(path(h.service, id));
            if (s != null && s.getEphemeralOwner() == now) {
              h.czxid = s.getCzxid(); // the session survived after all
            } else if (s != null && s.getCzxid() == h.czxid) {
              h.czxid = create(h.service, id, h.instance); // our old session's node, not yet expired by the server
              restored++;
            } else {
              held.remove(id, h); // it registered again through another node meanwhile
            }
          } catch (Exception ex) {
            held.remove(id, h);
          }
        } catch (Exception ex) {
          log.warn("restoring {} failed: {}; it re-registers on its next heartbeat", id, ex.toString());
          held.remove(id, h);
        }
      }
    }
    try {
      publishMarker();
    } catch (Exception ignored) {
      // the status is informational
    }
    sessionLost = false;
    log.info("the registry has a new ZooKeeper session; {} instance(s) written again", restored);
  }

  private void publishMarker() throws Exception {
    ObjectNode n = ResourceCodec.json().createObjectNode();
    n.put("node", node);
    n.put("url", url);
    SelfPreservation.State s = guard.state();
    n.putObject("selfPreservation").put("active", s.active()).put("sinceMillis", s.sinceMillis());
    byte[] data = ResourceCodec.toJsonBytes(n);
    String p = ZooKeeperLayout.controlNode(node);
    Stat stat = zk.checkExists().forPath(p);
    if (stat == null) {
      zk.create().withMode(CreateMode.EPHEMERAL).forPath(p, data);
    } else if (stat.getEphemeralOwner() == session) {
      zk.setData().forPath(p, data);
    } else {
      // Left by this node's previous session, which takes it along when the server expires it.
      zk.transaction().forOperations(zk.transactionOp().delete().forPath(p),
          zk.transactionOp().create().withMode(CreateMode.EPHEMERAL).forPath(p, data));
    }
  }

  // ---- ZooKeeper writes ----

  /** Creates the instance's node in this node's session, taking it over from another session if needed. */
  private long create(String service, String id, Instance inst) {
    String p = path(service, id);
    byte[] data = ZooKeeperLayout.instanceData(inst);
    try {
      for (int attempt = 0; attempt < 5; attempt++) {
        try {
          Stat s = new Stat();
          zk.create().storingStatIn(s).creatingParentContainersIfNeeded().withMode(CreateMode.EPHEMERAL).forPath(p, data);
          return s.getCzxid();
        } catch (KeeperException.NodeExistsException held) {
          // Held by another control node, or by a dead one whose session has not expired yet.
          try {
            zk.transaction().forOperations(
                zk.transactionOp().delete().forPath(p),
                zk.transactionOp().create().withMode(CreateMode.EPHEMERAL).forPath(p, data));
            Stat s = zk.checkExists().forPath(p);
            if (s != null && s.getEphemeralOwner() == session) return s.getCzxid();
          } catch (KeeperException.NoNodeException | KeeperException.NodeExistsException raced) {
            // another node moved at the same moment: try again
          }
        } catch (KeeperException.NoNodeException containerRemoved) {
          // the service's empty parent was cleaned up between the two steps of the create: try again
        }
      }
      throw new ProblemException(Problem.conflict("instance " + id + " is being registered concurrently elsewhere; retry"));
    } catch (ProblemException e) {
      throw e;
    } catch (Exception e) {
      throw ResourceStore.unavailable(e);
    }
  }

  /** Writes the instance's node; returns its new data version. */
  private int write(String service, String id, Instance inst, int version) {
    try {
      return zk.setData().withVersion(version).forPath(path(service, id), ZooKeeperLayout.instanceData(inst)).getVersion();
    } catch (KeeperException.NoNodeException e) {
      throw notRegistered(service, id);
    } catch (KeeperException.BadVersionException e) {
      throw new ProblemException(Problem.conflict("instance " + id + " changed concurrently; retry"));
    } catch (Exception e) {
      throw ResourceStore.unavailable(e);
    }
  }

  /** Deletes the instance's node and writes a removal note, in one transaction. */
  private void remove(String service, String id) {
    try {
      zk.transaction().forOperations(
          zk.transactionOp().delete().forPath(path(service, id)),
          zk.transactionOp().create().withMode(CreateMode.PERSISTENT_SEQUENTIAL)
              .forPath(ZooKeeperLayout.removalPrefix(), ZooKeeperLayout.removalData(service, id)));
    } catch (KeeperException.NoNodeException e) {
      throw notRegistered(service, id);
    } catch (Exception e) {
      throw ResourceStore.unavailable(e);
    }
  }

  // ---- checks ----

  private Instance find(String service, String id) {
    for (Instance i : cache.instances(service)) if (i.id().equals(id)) return i;
    return null;
  }

  private void requireNotElsewhere(String service, String id) {
    cache.serviceOf(id).ifPresent(other -> requireService(service, id, other));
  }

  private static void requireService(String service, String id, String actual) {
    if (!actual.equals(service)) {
      throw new ProblemException(Problem.of(ProblemType.WRONG_SERVICE,
          "instance " + id + " belongs to service " + actual + ", not " + service + "; nothing was changed"));
    }
  }

  private void requireSession() {
    if (sessionLost) {
      throw new ProblemException(Problem.of(ProblemType.REGISTRY_UNAVAILABLE,
          "this control node lost its ZooKeeper session; register with another control node"));
    }
  }

  static ProblemException notRegistered(String service, String id) {
    return new ProblemException(Problem.of(ProblemType.NOT_REGISTERED,
        "instance " + id + " of service " + service + " is not registered with this control node; register it again: "
            + "PUT /api/v1/registry/services/" + service + "/instances/" + id + " with its registration"));
  }

  static void checkName(String field, String name) {
    String bad = Names.problem(name);
    if (bad != null) throw new InvalidResourceException(List.of(Violation.of(field, bad)));
  }

  static void checkId(String id) {
    if (id != null && id.contains(".fixed-")) {
      throw new ProblemException(Problem.of(ProblemType.FIXED_ENDPOINT,
          id + " is a fixed endpoint of its Service resource; it never expires and has no lease: change the Service resource instead"));
    }
    checkName("instance", id);
  }

  private Object lock(String id) {
    return locks[(id.hashCode() & 0x7fffffff) % locks.length];
  }

  private static String path(String service, String id) {
    return ZooKeeperLayout.instance(service, id);
  }

  private String newId() {
    char[] c = new char[12];
    for (int i = 0; i < c.length; i++) c[i] = ID_CHARS[random.nextInt(ID_CHARS.length)];
    return new String(c);
  }
}
