package dev.ooda.cli;

import dev.ooda.control.client.ZooKeeperClients;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.curator.framework.CuratorFramework;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "data", description = "Run the data-access service alone; namespaces come from the control plane.")
final class DataCommand implements Callable<Integer> {
  @Option(names = "--zookeeper", required = true, paramLabel = "HOST:PORT,...", description = "ZooKeeper ensemble of the control plane.")
  String zookeeper;

  @Option(names = "--control", paramLabel = "URL", defaultValue = "${env:OODA_SERVER:-http://127.0.0.1:9900}",
      description = "Control plane to register with as the service 'data' (env OODA_SERVER; default ${DEFAULT-VALUE}).")
  java.net.URI control;

  @Option(names = "--advertise", paramLabel = "HOST", defaultValue = "127.0.0.1",
      description = "Address that other hosts reach this service by, as registered (default ${DEFAULT-VALUE}: this host only).")
  String advertise;

  @Option(names = "--port", defaultValue = "8070", description = "Data service port (default ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = ".ooda",
      description = "Where SQLite namespaces and the access log live (default ${DEFAULT-VALUE}).")
  Path dataDir;

  @picocli.CommandLine.Mixin AccessLogs.Options accessLog;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    ServeCommand.noteOldSpelling(spec);
    Ports.check("--port", port);
    // The same rule the registry applies, checked before anything starts.
    String bad = dev.ooda.control.client.InstanceRegistration.hostProblem(advertise);
    if (bad != null) throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--advertise: " + bad);
    try (Platform p = new Platform(spec.commandLine().getOut())) {
      AccessLogs.writeTo(dataDir, accessLog.limits());
      CuratorFramework zk = p.add(ZooKeeperClients.connect(zookeeper));
      Roles.data(p, zk, port, dataDir, control, advertise);
      p.runUntilStopped("data service");
    }
    return 0;
  }
}
