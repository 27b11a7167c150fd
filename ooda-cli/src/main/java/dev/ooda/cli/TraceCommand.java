package dev.ooda.cli;

import dev.ooda.trace.DepsTable;
import dev.ooda.trace.TraceClient;
import java.net.URI;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "trace", description = "Look at traces.", subcommands = TraceCommand.Deps.class)
final class TraceCommand {

  @Command(name = "deps", description = "A service's callers and callees with rate, errors and latency per edge.")
  static final class Deps implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SERVICE") String service;

    @Option(names = "--hops", defaultValue = "1", description = "How many hops each way (default ${DEFAULT-VALUE}).")
    int hops;

    @Option(names = "--lookback", defaultValue = "15m", description = "How far back, e.g. 15m, 1h (default ${DEFAULT-VALUE}).")
    String lookback;

    @Option(names = "--traces", paramLabel = "URL", defaultValue = "${env:OODA_TRACES:-http://127.0.0.1:9411}",
        description = "Trace collector (env OODA_TRACES; default ${DEFAULT-VALUE}).")
    URI traces;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      spec.commandLine().getOut().print(DepsTable.render(new TraceClient(traces).neighborhood(service, hops, lookback)));
      spec.commandLine().getOut().flush();
      return 0;
    }
  }
}
