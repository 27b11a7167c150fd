package dev.ooda.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ooda.control.client.InstanceLease;
import dev.ooda.control.client.InstanceRegistration;
import dev.ooda.control.client.RegistryClient;
import dev.ooda.control.client.ZooKeeperLayout;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;

/** Two control nodes on one ZooKeeper: one dies, or loses an instance to the other. */
class ControlNodeFailureTest {
  static final Duration WAIT = Duration.ofSeconds(20);

  @Test
  void aDeadControlNodesInstancesStayListedForALeasePeriodAndComeBackThroughAnotherNode() throws Exception {
    try (TestingServer zk = new TestingServer(true)) {
      ControlPlane a = ControlPlane.start(ControlPlane.Options.builder(zk.getConnectString(), Files.createTempDirectory("ooda-a")).build());
      try (ControlPlane b = ControlPlane.start(ControlPlane.Options.builder(zk.getConnectString(), Files.createTempDirectory("ooda-b")).build());
           Watcher w = new Watcher(zk.getConnectString())) {
        b.store().apply(dev.ooda.model.ResourceCodec.readYaml("kind: Service\nname: shop\nspec: {lease: {heartbeat: 1s, expiry: 3s}}\n"));
        RegistryClient client = new RegistryClient(List.of(URI.create(a.url()), URI.create(b.url())));
        List<InstanceLease> survivors = new ArrayList<>();
        for (int i = 0; i < 3; i++) survivors.add(client.register("shop", InstanceRegistration.of("10.7.0." + (i + 1), 8080)));
        InstanceLease doomed = client.register("shop", InstanceRegistration.of("10.7.0.9", 8080));
        List<String> ids = survivors.stream().map(InstanceLease::id).toList();
        Eventually.within(WAIT, () -> assertThat(w.of("shop")).hasSize(4));
        assertThat(a.registry().status().leases()).isEqualTo(4);
        int mark = w.updates.size();

        // Node A dies, and one instance with it. Its session takes all four znodes along.
        doomed.halt();
        a.close();

        // The three that keep heartbeating register again through B; the fourth goes after one lease period.
        Eventually.within(WAIT, () -> {
          assertThat(b.registry().status().leases()).isEqualTo(3);
          assertThat(w.ids("shop")).containsExactlyInAnyOrderElementsOf(ids);
        });
        assertThat(survivors).allSatisfy(l -> assertThat(w.of("shop")).anySatisfy(i -> assertThat(i.id()).isEqualTo(l.id())));
        // Never did the watcher lose a live instance, let alone the whole service.
        List<Watcher.Update> after = w.updates.subList(mark, w.updates.size()).stream()
            .filter(u -> u.service().equals("shop")).toList();
        assertThat(after).isNotEmpty().allSatisfy(u ->
            assertThat(u.instances().stream().map(dev.ooda.model.Instance::id).toList()).containsAll(ids));
        survivors.forEach(InstanceLease::close);
        Eventually.within(WAIT, () -> assertThat(w.of("shop")).isEmpty());
      } finally {
        a.close();
      }
    }
  }

