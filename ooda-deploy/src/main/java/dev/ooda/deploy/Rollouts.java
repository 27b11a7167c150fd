package dev.ooda.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ooda.control.client.ControlClient;
import dev.ooda.model.DeploymentSpec;
import dev.ooda.model.DeploymentSpec.Phase;
import dev.ooda.model.DeploymentSpec.Status;
import dev.ooda.model.Kinds;
import dev.ooda.model.Problem;
import dev.ooda.model.ProblemException;
import dev.ooda.model.ProblemType;
import dev.ooda.model.Resource;
import dev.ooda.model.ResourceCodec;
import dev.ooda.model.RouteSpec;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The writes that move a rollout, shared by the supervisor's controller and the CLI: traffic first
 * (the Route's weights, one write), then the Deployment (which versions run, and its status), so
 * that a version leaves the route before its instances are drained.
 */
public final class Rollouts {
  private Rollouts() {}

  /**
   * The roles of a deployment's versions: {@code stable} serves; {@code candidate} (the last
   * version listed, when it is not the stable one) is being rolled out; {@code previous} is the
   * version a promotion replaced, still running for a quick rollback.
   */
  public record Roles(String stable, String candidate, String previous) {
    public static Roles of(DeploymentSpec s) {
      Status st = s.status();
      List<DeploymentSpec.Version> vs = s.versions();
      String stable = st != null && st.stable() != null && s.version(st.stable()) != null ? st.stable() : vs.get(0).version();
      String last = vs.get(vs.size() - 1).version();
      String candidate = last.equals(stable) ? null : last;
      String previous = st != null && st.previous() != null && s.version(st.previous()) != null
          && !st.previous().equals(stable) && !st.previous().equals(candidate) ? st.previous() : null;
      return new Roles(stable, candidate, previous);
    }
  }

  /**
   * How many instances the previous version keeps after a promotion: all of them for blueGreen (a
   * rollback then moves all traffic onto as many instances as served it before), one otherwise.
   */
  public static int previousInstances(DeploymentSpec s, DeploymentSpec.Version previous) {
    return DeploymentSpec.BLUE_GREEN.equals(s.strategyType()) ? previous.effectiveInstances()
        : Math.min(1, previous.effectiveInstances());
  }

  /** The Deployment of {@code service}: the one named like it, else the one whose spec names it. */
  public static Resource find(ControlClient c, String service) {
    try {
      return read(c.get(Kinds.find("deployments").orElseThrow().plural(), service));
    } catch (ProblemException e) {
      if (e.problem().status() != 404) throw e;
    }
    for (JsonNode n : c.list("deployments").path("items")) {
      Resource r = read(n);
      if (service.equals(r.spec(DeploymentSpec.class).service())) return r;
    }
    throw new ProblemException(Problem.of(ProblemType.NOT_FOUND, "no deployment of service " + service
        + " (create one with ooda deploy " + service + " --version v1 --jar FILE)"));
  }

  /**
   * Moves all of the service's traffic back to the version it came from, then removes the new
   * version from the deployment, which stops its instances with drain. With a candidate being
   * rolled out, back to the stable version; after a promotion, back to the previous version while
   * it still runs.
   *
   * @return what was done, in words
   */
  public static String rollback(ControlClient c, Resource deployment, String reason, DeploymentSpec.Judgement analysis,
                                Clock clock) {
    DeploymentSpec s = deployment.spec(DeploymentSpec.class);
    Roles roles = Roles.of(s);
    String to;
    String drop;
    String previous;
    if (roles.candidate() != null) {
      to = roles.stable();
      drop = roles.candidate();
      previous = roles.previous();
    } else if (roles.previous() != null) {
      to = roles.previous();
      drop = roles.stable();
      previous = null;
    } else {
      throw new ProblemException(Problem.of(ProblemType.CONFLICT, "deployment " + deployment.name()
          + " has nothing to roll back to: " + roles.stable() + " is its only running version"));
    }
    if (s.route() != null) {
      Map<String, Integer> w = new LinkedHashMap<>();
      w.put(to, 100);
      if (previous != null) w.put(previous, 0);
      setWeights(c, s, w);
    }
    Status old = s.status();
    Status st = new Status(to, null, previous, previous == null ? null : old == null ? null : old.previousUntil(),
        Phase.rolledBack, null, null, reason + " (" + clock.instant() + ")", analysis != null ? analysis : old == null ? null : old.analysis());
    List<DeploymentSpec.Version> keep = s.versions().stream().filter(v -> !v.version().equals(drop)).toList();
    write(c, new Resource(deployment.kind(), deployment.name(), deployment.version(), s.withVersions(keep).withStatus(st)));
    return deployment.name() + ": all traffic on " + to + (s.route() != null ? " (route " + s.route() + ")" : "")
        + "; " + drop + " is stopping";
  }

  /** The Route named {@code name}. */
  public static RouteSpec readRoute(ControlClient c, String name) {
    return read(c.get("routes", name)).spec(RouteSpec.class);
  }

  /** Sets the service's split in the deployment's route; returns the route's new version, or -1 when nothing changed. */
  static long setWeights(ControlClient c, DeploymentSpec s, Map<String, Integer> percents) {
    Resource route = read(c.get("routes", s.route()));
    RouteSpec old = route.spec(RouteSpec.class);
    RouteSpec next = RouteWeights.split(old, route.name(), s.service(), percents);
    if (next.equals(old)) return -1;
    return write(c, new Resource(route.kind(), route.name(), route.version(), next));
  }

  /** Writes one resource, refused as stale when it changed since {@code r.version()}; returns its new version. */
  static long write(ControlClient c, Resource r) {
    JsonNode out = c.apply(ResourceCodec.toYaml(List.of(r)));
    for (JsonNode x : out.path("results")) {
      if (x.path("name").asText().equals(r.name())) return x.path("version").asLong(-1);
    }
    return -1;
  }

  static Resource read(JsonNode n) {
    try {
      return ResourceCodec.readStored(ResourceCodec.json().writeValueAsBytes(n));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Gives the candidate all of the service's traffic at once (a side-by-side version, or a paused
   * canary someone judged good); the stable version becomes the previous one, kept for
   * {@code keepPrevious}.
   */
  public static String promote(ControlClient c, Resource deployment, Clock clock) {
    DeploymentSpec s = deployment.spec(DeploymentSpec.class);
    Roles roles = Roles.of(s);
    if (roles.candidate() == null) {
      throw new ProblemException(Problem.of(ProblemType.CONFLICT, "deployment " + deployment.name()
          + " has no version to promote: " + roles.stable() + " already serves"));
    }
    if (s.route() != null) {
      Map<String, Integer> w = new LinkedHashMap<>();
      w.put(roles.candidate(), 100);
      w.put(roles.stable(), 0);
      setWeights(c, s, w);
    }
    java.time.Instant until = clock.instant().plus(s.effectiveKeepPrevious());
    Status old = s.status();
    write(c, new Resource(deployment.kind(), deployment.name(), deployment.version(), s.withStatus(new Status(roles.candidate(), null,
        roles.stable(), until.toString(), Phase.promoted, null, null, roles.candidate() + " promoted by hand; " + roles.stable()
        + " kept until " + until, old == null ? null : old.analysis()))));
    return deployment.name() + ": all traffic on " + roles.candidate() + "; " + roles.stable() + " kept until " + until;
  }
}
