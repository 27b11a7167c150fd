package dev.ooda.cli;

import dev.ooda.console.Console;
import dev.ooda.console.RecentDecisions;
import dev.ooda.control.ControlPlane;
import dev.ooda.control.EmbeddedZooKeeper;
import dev.ooda.data.DataServer;
import dev.ooda.gateway.GatewayOptions;
import dev.ooda.trace.TraceOptions;
import dev.ooda.trace.TraceServer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "up", description = "Run the whole platform in this process, on embedded defaults.")
final class Up implements Callable<Integer> {
  @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = ".ooda",
      description = "Where ZooKeeper's data and the admin token live (default ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--zookeeper-port", defaultValue = "2181", description = "Embedded ZooKeeper port (default ${DEFAULT-VALUE}).")
  int zookeeperPort;

  @Option(names = "--control-port", defaultValue = "9900", description = "Admin API port (default ${DEFAULT-VALUE}).")
  int controlPort;

  @Option(names = "--gateway-port", defaultValue = "8080", description = "Gateway port (default ${DEFAULT-VALUE}).")
  int gatewayPort;

  @Option(names = "--gateway-management-port", defaultValue = "8081",
      description = "Gateway management port: /metrics, /health, /routes (default ${DEFAULT-VALUE}).")
  int gatewayManagementPort;

  @Option(names = "--traces-port", defaultValue = "9411", description = "Zipkin-compatible collector port (default ${DEFAULT-VALUE}).")
  int tracesPort;

  @Option(names = "--data-port", defaultValue = "8070", description = "Data service port (default ${DEFAULT-VALUE}).")
  int dataPort;

  @Option(names = "--keep-instances",
      description = "Leave deployed instances running when the platform stops; the next `ooda up` on this data directory adopts them.")
  boolean keepInstances;

  @picocli.CommandLine.Mixin AccessLogs.Options accessLog;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Ports.check("--zookeeper-port", zookeeperPort);
    Ports.check("--control-port", controlPort);
    Ports.check("--gateway-port", gatewayPort);
    Ports.check("--gateway-management-port", gatewayManagementPort);
    Ports.check("--traces-port", tracesPort);
    Ports.check("--data-port", dataPort);
    try (Platform p = new Platform(spec.commandLine().getOut())) {
      p.lock(dataDir);
      AccessLogs.writeTo(dataDir, accessLog.limits());
      // The collector and the data service need nothing from the control plane to start.
      var tracesStarting = p.starting(Roles.async(() -> new TraceServer(TraceOptions.builder().port(tracesPort).build()).start()));
      ControlSecrets secrets = new ControlSecrets();
      var dataStarting = p.starting(Roles.async(() -> new DataServer(Roles.dataOptions(dataPort, dataDir, secrets)).start()));
      EmbeddedZooKeeper zk = EmbeddedZooKeeper.start(dataDir, zookeeperPort);
      p.add("zookeeper", zk, zk.connectString() + " (data in " + dataDir.resolve("zookeeper") + ")");
      RecentDecisions decisions = new RecentDecisions();
      p.add(DecisionTap.attach(decisions));
      Console console = new Console(decisions);
      ControlPlane control = ControlPlane.start(new ControlPlane.Options(controlPort, zk.connectString(), dataDir, console::mount));
      p.add("control", control, control.url() + " (admin token in " + dataDir.resolve("admin-token") + ")");
      console.use(ConsoleCommand.sessions(control));
      secrets.use(control.secrets());
      TraceServer traces = Roles.traces(p, tracesStarting.get());
      console.useCollector(java.net.URI.create("http://127.0.0.1:" + traces.port()));
      // Breaking contract changes are reported with the callers the collector saw.
      control.contracts().useCallers(new dev.ooda.contracts.SpanCallers(java.net.URI.create("http://127.0.0.1:" + traces.port())));
      DataServer data = Roles.data(p, control.zookeeper(), dataStarting.get(), dataDir, java.net.URI.create(control.url()), "127.0.0.1",
          control.identity().keySource());
      console.useData(java.net.URI.create("http://127.0.0.1:" + data.port()));
      p.add("console", () -> { }, control.url() + "/console/ (sign in with an admin token; `ooda console --data-dir " + dataDir + "`)");
      Roles.gateway(p, control.zookeeper(), GatewayOptions.builder().host("127.0.0.1")
          .port(gatewayPort).managementPort(gatewayManagementPort)
          .snapshotFile(dataDir.resolve("gateway-snapshot.json"))
          .zipkinUrl("http://127.0.0.1:" + traces.port()).build(), control.identity().tokensOf("gateway"))
          .exposures(p.add(new dev.ooda.kit.flags.OodaEvents(java.util.List.of(java.net.URI.create(control.url())))));
      Roles.deploy(p, control.zookeeper(), dev.ooda.deploy.Supervisor.Options.of(dataDir.resolve("deploy"),
              java.net.URI.create(control.url()), dev.ooda.control.AdminToken.read(dataDir))
          .withPlatform(zk.connectString(), "http://127.0.0.1:" + traces.port()).stopOnClose(!keepInstances),
          "http://127.0.0.1:" + traces.port(), "gateway");
      p.runUntilStopped("platform");
    }
    return 0;
  }
}
