package dev.ooda.cli;

import dev.ooda.control.client.ControlClient;
import dev.ooda.control.client.RegistryClient;
import dev.ooda.deploy.Rollouts;
import dev.ooda.deploy.RouteWeights;
import dev.ooda.model.DeploymentSpec;
import dev.ooda.model.Instance;
import dev.ooda.model.ProblemException;
import dev.ooda.model.Resource;
import dev.ooda.model.RouteSpec;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code ooda get deployments}: a line per version, with its role in the rollout, its instances in
 * the registry (all, and those UP), and its share of the service's traffic in the deployment's route.
 */
final class DeploymentTable {
  private DeploymentTable() {}

  static void print(PrintWriter out, List<Resource> items, ControlClient control, RegistryClient registry) {
    List<List<String>> rows = new ArrayList<>();
    for (Resource r : items) {
      DeploymentSpec s = r.spec(DeploymentSpec.class);
      Rollouts.Roles roles = Rollouts.Roles.of(s);
      List<Instance> instances;
      try {
        instances = registry.instances(s.service());
      } catch (ProblemException e) {
        instances = List.of();
      }
      Map<String, Double> traffic = null;
      if (s.route() != null) {
        try {
          traffic = RouteWeights.percents(Rollouts.readRoute(control, s.route()), s.service());
        } catch (ProblemException e) {
          traffic = null;
        }
      }
      boolean first = true;
      for (DeploymentSpec.Version v : s.versions()) {
        String role = v.version().equals(roles.stable()) ? "stable" : v.version().equals(roles.candidate()) ? "candidate"
            : v.version().equals(roles.previous()) ? "previous" : "idle";
        boolean down = s.status() != null && s.status().down() != null;
        int wanted = role.equals("idle") || down ? 0 : role.equals("previous") ? Rollouts.previousInstances(s, v) : v.effectiveInstances();
        long listed = instances.stream().filter(i -> v.version().equals(i.version())).count();
        long up = instances.stream().filter(i -> v.version().equals(i.version()) && i.status() == Instance.Status.UP).count();
        String share = traffic == null ? "-" : String.format(Locale.ROOT, "%.1f%%", traffic.getOrDefault(v.version(), 0.0));
        String phase = !first || s.status() == null ? "" : down ? "down: " + s.status().down()
            : s.status().phase() != null ? s.status().phase() + (s.status().reason() == null ? "" : ": " + s.status().reason()) + coldStart(s) : "";
        rows.add(List.of(first ? r.name() : "", v.version(), role, listed + "/" + wanted, up + " up", share, phase));
        first = false;
      }
      if (roles.candidate() != null && DeploymentSpec.CANARY.equals(s.strategyType())) {
        String b = dev.ooda.deploy.DeploymentController.baselineOf(roles.stable());
        long listed = instances.stream().filter(i -> b.equals(i.version())).count();
        long up = instances.stream().filter(i -> b.equals(i.version()) && i.status() == Instance.Status.UP).count();
        String share = traffic == null ? "-" : String.format(Locale.ROOT, "%.1f%%", traffic.getOrDefault(b, 0.0));
        rows.add(List.of("", b, "baseline", listed + "/" + s.version(roles.candidate()).effectiveInstances(), up + " up", share, ""));
      }
    }
    Table.print(out, List.of("DEPLOYMENT", "VERSION", "ROLE", "INSTANCES", "HEALTH", "TRAFFIC", "PHASE"), rows);
  }

  /** The last start from zero, for deployments that scale to zero. */
  private static String coldStart(DeploymentSpec s) {
    DeploymentSpec.ColdStart c = s.status().coldStart();
    if (s.idle() == null || s.idle().after() == null) return "";
    if (c == null || c.millis() == null) return "; idle after " + dev.ooda.model.Durations.format(s.idle().after());
    return String.format(Locale.ROOT, "; idle after %s, last cold start %.2f s (%s)", dev.ooda.model.Durations.format(s.idle().after()),
        c.millis() / 1000.0, c.at());
  }

  private static final Set<DeploymentSpec.Phase> SETTLED = Set.of(DeploymentSpec.Phase.promoted, DeploymentSpec.Phase.rolledBack,
      DeploymentSpec.Phase.paused, DeploymentSpec.Phase.running, DeploymentSpec.Phase.stable);

  /** Prints each phase the deployment of {@code service} passes through until it settles; 0 when promoted or stable. */
  static int await(PrintWriter out, ControlClient c, String service, Duration timeout, String version) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    String last = null;
    while (System.nanoTime() < end) {
      DeploymentSpec s = Rollouts.find(c, service).spec(DeploymentSpec.class);
      DeploymentSpec.Status st = s.status();
      String line = st != null && st.down() != null ? "down: " + st.down()
          : st == null || st.phase() == null ? "waiting for the supervisor" : st.phase() + ": " + st.reason();
      if (!line.equals(last)) {
        out.println("  " + line);
        out.flush();
        last = line;
      }
      // outside its uptime nothing moves until the uptime starts
      if (st != null && st.down() != null) return 0;
      // settled for this version: it serves, runs beside, or was rolled back or paused
      boolean concerns = st != null && (version.equals(st.stable()) || version.equals(st.candidate())
          || (st.phase() == DeploymentSpec.Phase.rolledBack && s.version(version) == null));
      if (st != null && concerns && SETTLED.contains(st.phase())) {
        return st.phase() == DeploymentSpec.Phase.rolledBack || st.phase() == DeploymentSpec.Phase.paused ? 1 : 0;
      }
      Thread.sleep(500);
    }
    out.println("  still not settled after " + timeout);
    return 1;
  }
}
