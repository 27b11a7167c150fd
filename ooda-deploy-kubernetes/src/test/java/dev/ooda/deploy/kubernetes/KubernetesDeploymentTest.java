package dev.ooda.deploy.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ooda.control.client.ResourceCache;
import dev.ooda.deploy.DeploymentController;
import dev.ooda.deploy.Rollouts;
import dev.ooda.deploy.RouteWeights;
import dev.ooda.model.DeploymentSpec;
import dev.ooda.model.Kinds;
import dev.ooda.model.Resource;
import dev.ooda.model.ResourceCodec;
import dev.ooda.testing.Eventually;
import dev.ooda.testing.TestControl;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The platform's controller carrying out a Deployment on a cluster: a real control plane holds the
 * Deployment and the Route, the Kubernetes engine runs the versions on fabric8's API-server mock
 * (CRUD mode; no pods run, so the test reports them ready as the cluster would).
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesDeploymentTest {
  private static final Duration LONG = Duration.ofSeconds(30);
  KubernetesClient client;

  private Deployment get(String name) {
    return client.apps().deployments().inNamespace(KubernetesEngineTest.NS).withName(name).get();
  }

  private static DeploymentSpec deployment(TestControl t) {
    return Rollouts.find(t.client(), "catalog").spec(DeploymentSpec.class);
  }

  private static Map<String, Double> traffic(TestControl t) {
    return RouteWeights.percents(Rollouts.readRoute(t.client(), "catalog"), "catalog");
  }

  /** Writes the deployment changed by {@code change}; refused as stale when the controller wrote its status in between, so read again and retry. */
  private static void change(TestControl t, java.util.function.UnaryOperator<DeploymentSpec> change) throws Exception {
    Eventually.within(LONG, () -> {
      Resource r = Rollouts.find(t.client(), "catalog");
      t.client().apply(ResourceCodec.toYaml(List.of(new Resource(r.kind(), r.name(), r.version(),
          change.apply(r.spec(DeploymentSpec.class))))));
    });
  }

  private static boolean ready(ResourceCache c) {
    try {
      return c.awaitReady(0, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Test
  void aBlueGreenDeploymentOnTheClusterSwitchesOnceTheNewKubernetesDeploymentIsReadyAndRollsBack() throws Exception {
    try (TestControl t = TestControl.start();
         ResourceCache deployments = ResourceCache.open(t.control.zookeeper(), DeploymentSpec.KIND, s -> {});
         ResourceCache routes = ResourceCache.open(t.control.zookeeper(), Kinds.ROUTE, s -> {});
         KubernetesEngine engine = new KubernetesEngine(client, new KubernetesEngine.Options(KubernetesEngineTest.NS, null,
             URI.create(t.control.url()), null, null));
         DeploymentController controller = new DeploymentController(engine, t.client(), null, deployments::snapshot,
             routes::snapshot, () -> ready(deployments) && ready(routes), Clock.systemUTC()).start(Duration.ofMillis(100))) {
      t.client().apply("kind: Route\nname: catalog\nspec: {match: {pathPrefix: /}, to: [{service: catalog}]}\n");
      String v1 = """
          kind: Deployment
          name: catalog
          spec:
            service: catalog
            route: catalog
            strategy: {type: blueGreen}
            versions:
              - {version: v1, artifact: {jar: /app/catalog-1.jar}, instances: 2}
          """;
      t.client().apply(v1);
      Eventually.within(LONG, () -> assertThat(get("catalog-v1")).isNotNull());
      assertThat(get("catalog-v1").getSpec().getReplicas()).isEqualTo(2);
      assertThat(get("catalog-v1").getSpec().getTemplate().getSpec().getContainers().get(0).getCommand())
          .containsExactly("java", "-Xmx128m", "-jar", "/app/catalog-1.jar");
      Eventually.within(LONG, () -> assertThat(deployment(t).status().phase()).isEqualTo(DeploymentSpec.Phase.starting));
      KubernetesEngineTest.podsReady(client, "catalog-v1", 2);
      Eventually.within(LONG, () -> assertThat(deployment(t).status().phase()).isEqualTo(DeploymentSpec.Phase.stable));
      Eventually.within(LONG, () -> assertThat(traffic(t)).containsEntry("v1", 100.0));

      // v2 beside v1 at full size, no traffic until both of its pods are ready
      change(t, s -> {
        List<DeploymentSpec.Version> vs = new java.util.ArrayList<>(s.versions());
        vs.add(new DeploymentSpec.Version("v2", new DeploymentSpec.Artifact("/app/catalog-2.jar", null, null), null, 2, null, null));
        return s.withVersions(vs);
      });
      Eventually.within(LONG, () -> assertThat(get("catalog-v2")).isNotNull());
      assertThat(get("catalog-v2").getSpec().getReplicas()).isEqualTo(2);
      KubernetesEngineTest.podsReady(client, "catalog-v2", 1);
      Eventually.within(LONG, () -> assertThat(deployment(t).status().reason()).isEqualTo("v2: 1 of 2 instances ready"));
      assertThat(traffic(t)).containsEntry("v1", 100.0).containsEntry("v2", 0.0);
      KubernetesEngineTest.podsReady(client, "catalog-v2", 2);
      Eventually.within(LONG, () -> assertThat(deployment(t).status().phase()).isEqualTo(DeploymentSpec.Phase.promoted));
      assertThat(traffic(t)).containsEntry("v2", 100.0).containsEntry("v1", 0.0);
      // the old version stays at full size for keepPrevious
      assertThat(get("catalog-v1").getSpec().getReplicas()).isEqualTo(2);

      assertThat(Rollouts.rollback(t.client(), Rollouts.find(t.client(), "catalog"), "manual rollback", null, Clock.systemUTC()))
          .contains("all traffic on v1");
      assertThat(traffic(t)).containsEntry("v1", 100.0);
      // the new version's Kubernetes Deployment goes once every gateway has had time to take the route
      Eventually.within(LONG, () -> assertThat(get("catalog-v2")).isNull());
      assertThat(get("catalog-v1").getSpec().getReplicas()).isEqualTo(2);

      // outside its uptime the versions are scaled to zero on the cluster too
      change(t, s -> s.withSchedule(new DeploymentSpec.Schedule("never", null, null)));
      Eventually.within(LONG, () -> assertThat(get("catalog-v1").getSpec().getReplicas()).isZero());
      Eventually.within(LONG, () -> assertThat(deployment(t).status().down()).isEqualTo("outside uptime never"));
      // and stays so at the ticks after: a round that reports another reason has seen it at zero
      change(t, s -> s.withSchedule(new DeploymentSpec.Schedule("NEVER", null, null)));
      Eventually.within(LONG, () -> assertThat(deployment(t).status().down()).isEqualTo("outside uptime NEVER"));
      assertThat(get("catalog-v1").getSpec().getReplicas()).isZero();
    }
  }
}
