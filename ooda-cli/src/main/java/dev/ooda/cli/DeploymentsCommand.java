package dev.ooda.cli;

import dev.ooda.deploy.Rollouts;
import dev.ooda.model.DeploymentSpec;
import dev.ooda.model.Resource;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "deployments", description = "Look into and steer rollouts (list them with `ooda get deployments`).",
    subcommands = {DeploymentsCommand.Analysis.class, DeploymentsCommand.Promote.class})
final class DeploymentsCommand {

  @Command(name = "analysis", description = "The last judgement of a canary step, metric by metric.")
  static final class Analysis implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SERVICE") String service;
    @Mixin ClientOptions client;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      Resource r = Rollouts.find(client.client(), service);
      DeploymentSpec s = r.spec(DeploymentSpec.class);
      PrintWriter out = spec.commandLine().getOut();
      DeploymentSpec.Judgement j = s.status() == null ? null : s.status().analysis();
      if (j == null) {
        out.printf("%s: no canary step judged yet%s%n", r.name(),
            s.status() == null ? "" : " (" + s.status().phase() + ": " + s.status().reason() + ")");
        out.flush();
        return 0;
      }
      out.printf("%s: step %d at %d%%, judged %s: %s%n", r.name(), j.step() + 1, j.weight(), j.at(), j.verdict());
      Table.print(out, List.of("METRIC", "RESULT", "CANARY", "BASELINE", "REASON"), j.metrics().stream()
          .map(m -> List.of(m.name(), m.result() + (Boolean.TRUE.equals(m.failed()) ? " (fails)" : ""), m.canary(), m.baseline(), m.reason()))
          .toList());
      if (s.status().phase() != null) out.printf("phase: %s: %s%n", s.status().phase(), s.status().reason());
      out.flush();
      return 0;
    }
  }

  @Command(name = "promote", description = "Give the new version all traffic now (a side-by-side version, or a paused canary).")
  static final class Promote implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SERVICE") String service;
    @Mixin ClientOptions client;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      var c = client.client();
      spec.commandLine().getOut().println(Rollouts.promote(c, Rollouts.find(c, service), java.time.Clock.systemUTC()));
      return 0;
    }
  }
}
