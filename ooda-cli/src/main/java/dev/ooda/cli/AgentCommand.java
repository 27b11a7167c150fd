package dev.ooda.cli;

import dev.ooda.control.client.ZooKeeperClients;
import dev.ooda.deploy.Supervisor;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.curator.framework.CuratorFramework;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
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

  @Mixin ClientOptions client;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
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
}
