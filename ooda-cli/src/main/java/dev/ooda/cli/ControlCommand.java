package dev.ooda.cli;

import dev.ooda.control.ControlPlane;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "control", description = "Run the control plane alone, against a ZooKeeper ensemble.")
final class ControlCommand implements Callable<Integer> {
  @Option(names = "--zookeeper", required = true, paramLabel = "HOST:PORT,...", description = "ZooKeeper ensemble.")
  String zookeeper;

  @Option(names = "--port", defaultValue = "9900", description = "Admin API port (default ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = ".ooda",
      description = "Where the admin token is written when this node creates it (default ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--traces", paramLabel = "URL",
      description = "Span collector whose traces tell who calls the operations a breaking contract change breaks (docs/contracts.md).")
  java.net.URI traces;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    ServeCommand.noteOldSpelling(spec);
    Ports.check("--port", port);
    try (Platform p = new Platform(spec.commandLine().getOut())) {
      ControlPlane control = ControlPlane.start(new ControlPlane.Options(port, zookeeper, dataDir));
      p.add("control", control, control.url() + " (zookeeper " + zookeeper + ")");
      if (traces != null) control.contracts().useCallers(new dev.ooda.contracts.SpanCallers(traces));
      p.runUntilStopped("control plane");
    }
    return 0;
  }
}
