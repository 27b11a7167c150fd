package dev.ooda.deploy.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ooda.control.client.ServiceCredentials;
import dev.ooda.deploy.Identities;
import dev.ooda.deploy.InstanceState;
import dev.ooda.deploy.SupervisedInstance;
import dev.ooda.model.DeploymentSpec;
import dev.ooda.testing.TestControl;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes engine against fabric8's API-server mock in CRUD mode: it stores and lists
 * resources as an API server does, but runs no pods, so the tests write a Deployment's status
 * (its ready replicas) as the cluster's controllers would.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesEngineTest {
  static final String NS = "shop";
  KubernetesClient client;

  KubernetesEngine engine() {
    return new KubernetesEngine(client, new KubernetesEngine.Options(NS, "registry.example/jvm:17", URI.create("http://ooda-control:9900"),
        "zk:2181", "http://zipkin:9411"));
  }

  static DeploymentSpec.Version version(String name, Map<String, String> env) {
    return new DeploymentSpec.Version(name, new DeploymentSpec.Artifact(null, "java", List.of("-cp", "/app/*", "Main", "--port", "{port}")),
        env, 2, "/ready", 256);
  }

  /** What the cluster's deployment controller and kubelets would report once {@code ready} pods pass their probe. */
  static void podsReady(KubernetesClient client, String name, int ready) {
    client.apps().deployments().inNamespace(NS).withName(name).editStatus(d -> {
      d.setStatus(new DeploymentStatusBuilder().withReplicas(ready).withReadyReplicas(ready).withUpdatedReplicas(ready).build());
      return d;
    });
  }

  Deployment get(String name) {
    return client.apps().deployments().inNamespace(NS).withName(name).get();
  }

  @Test
  void aVersionIsOneKubernetesDeploymentScaledUpAndDown() {
    KubernetesEngine e = engine();
    e.scale("catalog", version("v1", Map.of("MODE", "fast")), 2);
    Deployment d = get("catalog-v1");
    assertThat(d.getMetadata().getLabels()).containsEntry(KubernetesEngine.MANAGED_BY, "ooda")
        .containsEntry(KubernetesEngine.SERVICE, "catalog").containsEntry(KubernetesEngine.VERSION, "v1");
    assertThat(d.getSpec().getReplicas()).isEqualTo(2);
    assertThat(d.getSpec().getSelector().getMatchLabels()).containsOnlyKeys(KubernetesEngine.SERVICE, KubernetesEngine.VERSION);
    var c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(c.getImage()).isEqualTo("registry.example/jvm:17");
    assertThat(c.getCommand()).containsExactly("java", "-cp", "/app/*", "Main", "--port", "8080");
    assertThat(c.getEnv()).extracting(EnvVar::getName, EnvVar::getValue).contains(
        org.assertj.core.groups.Tuple.tuple("MODE", "fast"), org.assertj.core.groups.Tuple.tuple("OODA_SERVICE", "catalog"),
        org.assertj.core.groups.Tuple.tuple("OODA_VERSION", "v1"), org.assertj.core.groups.Tuple.tuple("OODA_PORT", "8080"),
        org.assertj.core.groups.Tuple.tuple("OODA_SERVER", "http://ooda-control:9900"),
        org.assertj.core.groups.Tuple.tuple("JDK_JAVA_OPTIONS", "-Xmx256m"));
    assertThat(c.getEnvFrom().get(0).getSecretRef().getName()).isEqualTo("ooda-catalog-credentials");
    assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/ready");
    assertThat(c.getResources().getLimits().get("memory").toString()).isEqualTo("384Mi");

    assertThat(e.ready("catalog", "v1")).isZero();
    assertThat(e.instances("catalog")).extracting(SupervisedInstance::state).containsExactly(InstanceState.STARTING, InstanceState.STARTING);
    podsReady(client, "catalog-v1", 2);
    assertThat(e.ready("catalog", "v1")).isEqualTo(2);
    assertThat(e.instances("catalog")).extracting(SupervisedInstance::state).containsExactly(InstanceState.READY, InstanceState.READY);

    e.scale("catalog", version("v1", Map.of("MODE", "fast")), 0);
    assertThat(get("catalog-v1").getSpec().getReplicas()).isZero();
    e.scale("catalog", version("v1", Map.of("MODE", "slow")), 3);
    assertThat(get("catalog-v1").getSpec().getReplicas()).isEqualTo(3);
    assertThat(get("catalog-v1").getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
        .extracting(EnvVar::getName, EnvVar::getValue).contains(org.assertj.core.groups.Tuple.tuple("MODE", "slow"));
  }

  @Test
  void versionsAndServicesNoLongerWantedAreDeletedAndOthersLeftAlone() {
    KubernetesEngine e = engine();
    e.scale("catalog", version("v1", Map.of()), 1);
    e.scale("catalog", version("v2", Map.of()), 1);
    e.scale("orders", version("v1", Map.of()), 1);
    // a Deployment someone else runs in the namespace
    client.apps().deployments().inNamespace(NS).resource(new DeploymentBuilder().withNewMetadata().withName("legacy").endMetadata()
        .withNewSpec().withReplicas(1).endSpec().build()).create();

    e.retainVersions("catalog", Set.of("v2"));
    assertThat(get("catalog-v1")).isNull();
    assertThat(get("catalog-v2")).isNotNull();
    e.retainServices(Set.of("catalog"));
    assertThat(get("orders-v1")).isNull();
    assertThat(get("catalog-v2")).isNotNull();
    assertThat(get("legacy")).isNotNull();
  }

  @Test
  void whatTheEngineCannotDoIsRefusedByName() {
    KubernetesEngine e = engine();
    assertThatThrownBy(() -> e.scale("catalog", version("v1", Map.of("DB", "secret:catalog-db")), 1))
        .hasMessageContaining("env DB refers to secret:catalog-db, which this engine cannot resolve without the platform's identity");
    assertThat(get("catalog-v1")).isNull();
    client.apps().deployments().inNamespace(NS).resource(new DeploymentBuilder().withNewMetadata().withName("catalog-v1").endMetadata()
        .withNewSpec().withReplicas(1).endSpec().build()).create();
    assertThatThrownBy(() -> e.scale("catalog", version("v1", Map.of()), 2))
        .hasMessageContaining("Kubernetes Deployment shop/catalog-v1 exists and is not managed by ooda");
    assertThat(get("catalog-v1").getSpec().getReplicas()).isEqualTo(1);
  }

  @Test
  void podsGetThePlatformsCredentialAndTheirSecretsByReference() throws Exception {
    try (TestControl control = TestControl.start()) {
      URI url = URI.create(control.control.url());
      control.client().setSecret("catalog-db", "catalog", "the catalog's database", "s3cret".getBytes(StandardCharsets.UTF_8));
      KubernetesEngine e = new KubernetesEngine(client, new KubernetesEngine.Options(NS, null, URI.create("http://ooda-control:9900"),
          null, null), new Identities(control.client(), url, Files.createTempDirectory("ooda-k8s-identities")));
      e.scale("catalog", version("v1", Map.of("DB_PASSWORD", "secret:catalog-db", "MODE", "fast")), 2);

      // the credential: issued by the platform, kept in a Secret the pods read, with the token URL as pods reach it
      Secret creds = client.secrets().inNamespace(NS).withName("ooda-catalog-credentials").get();
      assertThat(creds.getMetadata().getLabels()).containsEntry(KubernetesEngine.MANAGED_BY, "ooda");
      Map<String, String> c = decoded(creds);
      assertThat(c.get(ServiceCredentials.ENV_CLIENT_ID)).startsWith("catalog.");
      assertThat(c.get(ServiceCredentials.ENV_CLIENT_SECRET)).startsWith("ooda_cs_");
      assertThat(c.get(ServiceCredentials.ENV_TOKEN_URL)).isEqualTo("http://ooda-control:9900/oauth/token");
      assertThat(control.client().credentials("catalog").path("items").get(0).path("client_id").asText())
          .isEqualTo(c.get(ServiceCredentials.ENV_CLIENT_ID));

      // the secret's value: read as the service, in a Secret of the version, referenced, never in the Deployment
      assertThat(decoded(client.secrets().inNamespace(NS).withName("ooda-catalog-v1-env").get())).containsExactly(Map.entry("DB_PASSWORD", "s3cret"));
      var container = get("catalog-v1").getSpec().getTemplate().getSpec().getContainers().get(0);
      EnvVar db = container.getEnv().stream().filter(v -> v.getName().equals("DB_PASSWORD")).findFirst().orElseThrow();
      assertThat(db.getValue()).isNull();
      assertThat(db.getValueFrom().getSecretKeyRef().getName()).isEqualTo("ooda-catalog-v1-env");
      assertThat(db.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("DB_PASSWORD");
      assertThat(container.getEnvFrom().get(0).getSecretRef().getOptional()).isFalse();
      assertThat(get("catalog-v1").getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds()).isEqualTo(KubernetesEngine.GRACE_SECONDS);

      // a secret the service may not read stops its version from starting, naming it
      control.client().setSecret("orders-db", "orders", null, "x".getBytes(StandardCharsets.UTF_8));
      assertThatThrownBy(() -> e.scale("catalog", version("v2", Map.of("DB", "secret:orders-db")), 1))
          .hasMessageContaining("env DB: secret orders-db could not be read as service catalog");
      assertThat(client.secrets().inNamespace(NS).withName("ooda-catalog-v2-env").get()).isNull();

      // a version's Secret goes with it; the service's with the service
      e.scale("catalog", version("v3", Map.of()), 1);
      e.retainVersions("catalog", Set.of("v3"));
      assertThat(client.secrets().inNamespace(NS).withName("ooda-catalog-v1-env").get()).isNull();
      assertThat(client.secrets().inNamespace(NS).withName("ooda-catalog-credentials").get()).isNotNull();
      e.retainServices(Set.of());
      assertThat(client.secrets().inNamespace(NS).withName("ooda-catalog-credentials").get()).isNull();
    }
  }

  /** A Secret's values: the mock keeps {@code stringData} as the API server would, or as {@code data} in base64. */
  static Map<String, String> decoded(Secret s) {
    Map<String, String> out = new java.util.TreeMap<>();
    if (s.getStringData() != null) out.putAll(s.getStringData());
    if (s.getData() != null) s.getData().forEach((k, v) -> out.put(k, new String(java.util.Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
    return out;
  }
}
