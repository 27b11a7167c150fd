package dev.ooda.cli;

import dev.ooda.control.client.ControlClient;
import dev.ooda.deploy.Rollouts;
import dev.ooda.model.DeploymentSpec;
import dev.ooda.model.Durations;
import dev.ooda.model.ProblemException;
import dev.ooda.model.Resource;
import dev.ooda.model.ResourceCodec;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "deploy", description = {"Add a version to a service's Deployment (creating it), to be run by the platform's supervisor.",
    "  ooda deploy catalog --version v1 --jar catalog.jar --route catalog",
    "  ooda deploy catalog --version v2 --command java -- -cp 'lib/*' dev.ooda.examples.catalog.CatalogServer",
    "  ooda deploy catalog --version v2 --jar catalog-2.jar --strategy canary --steps 10:1m,50:2m,100:2m",
    "The new version runs beside the one that serves; its strategy moves the traffic (sideBySide: none until promoted)."})
final class DeployCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "SERVICE") String service;

  @Parameters(index = "1..*", paramLabel = "ARG", description = "Arguments of --command (after --).")
  List<String> args = new ArrayList<>();

  // --version names the deployed version here, so the inherited -V/--version (and with it -h) do not apply: help is declared.
  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.") boolean help;
  @Option(names = "--version", required = true, paramLabel = "VERSION", description = "The version's name, e.g. v2.") String version;
  @Option(names = "--jar", paramLabel = "FILE", description = "An executable jar, run as java -Xmx<heap> -jar FILE.") Path jar;
  @Option(names = "--command", paramLabel = "PROGRAM", description = "A program to run, with the arguments after --.") String command;
  @Option(names = "--instances", paramLabel = "N", description = "How many instances (default 1).") Integer instances;
  @Option(names = "--env", paramLabel = "NAME=VALUE", description = "Environment of the instances; VALUE secret:NAME reads a secret the service owns.")
  Map<String, String> env = new LinkedHashMap<>();
  @Option(names = "--health-path", paramLabel = "PATH", description = "Answers 200 when an instance takes traffic (default /health).") String healthPath;
  @Option(names = "--heap-mb", paramLabel = "MB", description = "JVM heap of each instance (default 128).") Integer heapMb;
  @Option(names = "--strategy", paramLabel = "TYPE", description = "sideBySide, canary or blueGreen; kept from the deployment when absent.") String strategy;
  @Option(names = "--steps", paramLabel = "W:HOLD,...", description = "Canary steps: percent to the new version and how long each is held, e.g. 10:1m,50:2m,100:2m.")
  String steps;
  @Option(names = "--analysis", paramLabel = "SETTING=VALUE", description = {"Canary analysis settings: maxErrorRateIncrease (0.01),",
      "maxLatencyIncrease (0.2), alpha (0.05), minRequests (20), onFailure (rollback|pause), warmup (30s)."})
  Map<String, String> analysis = new LinkedHashMap<>();
  @Option(names = "--route", paramLabel = "ROUTE", description = "The Route whose weights for the service the deployment moves (default: a route named like the service, if any).")
  String route;
  @Option(names = "--keep-previous", paramLabel = "DURATION", description = "How long the replaced version keeps running after a promotion (default 10m).")
  String keepPrevious;
  @Option(names = "--idle", paramLabel = "DURATION", description = "Scale to zero after this long without requests through the gateway (e.g. 10m); off to stop scaling to zero; kept from the deployment when absent.")
  String idle;
  @Option(names = "--wait", description = "Wait until the rollout is settled (promoted, rolled back, paused, or running side by side) and print each phase.")
  boolean await;
  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10m", description = "How long --wait waits (default ${DEFAULT-VALUE}).")
  String timeout;

  @Mixin ClientOptions client;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if ((jar == null) == (command == null)) throw new ParameterException(spec.commandLine(), "give exactly one of --jar FILE and --command PROGRAM");
    if (jar != null && !args.isEmpty()) throw new ParameterException(spec.commandLine(), "arguments after SERVICE go with --command only");
    if (jar != null && !Files.isRegularFile(jar)) throw new ParameterException(spec.commandLine(), "--jar " + jar + " is not a file");
    DeploymentSpec.Strategy strat = strategy(spec.commandLine());
    Duration keep = parse("--keep-previous", keepPrevious);
    DeploymentSpec.Version v = new DeploymentSpec.Version(version,
        new DeploymentSpec.Artifact(jar == null ? null : jar.toAbsolutePath().toString(), command, args),
        env, instances, healthPath, heapMb);
    ControlClient c = client.client();
    PrintWriter out = spec.commandLine().getOut();
    Resource next;
    for (int attempt = 1; ; attempt++) {
      next = next(c, v, strat, keep);
      try {
        c.apply(ResourceCodec.toYaml(List.of(next)));
        break;
      } catch (ProblemException e) {
        // The supervisor writes the Deployment's status as it works: add the version to what is stored now.
        if (e.problem().status() != 409 || attempt == 5) throw e;
      }
    }
    DeploymentSpec ns = next.spec(DeploymentSpec.class);
    out.printf("deployment %s: %s added (%s%s)%n", next.name(), version, describe(ns),
        ns.route() == null ? ", no route: traffic goes where the routes say" : ", route " + ns.route());
    out.flush();
    if (await) return DeploymentTable.await(out, c, service, Durations.parse(timeout), version);
    return 0;
  }

  /** The Deployment with the new version added to what is stored now. */
  private Resource next(ControlClient c, DeploymentSpec.Version v, DeploymentSpec.Strategy strat, Duration keep) {
    Resource current = null;
    try {
      current = Rollouts.find(c, service);
    } catch (ProblemException e) {
      if (e.problem().status() != 404) throw e;
    }
    if (current == null) {
      String r = route != null ? route : routeNamed(c, service);
      return Resource.of(DeploymentSpec.KIND, service, new DeploymentSpec(service, r, List.of(v), strat, keep, idle(null), null, null));
    } else {
      DeploymentSpec s = current.spec(DeploymentSpec.class);
      if (s.version(version) != null) {
        throw new ProblemException(dev.ooda.model.Problem.of(dev.ooda.model.ProblemType.CONFLICT, "deployment " + current.name()
            + " already has version " + version + "; give the new one another name"));
      }
      Rollouts.Roles roles = Rollouts.Roles.of(s);
      if (roles.candidate() != null) {
        throw new ProblemException(dev.ooda.model.Problem.of(dev.ooda.model.ProblemType.CONFLICT, roles.candidate() + " of " + service + " is still being rolled out ("
            + (s.status() == null ? "starting" : s.status().phase()) + "); `ooda rollback " + service + "` or `ooda deployments promote "
            + service + "` first"));
      }
      List<DeploymentSpec.Version> vs = new ArrayList<>(s.versions());
      vs.add(v);
      DeploymentSpec.Strategy st = merge(s.strategy(), strat);
      return new Resource(current.kind(), current.name(), current.version(), new DeploymentSpec(s.service(),
          route != null ? route : s.route(), vs, st, keep != null ? keep : s.keepPrevious(), idle(s.idle()), s.status(), s.schedule()));
    }
  }

  /** The idle setting {@code --idle} gives, else the one the deployment has. */
  private DeploymentSpec.Idle idle(DeploymentSpec.Idle old) {
    if (idle == null) return old;
    if (idle.equals("off")) return null;
    return new DeploymentSpec.Idle(parse("--idle", idle));
  }

  private static String describe(DeploymentSpec s) {
    if (!DeploymentSpec.CANARY.equals(s.strategyType())) return s.strategyType();
    return "canary " + String.join(" -> ", s.strategy().steps().stream()
        .map(x -> x.weight() + "% " + Durations.format(x.effectiveHold())).toList());
  }

  private static String routeNamed(ControlClient c, String service) {
    try {
      c.get("routes", service);
      return service;
    } catch (ProblemException e) {
      if (e.problem().status() == 404) return null;
      throw e;
    }
  }

  private DeploymentSpec.Strategy strategy(picocli.CommandLine cl) {
    if (strategy == null && steps == null && analysis.isEmpty()) return null;
    List<DeploymentSpec.Step> list = new ArrayList<>();
    if (steps != null) {
      for (String part : steps.split(",")) {
        String[] wh = part.trim().split(":", 2);
        try {
          list.add(new DeploymentSpec.Step(Integer.parseInt(wh[0].trim()), wh.length > 1 ? Durations.parse(wh[1]) : null));
        } catch (IllegalArgumentException e) {
          throw new ParameterException(cl, "--steps '" + part.trim() + "' must be PERCENT:HOLD, e.g. 10:1m ("
              + e.getMessage() + ")");
        }
      }
    }
    String type = strategy != null ? strategy : steps != null ? DeploymentSpec.CANARY : null;
    return new DeploymentSpec.Strategy(type, list, analysis(cl));
  }

  /** The deployment's strategy with what the options give replacing its parts. */
  private DeploymentSpec.Strategy merge(DeploymentSpec.Strategy old, DeploymentSpec.Strategy given) {
    if (given == null) return old;
    if (old == null) return given;
    String type = strategy != null || steps != null ? given.type() : old.type();
    // a canary's steps mean nothing to blueGreen, which switches at once
    List<DeploymentSpec.Step> kept = DeploymentSpec.BLUE_GREEN.equals(type) ? List.of() : old.steps();
    return new DeploymentSpec.Strategy(type, steps != null ? given.steps() : kept,
        given.analysis() != null ? given.analysis() : old.analysis());
  }

  private DeploymentSpec.Analysis analysis(picocli.CommandLine cl) {
    if (analysis.isEmpty()) return null;
    Map<String, String> a = new LinkedHashMap<>(analysis);
    try {
      DeploymentSpec.Analysis out = new DeploymentSpec.Analysis(dbl(a.remove("maxErrorRateIncrease")),
          dbl(a.remove("maxLatencyIncrease")), dbl(a.remove("alpha")),
          a.containsKey("minRequests") ? Integer.valueOf(a.remove("minRequests")) : null, a.remove("onFailure"),
          a.containsKey("warmup") ? dev.ooda.model.Durations.parse(a.remove("warmup")) : null);
      if (!a.isEmpty()) throw new ParameterException(cl, "--analysis: unknown setting(s) " + a.keySet()
          + "; known: maxErrorRateIncrease, maxLatencyIncrease, alpha, minRequests, onFailure, warmup");
      return out;
    } catch (NumberFormatException e) {
      throw new ParameterException(cl, "--analysis: " + e.getMessage() + " is not a number");
    } catch (IllegalArgumentException e) {
      throw new ParameterException(cl, "--analysis warmup: " + e.getMessage());
    }
  }

  private static Double dbl(String s) {
    return s == null ? null : Double.valueOf(s);
  }

  private Duration parse(String option, String text) {
    if (text == null) return null;
    try {
      return Durations.parse(text);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), option + " " + e.getMessage());
    }
  }
}
