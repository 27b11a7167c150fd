package dev.ooda.deploy.kubernetes;

import dev.ooda.control.client.ServiceCredentials;
import dev.ooda.control.client.TokenSource;
import dev.ooda.deploy.Engine;
import dev.ooda.deploy.Identities;
import dev.ooda.deploy.InstanceState;
import dev.ooda.deploy.SupervisedInstance;
import dev.ooda.model.DeploymentSpec;
import dev.ooda.model.SecretSpec;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The cluster engine: one Kubernetes Deployment per version of a service, named
 * {@code <service>-<version>}, whose replicas the controller scales; a version that no longer runs
 * has its Deployment deleted. A version is ready with as many ready replicas as it wants (the pods'
 * readiness probe is the version's health path). Only Deployments labelled
 * {@code app.kubernetes.io/managed-by: ooda} in its namespace are ever touched.
 *
 * <p>Each pod runs the version's command (or {@code java -Xmx.. -jar JAR}) in {@link Options#image},
 * on port {@link #PORT}, with the version's environment and the platform's ({@code OODA_SERVER},
 * {@code OODA_SERVICE}, ...). With the platform's {@link Identities}, the engine issues each
 * service its credential and keeps it in the Kubernetes Secret {@code ooda-<service>-credentials}
 * ({@code OODA_CLIENT_ID}, {@code OODA_CLIENT_SECRET}, {@code OODA_TOKEN_URL}), and resolves a
 * version's {@code secret:NAME} values as that service into the Secret
 * {@code ooda-<service>-<version>-env}, which the pods read by reference (the values stay out of
 * the Deployment). A version's secrets are read once, when its Secret is made: a new value reaches
 * pods with a new version. Pods stop as the kit stops on SIGTERM: they leave the registry, serve
 * for the drain delay, and finish what is in flight, within {@link #GRACE_SECONDS}.
 */
public final class KubernetesEngine implements Engine {
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String SERVICE = "ooda.dev/service";
  public static final String VERSION = "ooda.dev/version";
  /** The port every instance listens on inside its pod. */
  public static final int PORT = 8080;
  /** How long Kubernetes waits after SIGTERM before it kills a pod: the kit's drain and shutdown timeout, and margin. */
  public static final long GRACE_SECONDS = 30;

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
  private final Identities identities;
  /** Secrets known to exist (names), so that a tick does not ask the API server again. */
  private final Set<String> written = ConcurrentHashMap.newKeySet();

  /** An engine whose pods get no credential from it (a Secret {@code ooda-<service>-credentials} made by hand is used). */
  public KubernetesEngine(KubernetesClient client, Options options) {
    this(client, options, null);
  }

  /** An engine that gives each service the platform's credential and resolves its secrets through {@code identities}. */
  public KubernetesEngine(KubernetesClient client, Options options, Identities identities) {
    this.client = client;
    this.options = options;
    this.identities = identities;
  }

  /** The Secret holding a service's credential. */
  public static String credentialsName(String service) {
    return "ooda-" + service + "-credentials";
  }

  /** The Secret holding the resolved {@code secret:} values of a version's environment. */
  public static String envName(String service, String version) {
    return "ooda-" + service + "-" + version + "-env";
  }

  /** The Kubernetes Deployment's name for a version. */
  public static String nameOf(String service, String version) {
    return service + "-" + version;
  }

  @Override
  public void scale(String service, DeploymentSpec.Version v, int count) {
    PodTemplateSpec template = template(service, v);
    if (count > 0) secrets(service, v);
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
    for (Secret s : managedSecretsOf(service)) {
      String version = s.getMetadata().getLabels().get(VERSION);
      if (version != null && !versions.contains(version)) deleteSecret(s);
    }
  }

  @Override
  public void retainServices(Set<String> services) {
    for (Deployment d : managedOf(null)) {
      if (!services.contains(d.getMetadata().getLabels().get(SERVICE))) delete(d);
    }
    for (Secret s : managedSecretsOf(null)) {
      String service = s.getMetadata().getLabels().get(SERVICE);
      if (!services.contains(service)) deleteSecret(s);
    }
  }

  /** The service's credential and the version's resolved secrets, as Kubernetes Secrets, made when missing. */
  private void secrets(String service, DeploymentSpec.Version v) {
    if (identities == null) return;
    try {
      if (!written.contains(credentialsName(service))) {
        ServiceCredentials c = identities.credentials(service);
        Map<String, String> data = new LinkedHashMap<>();
        data.put(ServiceCredentials.ENV_CLIENT_ID, c.clientId());
        data.put(ServiceCredentials.ENV_CLIENT_SECRET, c.clientSecret());
        data.put(ServiceCredentials.ENV_TOKEN_URL, TokenSource.tokenUrl(options.control()).toString());
        write(credentialsName(service), labels(service, null), data);
      }
      Map<String, String> refs = new LinkedHashMap<>();
      v.env().forEach((k, val) -> { if (val.startsWith(SecretSpec.REFERENCE_PREFIX)) refs.put(k, val); });
      String env = envName(service, v.version());
      if (!refs.isEmpty() && !written.contains(env)) {
        if (secret(env) == null) write(env, labels(service, v.version()), identities.resolve(service, refs));
        written.add(env);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("version " + v.version() + " of " + service + ": " + e.getMessage(), e);
    }
  }

  private Secret secret(String name) {
    return client.secrets().inNamespace(options.namespace()).withName(name).get();
  }

  private void write(String name, Map<String, String> labels, Map<String, String> data) {
    Secret old = secret(name);
    if (old != null && !managed(old.getMetadata().getLabels())) {
      throw new IllegalStateException("Kubernetes Secret " + options.namespace() + "/" + name
          + " exists and is not managed by ooda (label " + MANAGED_BY + ")");
    }
    Secret s = new SecretBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata()
        .withType("Opaque").withStringData(data).build();
    var r = client.secrets().inNamespace(options.namespace()).resource(s);
    if (old == null) r.create();
    else r.update();
    written.add(name);
  }

  private void deleteSecret(Secret s) {
    written.remove(s.getMetadata().getName());
    client.secrets().inNamespace(options.namespace()).withName(s.getMetadata().getName()).delete();
  }

  private List<Secret> managedSecretsOf(String service) {
    var list = client.secrets().inNamespace(options.namespace()).withLabel(MANAGED_BY, "ooda");
    if (service != null) list = list.withLabel(SERVICE, service);
    return list.list().getItems().stream().filter(s -> s.getMetadata().getLabels().containsKey(SERVICE)).toList();
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
    return managed(d.getMetadata().getLabels());
  }

  private static boolean managed(Map<String, String> labels) {
    return labels != null && "ooda".equals(labels.get(MANAGED_BY));
  }

  private static Map<String, String> selector(String service, String version) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(SERVICE, service);
    m.put(VERSION, version);
    return m;
  }

  /** The labels of what the engine makes for a service's version ({@code version} null: for the service). */
  private static Map<String, String> labels(String service, String version) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(SERVICE, service);
    if (version != null) m.put(VERSION, version);
    m.put(MANAGED_BY, "ooda");
    m.put("app.kubernetes.io/name", service);
    if (version != null) m.put("app.kubernetes.io/version", version);
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
      if (!val.startsWith(SecretSpec.REFERENCE_PREFIX)) {
        env.add(new EnvVar(k, val, null));
      } else if (identities == null) {
        throw new IllegalArgumentException("version " + v.version() + " of " + service + ": env " + k + " refers to "
            + val + ", which this engine cannot resolve without the platform's identity; use a Kubernetes Secret");
      } else {
        env.add(new EnvVarBuilder().withName(k).withNewValueFrom().withNewSecretKeyRef()
            .withName(envName(service, v.version())).withKey(k).endSecretKeyRef().endValueFrom().build());
      }
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
        .addNewEnvFrom().withNewSecretRef().withName(credentialsName(service)).withOptional(identities == null).endSecretRef().endEnvFrom()
        .addNewPort().withContainerPort(PORT).withName("http").endPort()
        .withNewReadinessProbe().withNewHttpGet().withPath(v.effectiveHealthPath()).withNewPort(PORT).endHttpGet()
        .withPeriodSeconds(2).endReadinessProbe()
        .withNewResources().addToRequests("memory", memory).addToLimits("memory", memory).endResources()
        .endContainer()
        .withTerminationGracePeriodSeconds(GRACE_SECONDS)
        .endSpec().build();
  }
}
