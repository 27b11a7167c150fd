package dev.ooda.deploy.kubernetes;

import dev.ooda.deploy.Engine;
import dev.ooda.deploy.InstanceState;
import dev.ooda.deploy.SupervisedInstance;
import dev.ooda.model.DeploymentSpec;
import dev.ooda.model.SecretSpec;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The cluster engine: one Kubernetes Deployment per version of a service, named
 * {@code <service>-<version>}, whose replicas the controller scales; a version that no longer runs
 * has its Deployment deleted. A version is ready with as many ready replicas as it wants (the pods'
 * readiness probe is the version's health path). Only Deployments labelled
 * {@code app.kubernetes.io/managed-by: ooda} in its namespace are ever touched.
 *
 * <p>Each pod runs the version's command (or {@code java -Xmx.. -jar JAR}) in {@link Options#image},
 * on port {@link #PORT}, with the version's environment and the platform's ({@code OODA_SERVER},
 * {@code OODA_SERVICE}, ...); its credential comes from the Kubernetes Secret
 * {@code ooda-<service>-credentials} ({@code OODA_CLIENT_ID}, {@code OODA_CLIENT_SECRET}) when it
 * exists. {@code secret:NAME} values are not resolved here: such a version is refused.
 */
public final class KubernetesEngine implements Engine {
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String SERVICE = "ooda.dev/service";
  public static final String VERSION = "ooda.dev/version";
  /** The port every instance listens on inside its pod. */
  public static final int PORT = 8080;

  /**
   * @param namespace where the Deployments are
   * @param image     the container image the versions' commands run in (a JVM for jars)
   * @param control   the control plane's URL as the pods reach it
   * @param zookeeper the ZooKeeper ensemble as the pods reach it, or null
   * @param zipkin    the span collector as the pods reach it, or null
   */
  public record Options(String namespace, String image, URI control, String zookeeper, String zipkin) {
    public static final String DEFAULT_IMAGE = "eclipse-temurin:17-jre";

    public Options {
      Objects.requireNonNull(namespace, "namespace");
      Objects.requireNonNull(control, "control");
      if (image == null) image = DEFAULT_IMAGE;
    }
  }

  private final KubernetesClient client;
  private final Options options;

  public KubernetesEngine(KubernetesClient client, Options options) {
    this.client = client;
    this.options = options;
  }

  /** The Kubernetes Deployment's name for a version. */
  public static String nameOf(String service, String version) {
    return service + "-" + version;
  }

  @Override
  public void scale(String service, DeploymentSpec.Version v, int count) {
    PodTemplateSpec template = template(service, v);
    var resource = client.apps().deployments().inNamespace(options.namespace()).withName(nameOf(service, v.version()));
    Deployment d = resource.get();
    if (d == null) {
      client.apps().deployments().inNamespace(options.namespace()).resource(new DeploymentBuilder()
          .withNewMetadata().withName(nameOf(service, v.version())).withLabels(labels(service, v.version())).endMetadata()
          .withNewSpec().withReplicas(count)
          .withNewSelector().withMatchLabels(selector(service, v.version())).endSelector()
          .withTemplate(template).endSpec().build()).create();
      return;
    }
    if (!managed(d)) {
      throw new IllegalStateException("Kubernetes Deployment " + options.namespace() + "/" + d.getMetadata().getName()
          + " exists and is not managed by ooda (label " + MANAGED_BY + ")");
    }
    if (Objects.equals(d.getSpec().getReplicas(), count) && template.equals(d.getSpec().getTemplate())) return;
    resource.edit(old -> new DeploymentBuilder(old).editSpec().withReplicas(count).withTemplate(template).endSpec().build());
  }

  @Override
  public void retainVersions(String service, Set<String> versions) {
    for (Deployment d : managedOf(service)) {
      if (!versions.contains(d.getMetadata().getLabels().get(VERSION))) delete(d);
    }
  }

  @Override
  public void retainServices(Set<String> services) {
    for (Deployment d : managedOf(null)) {
      if (!services.contains(d.getMetadata().getLabels().get(SERVICE))) delete(d);
    }
  }

  @Override
  public int ready(String service, String version) {
    Deployment d = client.apps().deployments().inNamespace(options.namespace()).withName(nameOf(service, version)).get();
    if (d == null || !managed(d) || d.getStatus() == null || d.getStatus().getReadyReplicas() == null) return 0;
    // replicas of an older template do not count
    Integer updated = d.getStatus().getUpdatedReplicas();
    int ready = d.getStatus().getReadyReplicas();
    return updated == null ? ready : Math.min(ready, updated);
  }

  @Override
  public List<SupervisedInstance> instances(String service) {
    List<SupervisedInstance> out = new ArrayList<>();
    for (Deployment d : managedOf(service)) {
      String s = d.getMetadata().getLabels().get(SERVICE);
      String v = d.getMetadata().getLabels().get(VERSION);
      int wanted = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
      int ready = ready(s, v);
      // the pods themselves are the cluster's: one line per replica the Deployment asks for
      for (int i = 0; i < wanted; i++) {
        out.add(new SupervisedInstance(s, v, i, -1, PORT, i < ready ? InstanceState.READY : InstanceState.STARTING, 0, null, false));
      }
    }
    out.sort(Comparator.comparing(SupervisedInstance::service).thenComparing(SupervisedInstance::version)
        .thenComparingInt(SupervisedInstance::index));
    return out;
  }

  /** Leaves the Deployments running: the cluster keeps them, and the next engine takes them over by their labels. */
  @Override
  public void close() {}

  private void delete(Deployment d) {
    client.apps().deployments().inNamespace(options.namespace()).withName(d.getMetadata().getName()).delete();
  }

  private List<Deployment> managedOf(String service) {
    var list = client.apps().deployments().inNamespace(options.namespace()).withLabel(MANAGED_BY, "ooda");
    if (service != null) list = list.withLabel(SERVICE, service);
    return list.list().getItems().stream().filter(d -> d.getMetadata().getLabels().containsKey(SERVICE)
        && d.getMetadata().getLabels().containsKey(VERSION)).toList();
  }

  private static boolean managed(Deployment d) {
    return d.getMetadata().getLabels() != null && "ooda".equals(d.getMetadata().getLabels().get(MANAGED_BY));
  }

  private static Map<String, String> selector(String service, String version) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(SERVICE, service);
    m.put(VERSION, version);
    return m;
  }

  private static Map<String, String> labels(String service, String version) {
    Map<String, String> m = new LinkedHashMap<>(selector(service, version));
    m.put(MANAGED_BY, "ooda");
    m.put("app.kubernetes.io/name", service);
    m.put("app.kubernetes.io/version", version);
    return m;
  }

  /** The pods of a version: its command in the image, its environment and the platform's, probed on its health path. */
  PodTemplateSpec template(String service, DeploymentSpec.Version v) {
    DeploymentSpec.Artifact a = v.artifact();
    List<String> command = new ArrayList<>();
    if (a.jar() != null) {
      command.addAll(List.of("java", "-Xmx" + v.effectiveHeapMb() + "m", "-jar", a.jar()));
    } else {
      command.add(a.command());
    }
    a.args().forEach(x -> command.add(x.replace("{port}", Integer.toString(PORT))));
    List<EnvVar> env = new ArrayList<>();
    v.env().forEach((k, val) -> {
      if (val.startsWith(SecretSpec.REFERENCE_PREFIX)) {
        throw new IllegalArgumentException("version " + v.version() + " of " + service + ": env " + k + " refers to "
            + val + ", which the Kubernetes engine does not resolve; use a Kubernetes Secret");
      }
      env.add(new EnvVar(k, val, null));
    });
    if (a.jar() == null) env.add(new EnvVar("JDK_JAVA_OPTIONS", "-Xmx" + v.effectiveHeapMb() + "m", null));
    env.add(new EnvVar("OODA_SERVER", options.control().toString(), null));
    if (options.zookeeper() != null) env.add(new EnvVar("OODA_ZOOKEEPER", options.zookeeper(), null));
    if (options.zipkin() != null) env.add(new EnvVar("OODA_ZIPKIN", options.zipkin(), null));
    env.add(new EnvVar("OODA_SERVICE", service, null));
    env.add(new EnvVar("OODA_VERSION", v.version(), null));
    env.add(new EnvVar("OODA_PORT", Integer.toString(PORT), null));
    env.add(new EnvVarBuilder().withName("OODA_INSTANCE").withNewValueFrom().withNewFieldRef().withFieldPath("metadata.name")
        .endFieldRef().endValueFrom().build());
    // a JVM needs more than its heap: metaspace, threads, buffers
    Quantity memory = new Quantity((v.effectiveHeapMb() + 128) + "Mi");
    return new PodTemplateSpecBuilder()
        .withNewMetadata().withLabels(labels(service, v.version())).endMetadata()
        .withNewSpec()
        .addNewContainer().withName("app").withImage(options.image()).withCommand(command).withEnv(env)
        .addNewEnvFrom().withNewSecretRef().withName("ooda-" + service + "-credentials").withOptional(true).endSecretRef().endEnvFrom()
        .addNewPort().withContainerPort(PORT).withName("http").endPort()
        .withNewReadinessProbe().withNewHttpGet().withPath(v.effectiveHealthPath()).withNewPort(PORT).endHttpGet()
        .withPeriodSeconds(2).endReadinessProbe()
        .withNewResources().addToRequests("memory", memory).addToLimits("memory", memory).endResources()
        .endContainer()
        .endSpec().build();
  }
}
