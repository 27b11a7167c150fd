package dev.ooda.cli;

import dev.ooda.model.Resource;
import dev.ooda.model.RouteSpec;
import dev.ooda.model.ServiceSpec;
import java.util.stream.Collectors;

/** One line that tells what a resource does, for tables. */
final class Summary {
  private Summary() {}

  static String of(Resource r) {
    if (r.spec() instanceof RouteSpec s) {
      String to = s.respond() != null && s.respond().fromContractExample()
          ? "respond example " + s.respond().fromContract() + " " + s.respond().operation()
          : s.respond() != null ? "respond " + (s.respond().status() == null ? 200 : s.respond().status())
          : "-> " + s.to().stream().map(t -> t + (s.to().size() > 1 ? " " + t.effectiveWeight() : "")).collect(Collectors.joining(", "));
      return s.matchKey() + " " + to;
    }
    if (r.spec() instanceof ServiceSpec s) {
      return (s.owner() == null ? "" : "owner " + s.owner() + " ") + s.endpoints().size() + " fixed endpoint(s)";
    }
    return "";
  }
}
