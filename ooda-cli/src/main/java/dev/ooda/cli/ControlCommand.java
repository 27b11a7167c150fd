package dev.ooda.cli;

import dev.ooda.console.Console;
import dev.ooda.console.RecentDecisions;
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
      description = "Span collector that the web console reads, and whose traces tell who calls the operations a breaking contract change breaks (docs/contracts.md).")
  java.net.URI traces;

  @Option(names = "--data", paramLabel = "URL", description = "Data service the web console reads namespaces from, e.g. http://data-1:8070.")
  java.net.URI data;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    ServeCommand.noteOldSpelling(spec);
    Ports.check("--port", port);
    try (Platform p = new Platform(spec.commandLine().getOut())) {
      // No gateway runs here, so the console has no decisions of its own to list
      Console console = new Console(new RecentDecisions());
      if (traces != null) console.useCollector(traces);
      if (data != null) console.useData(data);
      ControlPlane control = ControlPlane.start(ControlPlane.Options.builder(zookeeper, dataDir).port(port).extra(console::mount).build());
      console.use(ConsoleCommand.sessions(control));
      p.add("control", control, control.url() + " (zookeeper " + zookeeper + "; console " + control.url() + "/console/)");
      if (traces != null) control.contracts().useCallers(new dev.ooda.contracts.SpanCallers(traces));
      p.runUntilStopped("control plane");
    }
    return 0;
  }
}
