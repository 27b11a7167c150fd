package dev.ooda.control.client;

import dev.ooda.model.Instance;
import dev.ooda.model.Kinds;
import dev.ooda.model.Resource;
import dev.ooda.model.ServiceSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry as gateways and clients see it: for each service, an immutable list of its
 * instances, kept current by ZooKeeper watches (Curator's {@link CuratorCache}; nothing polls).
 *
 * <p>A service's list holds its registered instances and its Service resource's fixed endpoints
 * ({@link Instance#fixed()}), sorted by id. An instance whose znode vanishes without a removal
 * (its control node died, so its ephemeral node went with the node's session) stays listed, as last
 * seen, for one lease expiry period of its service: its next heartbeat re-registers it with
 * another control node, and a service never empties because a control node died. Explicit
 * deregistration and lease expiry remove an instance at once. When ZooKeeper is unreachable the
 * last lists stay as they were.
 *
 * <p>Instances without a health path of their own carry their Service's {@code health.path}.
 *
 * <p>All work and every listener call happen on one thread of this cache, in the order ZooKeeper
 * made the changes.
 */
public final class InstanceCache implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(InstanceCache.class);

  /** Receives a service's whole new list each time it changes. */
  @FunctionalInterface
  public interface Listener {
    /**
     * @param service   the service whose list changed
     * @param instances its instances now, immutable, sorted by id; empty when it has none left
     */
    void changed(String service, List<Instance> instances);
  }

  /**
   * Raw instance node events, on this cache's thread: for the control plane's registry, which
   * keeps its leases in step with changes made through other control nodes.
   */
  public interface Observer {
    void changed(ChildData node, Instance instance);

    void deleted(ChildData old);
  }

  private static final class Entry {
    final Instance instance;
    final long czxid;
    ScheduledFuture<?> linger; // set while the instance's node is gone but it is still listed
    long lingerUntil; // by the cache's ticker, while lingering

    Entry(Instance instance, long czxid) {
      this.instance = instance;
      this.czxid = czxid;
    }
  }

  private final CuratorFramework zk;
  private final Listener listener;
  private final Observer observer;
  private final Set<String> followed; // null: every service
  /** Times lingering: {@link System#nanoTime()} outside tests. */
  private final LongSupplier nanoTime;
  private final ScheduledThreadPoolExecutor thread;
  private final CountDownLatch ready = new CountDownLatch(1);
  /** Set on this cache's thread once the first full read is done; lists are published from then on. */
  private volatile boolean initialized;

  // Confined to the cache thread.
  private final Map<String, CuratorCache> instanceCaches = new HashMap<>();
  private final Map<String, Map<String, Entry>> registered = new HashMap<>();
  private final Map<String, Long> notes = new HashMap<>(); // instance id -> czxid of its newest removal note
  private final Set<String> loading = new HashSet<>();
  private int pendingLoads;
  private boolean closed;

  // Read from any thread.
  private final ConcurrentHashMap<String, List<Instance>> published = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, String> serviceOfId = new ConcurrentHashMap<>();
  private volatile Map<String, ServiceSpec> specs = Map.of();
  private volatile CuratorCache removals;
  private volatile ResourceCache services;

  private InstanceCache(CuratorFramework zk, Set<String> followed, Listener listener, Observer observer, LongSupplier nanoTime) {
    this.zk = zk;
    this.nanoTime = nanoTime;
    this.followed = followed == null ? null : ConcurrentHashMap.newKeySet();
    if (followed != null) this.followed.addAll(followed);
    this.listener = listener;
    this.observer = observer;
    this.thread = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "ooda-instance-cache");
      t.setDaemon(true);
      return t;
    });
    thread.setRemoveOnCancelPolicy(true);
    // Lingering instances' timers must not hold up close().
    thread.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  /**
   * Watches every service. {@code listener} is called once per service that has instances when the
   * first full read is done, then once per change of a service's list.
   */
  public static InstanceCache open(CuratorFramework zk, Listener listener) {
    return open(zk, null, listener, null);
  }

  /**
   * Watches only {@code services} (more with {@link #follow}), as a gateway that holds only the
   * services its routes use. Each followed service has its own ZooKeeper watch.
   */
  public static InstanceCache open(CuratorFramework zk, Set<String> services, Listener listener) {
    return open(zk, Objects.requireNonNull(services, "services"), listener, null);
  }

  /** Watches {@code services} (every service when null) and tells {@code observer} of raw node events. */
  public static InstanceCache open(CuratorFramework zk, Set<String> services, Listener listener, Observer observer) {
    return open(zk, services, listener, observer, System::nanoTime);
  }

  /**
   * As {@link #open(CuratorFramework, Set, Listener, Observer)}, with the ticker that times how long a
   * vanished instance stays listed: tests move one by hand and call {@link #sweepNow()}.
   */
  public static InstanceCache open(CuratorFramework zk, Set<String> services, Listener listener, Observer observer,
                                   LongSupplier nanoTime) {
    InstanceCache c = new InstanceCache(zk, services, listener == null ? (s, l) -> {} : listener, observer,
        Objects.requireNonNull(nanoTime, "nanoTime"));
    c.start();
    return c;
  }

  private void start() {
    run(() -> {
      if (followed == null) {
        pendingLoads = 3;
        watch(null, ZooKeeperLayout.INSTANCES);
      } else {
        pendingLoads = 2 + followed.size();
        for (String s : followed) watch(s, ZooKeeperLayout.instances(s));
      }
      removals = CuratorCache.build(zk, ZooKeeperLayout.REMOVALS);
      removals.listenable().addListener(CuratorCacheListener.builder()
          .forAll((type, old, data) -> run(() -> onNote(type, old, data)))
          .forInitialized(() -> run(this::loaded))
          .build());
      removals.start();
      boolean[] first = {true};
      services = ResourceCache.open(zk, Kinds.SERVICE, snapshot -> run(() -> {
        onServices(snapshot);
        if (first[0]) {
          first[0] = false;
          loaded();
        }
      }));
    });
  }

  /** Waits for the first full read; false if it did not complete in time. */
  public boolean awaitReady(long timeout, TimeUnit unit) throws InterruptedException {
    return ready.await(timeout, unit);
  }

  /** A service's instances: immutable, sorted by id, empty when it has none (or is not followed). */
  public List<Instance> instances(String service) {
    return published.getOrDefault(service, List.of());
  }

  /** Every service with instances, by name, each with its list. */
  public Map<String, List<Instance>> snapshot() {
    return Collections.unmodifiableMap(new TreeMap<>(published));
  }

  /** Starts watching one more service; only for a cache opened with a set of services. */
  public void follow(String service) {
    requireSelective();
    if (!followed.add(service)) return;
    run(() -> {
      loading.add(service);
      watch(service, ZooKeeperLayout.instances(service));
    });
  }

  /** Stops watching a service and forgets its instances; only for a cache opened with a set of services. */
  public void unfollow(String service) {
    requireSelective();
    if (!followed.remove(service)) return;
    run(() -> {
      CuratorCache c = instanceCaches.remove(service);
      if (c != null) c.close();
      loading.remove(service);
      Map<String, Entry> gone = registered.remove(service);
      if (gone != null) {
        gone.values().forEach(e -> {
          if (e.linger != null) e.linger.cancel(false);
          serviceOfId.remove(e.instance.id(), service);
        });
      }
      published.remove(service);
    });
  }

  @Override
  public void close() {
    run(() -> {
      closed = true;
      instanceCaches.values().forEach(CuratorCache::close);
      if (removals != null) removals.close();
      if (services != null) services.close();
    });
    thread.shutdown();
    try {
      thread.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Drops, now, the lingering instances whose lease period is over by the ticker, after every change
   * this cache has been told of so far; returns when done. Timers do the same on their own.
   */
  public void sweepNow() throws InterruptedException {
    java.util.concurrent.Future<?> done;
    try {
      done = thread.submit(() -> {
        if (closed) return;
        long now = nanoTime.getAsLong();
        for (String service : new ArrayList<>(registered.keySet())) {
          List<String> over = new ArrayList<>();
          registered.get(service).forEach((id, e) -> {
            if (e.linger != null && now - e.lingerUntil >= 0) over.add(id);
          });
          if (over.isEmpty()) continue;
          over.forEach(id -> remove(service, id));
          publish(service);
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException closing) {
      return;
    }
    try {
      done.get();
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("instance cache sweep failed", e.getCause());
    }
  }

  /** The service an instance id is listed under (lingering ones included), if any. */
  public Optional<String> serviceOf(String id) {
    return Optional.ofNullable(serviceOfId.get(id));
  }

  /** The lease settings of a service: its Service resource's, or the defaults. */
  public ServiceSpec.Lease lease(String service) {
    ServiceSpec s = specs.get(service);
    return s == null ? ServiceSpec.Lease.DEFAULT : s.effectiveLease();
  }

  /** Paths of removal notes written before {@code beforeMillis} (ZooKeeper's clock), for clean-up. */
  public List<String> removalNotesBefore(long beforeMillis) {
    if (removals == null) return List.of();
    return removals.stream()
        .filter(d -> ZooKeeperLayout.isRemoval(d.getPath()) && d.getStat() != null && d.getStat().getCtime() < beforeMillis)
        .map(ChildData::getPath)
        .toList();
  }

  // ---- on the cache thread ----

  private void run(Runnable r) {
    try {
      thread.execute(() -> {
        if (closed) return;
        try {
          r.run();
        } catch (RuntimeException e) {
          log.error("instance cache update failed", e);
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException closing) {
      // closed: nothing more to do
    }
  }

  private void watch(String service, String path) {
    CuratorCache c = CuratorCache.build(zk, path);
    c.listenable().addListener(CuratorCacheListener.builder()
        .forAll((type, old, data) -> run(() -> onInstance(type, old, data)))
        .forInitialized(() -> run(() -> {
          if (service != null && loading.remove(service)) publish(service);
          else loaded();
        }))
        .build());
    instanceCaches.put(service == null ? "" : service, c);
    c.start();
  }

  private void loaded() {
    if (--pendingLoads > 0) return;
    Set<String> all = new HashSet<>(registered.keySet());
    specs.forEach((name, spec) -> {
      if (!spec.endpoints().isEmpty()) all.add(name);
    });
    initialized = true;
    all.forEach(this::publish);
    // Only now: whoever waited for readiness finds the listener already told of every service.
    ready.countDown();
  }

  private void onInstance(CuratorCacheListener.Type type, ChildData old, ChildData data) {
    ChildData node = data != null ? data : old;
    String[] at = ZooKeeperLayout.serviceAndId(node.getPath());
    if (at == null || !follows(at[0])) return;
    String service = at[0];
    String id = at[1];
    Map<String, Entry> byId = registered.computeIfAbsent(service, s -> new HashMap<>());
    if (type == CuratorCacheListener.Type.NODE_DELETED) {
      if (observer != null) observer.deleted(old);
      Entry e = byId.get(id);
      if (e == null || e.czxid != old.getStat().getCzxid() || e.linger != null) return;
      Long note = notes.get(id);
      if (note != null && note > e.czxid) {
        remove(service, id);
      } else {
        Duration keep = lease(service).expiry();
        e.lingerUntil = nanoTime.getAsLong() + keep.toNanos();
        e.linger = thread.schedule(() -> lingerOver(service, id, e), keep.toNanos(), TimeUnit.NANOSECONDS);
        log.debug("{} of {} vanished without a removal; listed for {} more", id, service, keep);
        return; // the list has not changed
      }
    } else {
      Instance i = ZooKeeperLayout.readInstance(data.getData());
      if (i == null || !i.id().equals(id) || !i.service().equals(service)) {
        log.warn("skipping unreadable instance at {}", data.getPath());
        return;
      }
      Entry prev = byId.put(id, new Entry(i, data.getStat().getCzxid()));
      if (prev != null && prev.linger != null) prev.linger.cancel(false);
      serviceOfId.put(id, service);
      if (observer != null) observer.changed(data, i);
    }
    publish(service);
  }

  /** A lingering instance's timer: it goes once the ticker says its time is up, else the timer waits the rest. */
  private void lingerOver(String service, String id, Entry e) {
    if (closed || registered.getOrDefault(service, Map.of()).get(id) != e || e.linger == null) return;
    long left = e.lingerUntil - nanoTime.getAsLong();
    if (left > 0) {
      e.linger = thread.schedule(() -> lingerOver(service, id, e), left, TimeUnit.NANOSECONDS);
      return;
    }
    remove(service, id);
    publish(service);
  }

  private void onNote(CuratorCacheListener.Type type, ChildData old, ChildData data) {
    ChildData node = data != null ? data : old;
    String[] note = ZooKeeperLayout.isRemoval(node.getPath()) ? ZooKeeperLayout.readRemoval(node.getData()) : null;
    if (note == null) return;
    String service = note[0];
    String id = note[1];
    long czxid = node.getStat().getCzxid();
    if (type == CuratorCacheListener.Type.NODE_DELETED) {
      notes.remove(id, czxid);
      return;
    }
    notes.merge(id, czxid, Math::max);
    Entry e = registered.getOrDefault(service, Map.of()).get(id);
    if (e != null && e.linger != null && e.czxid < czxid) {
      remove(service, id);
      publish(service);
    }
  }

  private void onServices(Map<String, Resource> snapshot) {
    Map<String, ServiceSpec> next = new HashMap<>();
    snapshot.forEach((name, r) -> next.put(name, (ServiceSpec) r.spec()));
    Map<String, ServiceSpec> before = specs;
    specs = Map.copyOf(next);
    Set<String> changed = new HashSet<>();
    for (String s : next.keySet()) if (!Objects.equals(before.get(s), next.get(s))) changed.add(s);
    for (String s : before.keySet()) if (!next.containsKey(s)) changed.add(s);
    changed.forEach(this::publish);
  }

  private void remove(String service, String id) {
    Map<String, Entry> byId = registered.get(service);
    if (byId == null) return;
    Entry e = byId.remove(id);
    if (e != null && e.linger != null) e.linger.cancel(false);
    if (byId.isEmpty()) registered.remove(service);
    serviceOfId.remove(id, service);
  }

  private void publish(String service) {
    if (!initialized || loading.contains(service) || !follows(service)) return;
    ServiceSpec spec = specs.get(service);
    String defaultHealth = spec != null && spec.health() != null ? spec.health().path() : null;
    List<Instance> list = new ArrayList<>();
    for (Entry e : registered.getOrDefault(service, Map.of()).values()) {
      Instance i = e.instance;
      list.add(i.healthPath() != null || defaultHealth == null ? i
          : new Instance(i.id(), i.service(), i.version(), i.host(), i.port(), i.zone(), i.status(), i.metadata(),
              defaultHealth, i.registeredAtMillis(), false));
    }
    if (spec != null) {
      for (int n = 0; n < spec.endpoints().size(); n++) {
        Instance f = Instance.ofEndpoint(service, n, spec.endpoints().get(n), defaultHealth);
        if (f != null) list.add(f);
      }
    }
    list.sort(Comparator.comparing(Instance::id));
    List<Instance> next = List.copyOf(list);
    List<Instance> prev = next.isEmpty() ? published.remove(service) : published.put(service, next);
    if (next.equals(prev == null ? List.of() : prev)) return;
    try {
      listener.changed(service, next);
    } catch (RuntimeException e) {
      log.error("an instance listener failed on {}", service, e);
    }
  }

  private boolean follows(String service) {
    return followed == null || followed.contains(service);
  }

  private void requireSelective() {
    if (followed == null) throw new IllegalStateException("this cache watches every service already");
  }
}
