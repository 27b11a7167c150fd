package dev.ooda.cli;

import dev.ooda.control.client.ServiceCredentials;
import dev.ooda.control.client.TokenSource;
import dev.ooda.control.client.ZooKeeperClients;
import dev.ooda.gateway.GatewayOptions;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.curator.framework.CuratorFramework;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "gateway", description = "Run a gateway alone; routes and instances come from the control plane.")
final class GatewayCommand implements Callable<Integer> {
  @Option(names = "--zookeeper", required = true, paramLabel = "HOST:PORT,...", description = "ZooKeeper ensemble of the control plane.")
  String zookeeper;

  @Option(names = "--host", defaultValue = "0.0.0.0", description = "Address to listen on (default ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--port", defaultValue = "8080", description = "Gateway port (default ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--management-port", defaultValue = "8081", description = "Management port (default ${DEFAULT-VALUE}).")
  int managementPort;

  @Option(names = "--zipkin", paramLabel = "URL", description = "Zipkin-compatible collector to report spans to.")
  String zipkin;

  @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = ".ooda",
      description = "Where the gateway keeps its configuration snapshot and access log (default ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--credentials", paramLabel = "FILE",
      description = "The gateway's credentials file (ooda credentials create gateway -o FILE); else OODA_CREDENTIALS, or "
          + "OODA_CLIENT_ID and OODA_CLIENT_SECRET. Without any, the gateway sends origins no service token.")
  Path credentials;

  @Option(names = "--control", paramLabel = "URL", defaultValue = "${env:OODA_SERVER}",
      description = "Control plane to report experiments' exposures to (env OODA_SERVER); without it they are not reported.")
  java.net.URI control;

  @picocli.CommandLine.Mixin AccessLogs.Options accessLog;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    ServeCommand.noteOldSpelling(spec);
    Ports.check("--port", port);
    Ports.check("--management-port", managementPort);
    TokenSource tokens;
    try {
      tokens = ServiceCredentials.find(credentials, System.getenv()).map(TokenSource::forCredentials).orElse(null);
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    try (Platform p = new Platform(spec.commandLine().getOut())) {
      AccessLogs.writeTo(dataDir, accessLog.limits());
      // The gateway starts from its snapshot first, so it serves even if ZooKeeper is away.
      CuratorFramework zk = p.add(ZooKeeperClients.start(zookeeper));
      var g = Roles.gateway(p, zk, GatewayOptions.builder().host(host).port(port).managementPort(managementPort)
          .snapshotFile(dataDir.resolve("gateway-snapshot.json")).zipkinUrl(zipkin).build(), tokens);
      if (control != null) g.exposures(p.add(new dev.ooda.kit.flags.OodaEvents(java.util.List.of(control))));
      p.runUntilStopped("gateway");
    }
    return 0;
  }
}
