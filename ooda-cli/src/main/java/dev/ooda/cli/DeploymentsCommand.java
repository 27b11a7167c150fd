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
    subcommands = {DeploymentsCommand.Analysis.class, DeploymentsCommand.Promote.class, DeploymentsCommand.Schedule.class})
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

  @Command(name = "schedule", description = {"When a dev or test deployment runs: outside its uptime every version is scaled to zero.",
      "  ooda deployments schedule catalog --uptime \"Mon-Fri 08:00-19:00 Europe/Berlin\"",
      "  ooda deployments schedule catalog --force-up-for 3h     # up until then, whatever the uptime",
      "  ooda deployments schedule catalog --clear               # always up"})
  static final class Schedule implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SERVICE") String service;
    @picocli.CommandLine.Option(names = "--uptime", paramLabel = "PERIODS",
        description = "DAYS HH:MM-HH:MM ZONE[, ...], always or never, e.g. \"Mon-Fri 08:00-19:00 Europe/Berlin\".") String uptime;
    @picocli.CommandLine.Option(names = "--exclude", paramLabel = "true|false", arity = "0..1", fallbackValue = "true",
        description = "true: the schedule does not apply (kept written down); false: it applies again.") Boolean exclude;
    @picocli.CommandLine.Option(names = "--force-up-until", paramLabel = "INSTANT",
        description = "Up until this instant (e.g. 2026-12-03T22:00:00Z) whatever the uptime.") String forceUpUntil;
    @picocli.CommandLine.Option(names = "--force-up-for", paramLabel = "DURATION", description = "Up for this long from now (e.g. 3h).")
    String forceUpFor;
    @picocli.CommandLine.Option(names = "--clear", description = "Remove the schedule: the deployment runs at all times.") boolean clear;
    @Mixin ClientOptions client;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      var cl = spec.commandLine();
      if (clear && (uptime != null || exclude != null || forceUpUntil != null || forceUpFor != null)) {
        throw new picocli.CommandLine.ParameterException(cl, "--clear removes the schedule: give it alone");
      }
      if (forceUpUntil != null && forceUpFor != null) {
        throw new picocli.CommandLine.ParameterException(cl, "give one of --force-up-until, --force-up-for");
      }
      if (!clear && uptime == null && exclude == null && forceUpUntil == null && forceUpFor == null) {
        throw new picocli.CommandLine.ParameterException(cl, "nothing to set: give --uptime, --exclude, --force-up-until, --force-up-for or --clear");
      }
      String force = forceUpUntil;
      if (forceUpFor != null) {
        try {
          force = java.time.Instant.now().plus(dev.ooda.model.Durations.parse(forceUpFor)).toString();
        } catch (IllegalArgumentException e) {
          throw new picocli.CommandLine.ParameterException(cl, "--force-up-for '" + forceUpFor + "': " + e.getMessage());
        }
      }
      var c = client.client();
      // the supervisor may write the status in between: read again and retry on a stale version
      for (int attempt = 1; ; attempt++) {
        Resource r = Rollouts.find(c, service);
        DeploymentSpec s = r.spec(DeploymentSpec.class);
        DeploymentSpec.Schedule old = s.schedule();
        DeploymentSpec.Schedule next = clear ? null : new DeploymentSpec.Schedule(
            uptime != null ? uptime : old == null ? null : old.uptime(),
            exclude != null ? exclude : old == null ? null : old.exclude(),
            force != null ? force : old == null ? null : old.forceUp());
        try {
          c.apply(dev.ooda.model.ResourceCodec.toYaml(List.of(new Resource(r.kind(), r.name(), r.version(), s.withSchedule(next)))));
        } catch (dev.ooda.model.ProblemException e) {
          if (e.problem().status() == 409 && attempt < 5) continue;
          throw e;
        }
        PrintWriter out = cl.getOut();
        if (next == null) out.printf("%s: no schedule, runs at all times%n", r.name());
        else {
          String down = next.downReason(java.time.Instant.now());
          out.printf("%s: schedule uptime %s%s%s; now %s%n", r.name(), next.uptime(),
              Boolean.TRUE.equals(next.exclude()) ? ", excluded" : "",
              next.forceUp() != null ? ", forced up until " + next.forceUp() : "", down == null ? "up" : "down: " + down);
        }
        out.flush();
        return 0;
      }
    }
  }
}
