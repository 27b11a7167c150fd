package dev.ooda.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ooda.model.Kinds;
import dev.ooda.model.Names;
import dev.ooda.model.ProblemException;
import dev.ooda.model.ProblemType;
import dev.ooda.model.Resource;
import dev.ooda.model.ResourceCodec;
import dev.ooda.model.ServiceSpec;
import dev.ooda.trace.Neighborhood;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Questions about services' groups: may one call another, and who should be in a group. */
@Command(name = "access", description = "Access between services: check a call against the groups, suggest a group from traces.",
    subcommands = {AccessCommand.Check.class, AccessCommand.Suggest.class})
final class AccessCommand {

  @Command(name = "check", description = {"Whether service FROM may call service TO, and the rule that decides.",
      "Exits 0 when the call is allowed (or only audited), 1 when it would be refused."})
  static final class Check implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FROM", description = "the calling service") String from;
    @Parameters(index = "1", paramLabel = "TO", description = "the called service") String to;

    @Option(names = "--method", defaultValue = "GET", description = "HTTP method of the call (default ${DEFAULT-VALUE}).")
    String method;

    @Option(names = "--path", defaultValue = "/", description = "Path of the call (default ${DEFAULT-VALUE}).")
    String path;

    @Mixin ClientOptions client;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      requireName("FROM", from);
      requireName("TO", to);
      JsonNode d = client.client().accessCheck(from, to, method.toUpperCase(Locale.ROOT), path);
      PrintWriter out = spec.commandLine().getOut();
      out.println(d.get("outcome").asText() + ": " + d.get("explanation").asText());
      out.println("mode of " + to + ": " + d.get("mode").asText() + "; rules checked: " + d.get("rules_checked").asInt());
      out.flush();
      return d.get("allowed").asBoolean() ? 0 : 1;
    }
  }

  @Command(name = "suggest", description = {"A group for SERVICE made of the callers seen in traces, as a Service to apply.",
      "Keeps the callers already listed (with their limits) and adds the new ones; a service without a group gets mode audit.",
      "Review it, then: ooda access suggest SERVICE | ooda apply -f -"})
  static final class Suggest implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SERVICE") String service;

    @Option(names = "--lookback", defaultValue = "1h", description = "How far back to look in traces (default ${DEFAULT-VALUE}).")
    String lookback;

    @Mixin TracesCommand.Collector collector;
    @Mixin ClientOptions client;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      requireName("SERVICE", service);
      Map<String, Long> seen = new LinkedHashMap<>();
      Neighborhood n = collector.client().neighborhood(service, 1, lookback);
      for (Neighborhood.Edge e : n.edges()) {
        if (e.child().equals(service) && !e.parent().equals(service)) seen.merge(e.parent(), e.calls(), Long::sum);
      }
      ServiceSpec current = current();
      ServiceSpec.Access access = current.access();
      List<ServiceSpec.Caller> callers = new ArrayList<>(access == null ? List.of() : access.callers());
      List<String> listed = callers.stream().map(ServiceSpec.Caller::service).toList();
      seen.keySet().stream().filter(c -> !listed.contains(c)).sorted()
          .forEach(c -> callers.add(new ServiceSpec.Caller(c, null, null)));
      String mode = access == null || access.mode() == null ? ServiceSpec.Access.AUDIT : access.mode();
      ServiceSpec suggested = new ServiceSpec(current.description(), current.owner(), current.endpoints(),
          current.lease(), current.health(), new ServiceSpec.Access(mode, callers));
      PrintWriter out = spec.commandLine().getOut();
      if (seen.isEmpty()) out.println("# no calls to " + service + " in traces over the last " + lookback);
      else {
        out.println("# callers of " + service + " seen in traces over the last " + lookback + ":");
        seen.forEach((c, calls) -> out.println("#   " + c + ": " + calls + " calls" + (listed.contains(c) ? " (already listed)" : " (new)")));
      }
      out.print(ResourceCodec.toYaml(List.of(Resource.of(Kinds.SERVICE, service, suggested))));
      out.flush();
      return 0;
    }

    private ServiceSpec current() {
      try {
        return ResourceCodec.read(List.of(client.client().get("services", service))).get(0).spec(ServiceSpec.class);
      } catch (ProblemException e) {
        if (e.problem().status() == ProblemType.NOT_FOUND.status()) return new ServiceSpec(null, null, null, null, null, null);
        throw e;
      }
    }
  }

  private static void requireName(String what, String name) {
    String bad = Names.problem(name);
    if (bad != null) throw new IllegalArgumentException(what + ": service name " + bad);
  }
}
