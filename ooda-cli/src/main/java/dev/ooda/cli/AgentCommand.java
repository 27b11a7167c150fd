package dev.ooda.cli;

import dev.ooda.control.client.ZooKeeperClients;
import dev.ooda.deploy.Supervisor;
import dev.ooda.deploy.kubernetes.KubernetesEngine;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.curator.framework.CuratorFramework;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "agent", description = {"Run the deployments role alone: start and supervise the instances the Deployment resources ask for.",
    "Instances outlive the agent and are adopted by its next start on the same data directory."})
final class AgentCommand implements Callable<Integer> {
  @Option(names = "--zookeeper", required = true, paramLabel = "HOST:PORT,...", description = "ZooKeeper ensemble of the control plane.")
  String zookeeper;

  @Option(names = "--zipkin", paramLabel = "URL",
      description = "The span collector: instances report there (OODA_ZIPKIN), and canary analysis reads the gateway's spans from it.")
  String zipkin;

  @Option(names = "--gateway-service", defaultValue = "gateway", paramLabel = "NAME",
      description = "The service name the gateway reports spans under (default ${DEFAULT-VALUE}).")
  String gatewayService;

  @Option(names = "--stop-instances", description = "Stop the instances (with drain) when the agent stops, instead of leaving them to be adopted.")
  boolean stopInstances;

  @Option(names = "--engine", defaultValue = "local", paramLabel = "local|kubernetes",
      description = {"What runs the instances: local (child processes of this agent, default) or kubernetes",
          "(one Kubernetes Deployment per version, in the cluster of the current kubeconfig or the pod's service account)."})
  String engine;

  @Option(names = "--namespace", paramLabel = "NAME",
      description = "Kubernetes namespace of the Deployments (default: the kubeconfig's, else default).")
  String namespace;

  @Option(names = "--image", paramLabel = "IMAGE", defaultValue = KubernetesEngine.Options.DEFAULT_IMAGE,
      description = "Kubernetes: the container image the versions' commands run in (default ${DEFAULT-VALUE}).")
  String image;

  @Option(names = "--platform-url", paramLabel = "URL",
      description = "Kubernetes: the control plane's URL as pods reach it (default: --server).")
  URI platformUrl;

  @Mixin ClientOptions client;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (!engine.equals("local") && !engine.equals("kubernetes")) {
      throw new ParameterException(spec.commandLine(), "--engine '" + engine + "' must be local or kubernetes");
    }
    if (engine.equals("kubernetes")) return onKubernetes();
    try (Platform p = new Platform(spec.commandLine().getOut())) {
      Path root = client.dataDir.resolve("deploy");
      p.lock(client.dataDir);
      CuratorFramework zk = p.add(ZooKeeperClients.start(zookeeper));
      Roles.deploy(p, zk, Supervisor.Options.of(root, client.server, client.adminToken())
          .withPlatform(zookeeper, zipkin).stopOnClose(stopInstances), zipkin, gatewayService);
      p.runUntilStopped("agent");
    }
    return 0;
  }

  private int onKubernetes() throws Exception {
    try (Platform p = new Platform(spec.commandLine().getOut())) {
      CuratorFramework zk = p.add(ZooKeeperClients.start(zookeeper));
      KubernetesClient kube = p.add(new KubernetesClientBuilder().build());
      String ns = namespace != null ? namespace : kube.getNamespace() != null ? kube.getNamespace() : "default";
      // The agent issues each service its credential and reads its secrets as it, as the local supervisor does.
      dev.ooda.deploy.Identities identities = new dev.ooda.deploy.Identities(client.client(), client.server,
          client.dataDir.resolve("deploy"));
      KubernetesEngine k = new KubernetesEngine(kube, new KubernetesEngine.Options(ns, image,
          platformUrl != null ? platformUrl : client.server, zookeeper, zipkin), identities);
      p.add("deploy", k, "Kubernetes Deployments in " + kube.getMasterUrl() + " namespace " + ns);
      Roles.deployOn(p, zk, k, client.server, client.adminToken(), zipkin, gatewayService);
      p.runUntilStopped("agent");
    }
    return 0;
  }
}
