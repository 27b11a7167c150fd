package dev.ooda.cli;

import dev.ooda.trace.TraceOptions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "traces", description = "Run the span collector alone (Zipkin v2 API and per-service views).")
final class CollectorCommand implements Callable<Integer> {
  @Option(names = "--port", defaultValue = "9411", description = "Collector port (default ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--max-spans", defaultValue = "500000", description = "Spans kept in memory (default ${DEFAULT-VALUE}).")
  int maxSpans;

  @Option(names = "--max-bytes", defaultValue = "268435456", description = "Bytes of spans kept in memory (default ${DEFAULT-VALUE}).")
  long maxBytes;

  @Option(names = "--forward", paramLabel = "URL", description = "Also send every span to this Zipkin-compatible server.")
  String forward;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Ports.check("--port", port);
    try (Platform p = new Platform(spec.commandLine().getOut())) {
      Roles.traces(p, TraceOptions.builder().port(port).maxSpans(maxSpans).maxBytes(maxBytes).forwardUrl(forward).build());
      p.runUntilStopped("traces");
    }
    return 0;
  }
}
