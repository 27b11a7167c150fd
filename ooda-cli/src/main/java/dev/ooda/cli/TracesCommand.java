package dev.ooda.cli;

import dev.ooda.trace.DepsTable;
import dev.ooda.trace.TraceClient;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import zipkin2.Span;

/** Questions to the span collector; the collector itself runs as {@code ooda serve traces}. */
@Command(name = "traces", description = "Look at traces: list a service's latest, show one, a service's dependencies.",
    subcommands = {TracesCommand.ListTraces.class, TracesCommand.Show.class, TracesCommand.Deps.class})
final class TracesCommand {

  /** Where the collector is. */
  static final class Collector {
    @Option(names = "--traces", paramLabel = "URL", defaultValue = "${env:OODA_TRACES:-http://127.0.0.1:9411}",
        description = "Trace collector (env OODA_TRACES; default ${DEFAULT-VALUE}).")
    URI url;

    TraceClient client() {
      return new TraceClient(url);
    }
  }

  @Command(name = "list", description = "The latest traces a service took part in, newest first.")
  static final class ListTraces implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SERVICE") String service;

    @Option(names = "--lookback", defaultValue = "15m", description = "How far back, e.g. 15m, 1h (default ${DEFAULT-VALUE}).")
    String lookback;

    @Option(names = "--limit", defaultValue = "20", description = "At most this many traces (default ${DEFAULT-VALUE}).")
    int limit;

    @Mixin Collector collector;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      if (limit < 1) throw new IllegalArgumentException("--limit must be at least 1, not " + limit);
      List<List<String>> rows = new ArrayList<>();
      for (List<Span> trace : collector.client().traces(service, lookback, limit)) {
        Span root = root(trace);
        long errors = trace.stream().filter(s -> s.tags().containsKey("error")).count();
        rows.add(List.of(root.traceId(), TIME.format(Instant.ofEpochMilli(root.timestampAsLong() / 1000)),
            millis(root.durationAsLong()), String.valueOf(trace.size()), String.valueOf(errors),
            root.localServiceName() + " " + root.name()));
      }
      PrintWriter out = spec.commandLine().getOut();
      if (rows.isEmpty()) out.println("no traces of " + service + " in the last " + lookback);
      else Table.print(out, List.of("TRACE", "START", "DURATION", "SPANS", "ERRORS", "ROOT"), rows);
      out.flush();
      return 0;
    }
  }

  @Command(name = "show", description = "One trace as a tree of spans: service, operation, duration, errors.")
  static final class Show implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "TRACE_ID") String traceId;

    @Mixin Collector collector;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      List<Span> spans = collector.client().trace(traceId);
      Map<String, List<Span>> children = new HashMap<>();
      for (Span s : spans) children.computeIfAbsent(s.parentId() == null ? "" : s.parentId(), k -> new ArrayList<>()).add(s);
      children.values().forEach(l -> l.sort(Comparator.comparingLong(Span::timestampAsLong)));
      PrintWriter out = spec.commandLine().getOut();
      Set<Span> printed = new HashSet<>();
      // Roots are the spans whose parent is not in the trace (a trace reported in part has several).
      Set<String> ids = new HashSet<>();
      spans.forEach(s -> ids.add(s.id()));
      for (Span s : spans) {
        if (s.parentId() == null || !ids.contains(s.parentId())) print(out, s, children, 0, printed);
      }
      out.flush();
      return 0;
    }

    private static void print(PrintWriter out, Span s, Map<String, List<Span>> children, int depth, Set<Span> printed) {
      if (!printed.add(s)) return; // a span that names itself as an ancestor is shown once
      String error = s.tags().containsKey("error") ? "  error: " + s.tags().get("error") : "";
      out.printf("%s%s %s %s  %s%s%n", "  ".repeat(depth), s.localServiceName(), s.kind() == null ? "" : s.kind().name().toLowerCase(),
          s.name(), millis(s.durationAsLong()), error);
      for (Span child : children.getOrDefault(s.id(), List.of())) print(out, child, children, depth + 1, printed);
    }
  }

  @Command(name = "deps", description = "A service's callers and callees with rate, errors and latency per edge.")
  static final class Deps implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SERVICE") String service;

    @Option(names = "--hops", defaultValue = "1", description = "How many hops each way (default ${DEFAULT-VALUE}).")
    int hops;

    @Option(names = "--lookback", defaultValue = "15m", description = "How far back, e.g. 15m, 1h (default ${DEFAULT-VALUE}).")
    String lookback;

    @Mixin Collector collector;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      if (spec.parent() != null && spec.parent().name().equals("trace")) {
        spec.commandLine().getErr().println("note: 'ooda trace deps' is now 'ooda traces deps'");
      }
      spec.commandLine().getOut().print(DepsTable.render(collector.client().neighborhood(service, hops, lookback)));
      spec.commandLine().getOut().flush();
      return 0;
    }
  }

  /** The old spelling of {@code ooda traces deps}. */
  @Command(name = "trace", hidden = true, subcommands = TracesCommand.Deps.class)
  static final class Old {}

  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

  private static Span root(List<Span> trace) {
    return trace.stream().filter(s -> s.parentId() == null).findFirst()
        .orElse(trace.stream().min(Comparator.comparingLong(Span::timestampAsLong)).orElseThrow());
  }

  private static String millis(long micros) {
    return micros >= 10_000 ? (micros / 1000) + " ms" : String.format("%.1f ms", micros / 1000.0);
  }
}
