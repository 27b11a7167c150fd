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

  @Option(names = "--storage", paramLabel = "memory|cassandra", defaultValue = "memory",
      description = "Where spans are kept: memory (bounded by --max-spans and --max-bytes) or cassandra (default ${DEFAULT-VALUE}).")
  String storage;

  @Option(names = "--contact-points", paramLabel = "HOST[:PORT][,...]",
      description = "Cassandra nodes to connect to first (port 9042 when left out); required with --storage cassandra.")
  String contactPoints;

  @Option(names = "--local-dc", paramLabel = "DC", defaultValue = TraceOptions.DEFAULT_LOCAL_DC,
      description = "Cassandra datacenter to query (default ${DEFAULT-VALUE}).")
  String localDc;

  @Option(names = "--keyspace", defaultValue = TraceOptions.DEFAULT_KEYSPACE,
      description = "Cassandra keyspace of Zipkin's tables, created when missing (default ${DEFAULT-VALUE}).")
  String keyspace;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Ports.check("--port", port);
    TraceOptions options = options();
    try (Platform p = new Platform(spec.commandLine().getOut())) {
      Roles.traces(p, options);
      p.runUntilStopped("traces");
    }
    return 0;
  }

  /** The role's options; bad ones are refused naming the flag, before anything starts. */
  TraceOptions options() {
    TraceOptions.Storage kept;
    try {
      kept = TraceOptions.Storage.parse(storage);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--" + e.getMessage());
    }
    if (kept == TraceOptions.Storage.CASSANDRA) {
      if (contactPoints == null) throw new IllegalArgumentException("--storage cassandra needs --contact-points HOST[:PORT][,...]");
      String problem = TraceOptions.contactPointsProblem(contactPoints);
      if (problem != null) throw new IllegalArgumentException("--contact-points: " + problem);
      if (localDc.isBlank()) throw new IllegalArgumentException("--local-dc must not be blank");
    } else if (contactPoints != null) {
      throw new IllegalArgumentException("--contact-points is for --storage cassandra; spans are kept in " + kept);
    }
    try {
      return TraceOptions.builder().port(port).maxSpans(maxSpans).maxBytes(maxBytes).forwardUrl(forward)
          .storage(kept).contactPoints(contactPoints).localDc(localDc).keyspace(keyspace).build();
    } catch (IllegalArgumentException e) {
      // the remaining checks name the builder's option first (maxSpans, maxBytes, keyspace): name the flag
      String message = e.getMessage();
      int space = message.indexOf(' ');
      String option = space < 0 ? message : message.substring(0, space);
      throw new IllegalArgumentException("--" + option.replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT)
          + (space < 0 ? "" : message.substring(space)));
    }
  }
}