  @Test
  void aHeartbeatThroughAnotherLiveNodeMovesTheLeaseWithoutTheInstanceEverVanishing() throws Exception {
    try (TestingServer zk = new TestingServer(true);
         ControlPlane a = ControlPlane.start(ControlPlane.Options.builder(zk.getConnectString(), Files.createTempDirectory("ooda-a")).build());
         ControlPlane b = ControlPlane.start(ControlPlane.Options.builder(zk.getConnectString(), Files.createTempDirectory("ooda-b")).build());
         Watcher w = new Watcher(zk.getConnectString())) {
      RegistryClient viaA = new RegistryClient(URI.create(a.url()));
      RegistryClient viaB = new RegistryClient(URI.create(b.url()));
      InstanceRegistration r = InstanceRegistration.of("10.8.0.1", 8080);
      String id = viaA.heartbeat("cart", "cart-one", r).instance().id();
      Eventually.within(WAIT, () -> assertThat(w.ids("cart")).containsExactly(id));
      int mark = w.updates.size();

      RegistryClient.Leased moved = viaB.heartbeat("cart", id, r);
      assertThat(moved.registered()).isTrue();
      Eventually.within(WAIT, () -> {
        assertThat(a.registry().status().leases()).isZero();
        assertThat(b.registry().status().leases()).isEqualTo(1);
      });
      assertThat(viaB.heartbeat("cart", id, r).registered()).isFalse();
      // A holds it no more: a bare heartbeat there is told to register again.
      assertThat(org.assertj.core.api.Assertions.catchThrowableOfType(dev.ooda.model.ProblemException.class,
          () -> a.registry().renew("cart", id)).problem().slug()).isEqualTo("not-registered");
      assertThat(w.updates.subList(mark, w.updates.size())).allSatisfy(u -> assertThat(u.instances()).isNotEmpty());
      assertThat(w.ids("cart")).containsExactly(id);

      // A status change through A reaches B's copy of the lease, so B keeps it when it writes again.
      a.registry().setStatus("cart", id, dev.ooda.model.Instance.Status.DRAINING);
      Eventually.within(WAIT, () -> assertThat(viaB.heartbeat("cart", id, r).instance().status())
          .isEqualTo(dev.ooda.model.Instance.Status.DRAINING));
      // Deregistration through A removes B's lease too.
      viaA.deregister("cart", id);
      Eventually.within(WAIT, () -> {
        assertThat(w.ids("cart")).isEmpty();
        assertThat(b.registry().status().leases()).isZero();
      });
    }
  }

  @Test
  void aControlNodeThatLosesItsZooKeeperSessionWritesItsInstancesAgain() throws Exception {
    try (TestingServer zk = new TestingServer(true);
         ControlPlane a = ControlPlane.start(ControlPlane.Options.builder(zk.getConnectString(), Files.createTempDirectory("ooda-a")).build());
         Watcher w = new Watcher(zk.getConnectString())) {
      a.store().apply(dev.ooda.model.ResourceCodec.readYaml("kind: Service\nname: vault\nspec: {lease: {heartbeat: 1s, expiry: 20s}}\n"));
      RegistryClient client = new RegistryClient(URI.create(a.url()));
      try (InstanceLease lease = client.register("vault", InstanceRegistration.of("10.9.9.1", 8200))) {
        Eventually.within(WAIT, () -> assertThat(w.ids("vault")).containsExactly(lease.id()));
        long before = a.zookeeper().getZookeeperClient().getZooKeeper().getSessionId();
        int mark = w.updates.size();

        a.zookeeper().getZookeeperClient().getZooKeeper().getTestable().injectSessionExpiration();

        // A new session owns the instance's node and this node's status; the lease never left.
        Eventually.within(WAIT, () -> {
          long now = a.zookeeper().getZookeeperClient().getZooKeeper().getSessionId();
          assertThat(now).isNotEqualTo(before);
          assertThat(a.zookeeper().checkExists().forPath(ZooKeeperLayout.instance("vault", lease.id())).getEphemeralOwner()).isEqualTo(now);
          assertThat(a.zookeeper().checkExists().forPath(ZooKeeperLayout.controlNode(a.registry().node())).getEphemeralOwner()).isEqualTo(now);
        });
        assertThat(a.registry().status().leases()).isEqualTo(1);
        assertThat(client.heartbeat("vault", lease.id(), InstanceRegistration.of("10.9.9.1", 8200)).registered()).isFalse();
        assertThat(w.ids("vault")).containsExactly(lease.id());
        assertThat(w.updates.subList(mark, w.updates.size())).allSatisfy(u -> assertThat(u.instances()).isNotEmpty());
      }
    }
  }
}
