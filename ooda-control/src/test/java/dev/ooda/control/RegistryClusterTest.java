package dev.ooda.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ooda.control.client.InstanceLease;
import dev.ooda.control.client.InstanceRegistration;
import dev.ooda.control.client.RegistryClient;
import dev.ooda.model.Instance;
import dev.ooda.model.ProblemException;
import dev.ooda.model.ResourceCodec;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.junit.jupiter.api.Test;

/** The registry on a real three-node ZooKeeper ensemble that loses a node. */
class RegistryClusterTest {
  static final Duration WAIT = Duration.ofSeconds(30);

  @Test
  void losingOneOfThreeZooKeeperNodesLosesNoRegistration() throws Exception {
    try (TestingCluster cluster = new TestingCluster(3)) {
      cluster.start();
      AtomicLong nanos = new AtomicLong();
      ControlPlane.Options options = ControlPlane.Options.builder(cluster.getConnectString(), Files.createTempDirectory("ooda-c"))
          .registry(Registry.Options.DEFAULTS.withTicker(nanos::get)).build();
      try (ControlPlane control = ControlPlane.start(options);
           Watcher w = new Watcher(cluster.getConnectString())) {
        control.store().apply(ResourceCodec.readYaml("kind: Service\nname: ledger\nspec: {lease: {heartbeat: 1s, expiry: 3s}}\n"));
        RegistryClient client = new RegistryClient(URI.create(control.url()));
        List<InstanceLease> leases = new ArrayList<>();
        for (int i = 0; i < 10; i++) leases.add(client.register("ledger", InstanceRegistration.of("10.6.0." + (i + 1), 8080)));
        List<String> ids = leases.stream().map(InstanceLease::id).toList();
        Eventually.within(WAIT, () -> assertThat(w.ids("ledger")).containsExactlyInAnyOrderElementsOf(ids));
        int mark = w.updates.size();

        InstanceSpec victim = cluster.getInstances().iterator().next();
        assertThat(cluster.killServer(victim)).isTrue();

        // Registrations keep coming; one caught while the ensemble re-forms may be refused with 503.
        List<String> added = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
          for (int attempt = 0; attempt < 40; attempt++) {
            try {
              InstanceLease l = client.register("ledger", InstanceRegistration.of("10.6.1." + (i + 1), 8080));
              leases.add(l);
              added.add(l.id());
              break;
            } catch (ProblemException e) {
              Thread.sleep(250);
            }
          }
        }
        assertThat(added).hasSize(5);
        // Several lease periods pass with one ZooKeeper node down, each lease renewed within each.
        Eventually.within(WAIT, () -> assertThat(control.zookeeper().getZookeeperClient().isConnected()).isTrue());
        for (int period = 0; period < 3; period++) {
          nanos.addAndGet(Duration.ofSeconds(2).toNanos());
          for (InstanceLease l : leases) client.heartbeat("ledger", l.id(), InstanceRegistration.of(l.instance().host(), 8080));
          control.registry().sweepNow();
        }
        Eventually.within(WAIT, () -> assertThat(w.ids("ledger")).containsAll(ids).containsAll(added));
        assertThat(control.registry().status().leases()).isGreaterThanOrEqualTo(10);
        assertThat(w.updates.subList(mark, w.updates.size())).allSatisfy(u ->
            assertThat(u.instances().stream().map(Instance::id).toList()).containsAll(ids));
        assertThat(client.instances("ledger")).extracting(Instance::id).containsAll(ids);
        leases.forEach(InstanceLease::close);
      }
    }
  }
}
