package dev.ooda.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ooda.control.client.ControlClient;
import dev.ooda.model.ProblemException;
import java.net.URI;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.junit.jupiter.api.Test;

/** The control plane on a real three-node ZooKeeper ensemble that loses a node mid-stream. */
class ClusterTest {

  @Test
  void losingOneOfThreeZooKeeperNodesLosesNothingAppliedAndTheApiKeepsAnswering() throws Exception {
    try (TestingCluster cluster = new TestingCluster(3)) {
      cluster.start();
      java.nio.file.Path dirA = Files.createTempDirectory("ooda-a");
      try (ControlPlane a = ControlPlane.start(ControlPlane.Options.builder(cluster.getConnectString(), dirA).build());
           ControlPlane b = ControlPlane.start(ControlPlane.Options.builder(cluster.getConnectString(), Files.createTempDirectory("ooda-b")).build())) {
        // Both control nodes check the one token, created by the node that started first.
        String token = AdminToken.read(dirA);
        ControlClient viaA = new ControlClient(URI.create(a.url()), token);
        ControlClient viaB = new ControlClient(URI.create(b.url()), token);

        Set<String> acknowledged = new HashSet<>();
        List<String> refused = new ArrayList<>();
        InstanceSpec victim = cluster.getInstances().iterator().next();
        for (int i = 0; i < 60; i++) {
          if (i == 20) assertThat(cluster.killServer(victim)).isTrue();
          String name = "svc-" + i;
          // A request caught while the ensemble re-forms may be refused (503); a client retries it.
          for (int attempt = 0; attempt < 20 && !acknowledged.contains(name); attempt++) {
            try {
              (i % 2 == 0 ? viaA : viaB).apply("kind: Service\nname: " + name + "\nspec: {owner: team}\n");
              acknowledged.add(name);
            } catch (ProblemException e) {
              refused.add(name + ": " + e.getMessage());
              Thread.sleep(250);
            }
          }
        }
        assertThat(acknowledged).as("refused: %s", refused).hasSize(60);

        for (ControlClient c : List.of(viaA, viaB)) {
          Set<String> listed = new HashSet<>();
          for (JsonNode n : c.list("services").get("items")) listed.add(n.get("name").asText());
          assertThat(listed).containsAll(acknowledged);
        }
      }
    }
  }
}
