package dev.ooda.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ooda.control.client.InstanceCache;
import dev.ooda.control.client.InstanceLease;
import dev.ooda.control.client.InstanceRegistration;
import dev.ooda.control.client.RegistryClient;
import dev.ooda.control.client.ZooKeeperClients;
import dev.ooda.control.client.ZooKeeperLayout;
import dev.ooda.model.Instance;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.Test;

/** The watcher API as a gateway uses it: only some services, through a ZooKeeper outage, and a dead writer. */
class InstanceCacheTest {
  static final Duration WAIT = Duration.ofSeconds(20);

  @Test
  void anInstanceWhoseNodeVanishesWithoutARemovalStaysListedForOneLeaseExpiryByTheTicker() throws Exception {
    try (TestingServer server = new TestingServer(true);
         CuratorFramework zk = ZooKeeperClients.connect(server.getConnectString())) {
      AtomicLong nanos = new AtomicLong();
      List<String> deleted = new CopyOnWriteArrayList<>();
      Map<String, List<Instance>> seen = new ConcurrentHashMap<>();
      InstanceCache.Observer observer = new InstanceCache.Observer() {
        @Override
        public void changed(ChildData node, Instance instance) {}

        @Override
        public void deleted(ChildData old) {
          deleted.add(old.getPath());
        }
      };
      try (InstanceCache cache = InstanceCache.open(zk, null, seen::put, observer, nanos::get)) {
        assertThat(cache.awaitReady(30, TimeUnit.SECONDS)).isTrue();
        // Written by a session that then ends, as a control node's do when it dies: no removal note.
        Instance ghost = new Instance("ghost-1", "ghost", null, "10.9.0.1", 80, null, Instance.Status.UP, Map.of(), null, 1L, false);
        try (CuratorFramework dying = ZooKeeperClients.connect(server.getConnectString())) {
          dying.create().creatingParentContainersIfNeeded().withMode(CreateMode.EPHEMERAL)
              .forPath(ZooKeeperLayout.instance("ghost", "ghost-1"), ZooKeeperLayout.instanceData(ghost));
          Eventually.within(WAIT, () -> assertThat(seen.get("ghost")).extracting(Instance::id).containsExactly("ghost-1"));
        }
        Eventually.within(WAIT, () -> assertThat(deleted).isNotEmpty());
        Duration expiry = cache.lease("ghost").expiry();

        cache.sweepNow();
        assertThat(cache.instances("ghost")).extracting(Instance::id).containsExactly("ghost-1");
        nanos.addAndGet(expiry.minusMillis(1).toNanos());
        cache.sweepNow();
        assertThat(cache.instances("ghost")).extracting(Instance::id).containsExactly("ghost-1");

        nanos.addAndGet(Duration.ofMillis(1).toNanos());
        cache.sweepNow();
        assertThat(cache.instances("ghost")).isEmpty();
        assertThat(seen.get("ghost")).isEmpty();
      }
    }
  }

  @Test
  void aSelectiveCacheHoldsOnlyTheServicesItFollows() throws Exception {
    try (TestControl t = TestControl.start();
         CuratorFramework zk = ZooKeeperClients.connect(t.zookeeper.getConnectString())) {
      RegistryClient client = t.registry();
      client.heartbeat("search", "search-1", InstanceRegistration.of("10.3.0.1", 80));
      client.heartbeat("search", "search-2", InstanceRegistration.of("10.3.0.2", 80));
      client.heartbeat("billing", "billing-1", InstanceRegistration.of("10.3.1.1", 80));
      t.client().apply("kind: Service\nname: monolith\nspec: {endpoints: [{url: \"http://10.3.2.1:8080\"}]}\n");

      Map<String, List<Instance>> seen = new ConcurrentHashMap<>();
      List<String> calls = new CopyOnWriteArrayList<>();
      InstanceCache cache = InstanceCache.open(zk, Set.of("search", "monolith"), (service, list) -> {
        calls.add(service);
        seen.put(service, list);
      });
      try {
        assertThat(cache.awaitReady(30, TimeUnit.SECONDS)).isTrue();
        assertThat(seen.get("search")).extracting(Instance::id).containsExactly("search-1", "search-2");
        assertThat(seen.get("monolith")).singleElement().satisfies(i -> assertThat(i.fixed()).isTrue());
        assertThat(cache.snapshot()).containsOnlyKeys("search", "monolith");
        assertThat(cache.instances("billing")).isEmpty();

        // Followed later: its list arrives whole, then its changes.
        cache.follow("billing");
        Eventually.within(WAIT, () -> assertThat(seen.get("billing")).extracting(Instance::id).containsExactly("billing-1"));
        client.heartbeat("billing", "billing-2", InstanceRegistration.of("10.3.1.2", 80));
        Eventually.within(WAIT, () -> assertThat(cache.instances("billing")).hasSize(2));

        // Unfollowed: forgotten, and no more calls for it.
        cache.unfollow("search");
        Eventually.within(WAIT, () -> assertThat(cache.instances("search")).isEmpty());
        int before = calls.size();
        client.heartbeat("search", "search-3", InstanceRegistration.of("10.3.0.3", 80));
        client.heartbeat("billing", "billing-3", InstanceRegistration.of("10.3.1.3", 80));
        Eventually.within(WAIT, () -> assertThat(cache.instances("billing")).hasSize(3));
        assertThat(calls.subList(before, calls.size())).doesNotContain("search");
      } finally {
        cache.close();
      }
    }
  }

  @Test
  void whenZooKeeperIsAwayWatchersKeepTheirListsAndHeartbeatsAreStillAnswered() throws Exception {
    try (TestControl t = TestControl.start(); Watcher w = new Watcher(t.zookeeper.getConnectString())) {
      t.client().apply("kind: Service\nname: steady\nspec: {lease: {heartbeat: 1s, expiry: 10s}}\n");
      RegistryClient client = t.registry();
      try (InstanceLease a = client.register("steady", InstanceRegistration.of("10.4.0.1", 80));
           InstanceLease b = client.register("steady", InstanceRegistration.of("10.4.0.2", 80))) {
        Eventually.within(WAIT, () -> assertThat(w.of("steady")).hasSize(2));
        int mark = w.updates.size();

        t.zookeeper.stop();
        Eventually.within(WAIT, () -> {
          assertThat(w.zk.getZookeeperClient().isConnected()).isFalse();
          assertThat(t.control.zookeeper().getZookeeperClient().isConnected()).isFalse();
        });
        // Renewals live in the control node's memory: they need no ZooKeeper.
        assertThat(client.heartbeat("steady", a.id(), InstanceRegistration.of("10.4.0.1", 80)).registered()).isFalse();
        assertThat(w.of("steady")).hasSize(2);
        assertThat(w.cache.instances("steady")).hasSize(2);

        t.zookeeper.restart();
        // Back within the session timeout: nothing was lost, and new registrations flow again.
        client.heartbeat("steady", "steady-late", InstanceRegistration.of("10.4.0.3", 80));
        Eventually.within(WAIT, () -> assertThat(w.ids("steady")).contains(a.id(), b.id(), "steady-late"));
        assertThat(w.updates.subList(mark, w.updates.size())).allSatisfy(u ->
            assertThat(u.instances().stream().map(Instance::id).toList()).contains(a.id(), b.id()));
        client.deregister("steady", "steady-late");
      }
    }
  }
}
