package dev.ooda.deploy;

import dev.ooda.control.client.ControlClient;
import dev.ooda.model.DeploymentSpec;
import dev.ooda.model.DeploymentSpec.Judgement;
import dev.ooda.model.DeploymentSpec.Phase;
import dev.ooda.model.DeploymentSpec.Status;
import dev.ooda.model.Durations;
import dev.ooda.model.FunctionSpec;
import dev.ooda.model.ProblemException;
import dev.ooda.model.Resource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out the Deployments: runs each one's stable, candidate and previous versions on an
 * {@link Engine} (the local {@link Supervisor}, or a cluster's driver), moves the service's
 * weights in the deployment's route as its strategy says, judges each canary step
 * ({@link CanaryJudge}) and promotes, pauses or rolls back, scales a deployment outside its
 * schedule's uptime to zero, and writes where it stands into the Deployment's status. It reads Deployments and Routes from caches fed
 * by the store's watches and ticks twice a second for the holds; every write goes through the
 * admin API with the version it read, so a concurrent change (a user's apply, {@code ooda
 * rollback}) wins and the next tick works from it.
 */
public final class DeploymentController implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DeploymentController.class);
  /** Holds in a row without enough requests before a step pauses. */
  static final int NO_DATA_HOLDS = 3;
  /** The longest start of a step that is not judged. */
  static final Duration MAX_SETTLE = Duration.ofSeconds(15);
  /** How long a version's instances keep running after it left the route. */
  static final Duration LEAVE_DELAY = Duration.ofSeconds(5);
  /** How long a route written by someone else is left as it is before the controller moves its weights. */
  static final Duration FOREIGN_ROUTE_GRACE = Duration.ofSeconds(2);

  private final Engine supervisor;
  private final ControlClient admin;
  private final SpanSamples spans;
  private final Supplier<Map<String, Resource>> deployments;
  private final Supplier<Map<String, Resource>> routes;
  private final BooleanSupplier ready;
  private final Clock clock;
  private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "ooda-deployments");
    t.setDaemon(true);
    return t;
  });
  /** The version of each deployment this controller last wrote: an older one in the cache is not acted on. */
  private final Map<String, Long> written = new ConcurrentHashMap<>();
  /** When a step that had no data is judged again, and how often it had none. */
  private final Map<String, Instant> nextJudgement = new ConcurrentHashMap<>();
  private final Map<String, Integer> noData = new ConcurrentHashMap<>();
  private final Map<String, String> lastError = new ConcurrentHashMap<>();
  /** The last version of each route this controller saw, when, and whether it wrote it itself. */
  private record Seen(long version, Instant at, boolean ours) {}

  private final Map<String, Seen> routeSeen = new ConcurrentHashMap<>();

  /** Ends a deployment's round before anything that should follow the route's weights (its status) is written. */
  private static final class RouteNotSettled extends RuntimeException {
    RouteNotSettled() {
      super(null, null, false, false);
    }
  }
  /** When each version that no longer runs left the running set. */
  private final Map<String, Instant> leaving = new ConcurrentHashMap<>();
  /** What the gateways saw of each service's requests; none until {@link #withActivity}. */
  private volatile Supplier<Map<String, RequestActivity.Seen>> activity = Map::of;
  private volatile Supplier<Map<String, Resource>> functions = Map::of;
  private volatile String hostClasspath = System.getProperty("java.class.path");
  /** When each function's usage was last written into its status. */
  private final Map<String, Instant> usageWritten = new ConcurrentHashMap<>();
  /** How often at most a function's usage is written into its status. */
  static final Duration USAGE_PERIOD = Duration.ofSeconds(2);
  /** The version name a function's instances run as. */
  public static final String FUNCTION_VERSION = "fn";
  /** When each deployment's serving version first had all its instances ready: the idle period of a service with no requests yet counts from then. */
  private final Map<String, Instant> readySince = new ConcurrentHashMap<>();

  /**
   * @param spans       where canary samples come from; without, every canary step has no data and pauses
   * @param deployments the Deployment resources by name, as the store's watch last delivered them
   * @param routes      the Route resources by name, likewise
   * @param ready       whether {@code deployments} has been filled once: until then nothing is stopped
   */
  public DeploymentController(Engine supervisor, ControlClient admin, SpanSamples spans,
                              Supplier<Map<String, Resource>> deployments, Supplier<Map<String, Resource>> routes,
                              BooleanSupplier ready, Clock clock) {
    this.supervisor = supervisor;
    this.admin = admin;
    this.spans = spans;
    this.deployments = deployments;
    this.routes = routes;
    this.ready = ready;
    this.clock = clock;
  }

  public DeploymentController start(Duration tick) {
    ticker.scheduleWithFixedDelay(this::tick, 0, tick.toMillis(), TimeUnit.MILLISECONDS);
    return this;
  }

  /**
   * Scales deployments with {@code idle} to zero by the request activity the gateways report, and
   * back up when a gateway holds a request for one; call {@link #poke} when it changes.
   */
  public DeploymentController withActivity(Supplier<Map<String, RequestActivity.Seen>> activity) {
    this.activity = activity;
    return this;
  }

  /**
   * Also runs the Function resources: an instance of each (a {@code dev.ooda.kit.FunctionHost} on
   * {@code hostClasspath} plus the function's jar) while requests come, none after its idle period.
   */
  public DeploymentController withFunctions(Supplier<Map<String, Resource>> functions, String hostClasspath) {
    this.functions = functions;
    this.hostClasspath = hostClasspath;
    return this;
  }

  /** Runs a round now (a gateway holds a request for a service at zero: its start should not wait for the tick). */
  public void poke() {
    if (!ticker.isShutdown()) ticker.execute(this::tick);
  }

  /** One round over every deployment. */
  void tick() {
    if (!ready.getAsBoolean()) return;
    Map<String, Resource> all = deployments.get();
    Set<String> services = new HashSet<>();
    for (Resource r : all.values()) {
      DeploymentSpec s = r.spec(DeploymentSpec.class);
      services.add(s.service());
      if (written.getOrDefault(r.name(), 0L) > r.version()) continue;
      try {
        reconcile(r);
        lastError.remove(r.name());
      } catch (RouteNotSettled e) {
        // the next tick
      } catch (ProblemException e) {
        if (e.problem().status() != 409) note(r.name(), e.problem().detail());
      } catch (RuntimeException e) {
        note(r.name(), e.toString());
      }
    }
    for (Resource f : functions.get().values()) {
      services.add(f.name());
      if (written.getOrDefault("function/" + f.name(), 0L) > f.version()) continue;
      try {
        function(f);
      } catch (ProblemException e) {
        if (e.problem().status() != 409) note("function/" + f.name(), e.problem().detail());
      } catch (RuntimeException e) {
        note("function/" + f.name(), e.toString());
      }
    }
    supervisor.retainServices(services);
  }

  /** One instance while the function has had a request within its idle period, else none; its usage into its status. */
  private void function(Resource f) {
    FunctionSpec fs = f.spec(FunctionSpec.class);
    Instant now = clock.instant();
    RequestActivity.Seen seen = activity.get().get(f.name());
    boolean wanted = seen != null && now.isBefore(Instant.ofEpochMilli(seen.lastRequestMillis()).plus(fs.effectiveIdle()));
    Map<String, String> env = new LinkedHashMap<>(fs.env());
    env.put("OODA_FUNCTION_HANDLER", fs.handler());
    env.put("OODA_FUNCTION_CONCURRENCY", Integer.toString(fs.effectiveConcurrency()));
    String cp = fs.jar() == null ? hostClasspath : java.nio.file.Path.of(fs.jar()).toAbsolutePath() + java.io.File.pathSeparator + hostClasspath;
    DeploymentSpec.Version v = new DeploymentSpec.Version(FUNCTION_VERSION, new DeploymentSpec.Artifact(null,
        java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto", "-cp", cp, "dev.ooda.kit.FunctionHost")),
        env, 1, null, fs.heapMb());
    supervisor.scale(f.name(), v, wanted ? 1 : 0);
    supervisor.retainVersions(f.name(), Set.of(FUNCTION_VERSION));
    Instant last = usageWritten.get(f.name());
    if (last != null && now.isBefore(last.plus(USAGE_PERIOD))) return;
    usageWritten.put(f.name(), now);
    // Usage is metered by the local supervisor's function hosts; another engine reports none.
    if (!(supervisor instanceof Supervisor local)) return;
    FunctionSpec.Status usage = FunctionUsage.read(local.root().resolve(f.name()), now);
    FunctionSpec.Status old = fs.status();
    if (usage.invocations() == 0 || old != null && Objects.equals(old.invocations(), usage.invocations())
        && Objects.equals(old.billedMillis(), usage.billedMillis())) return;
    long version = Rollouts.write(admin, new Resource(f.kind(), f.name(), f.version(), fs.withStatus(usage)));
    if (version > 0) written.put("function/" + f.name(), version);
  }

  private void note(String deployment, String error) {
    if (!error.equals(lastError.put(deployment, error))) log.warn("deployment {}: {}", deployment, error);
  }

  private void reconcile(Resource r) {
    DeploymentSpec s = r.spec(DeploymentSpec.class);
    String down = s.schedule() == null ? null : s.schedule().downReason(clock.instant());
    Status was = s.status() != null ? s.status() : new Status(null, null, null, null, null, null, null, null, null);
    if (down != null) {
      // A dev or test environment outside its uptime: every version that runs is scaled to zero (with
      // drain; on a cluster its Kubernetes Deployment stays, at zero replicas, as kube-downscaler
      // does); the rollout stays where it was and carries on when the uptime starts again.
      Set<String> runs = new HashSet<>();
      supervisor.instances(s.service()).forEach(i -> runs.add(i.version()));
      for (DeploymentSpec.Version v : s.versions()) if (runs.contains(v.version())) supervisor.scale(s.service(), v, 0);
      // a canary's baseline is not a version of the spec: it goes
      Set<String> listed = new HashSet<>();
      s.versions().forEach(v -> listed.add(v.version()));
      supervisor.retainVersions(s.service(), listed);
      status(r, s, was.withDown(down));
      return;
    }
    if (was.down() != null) {
      status(r, s, was.withDown(null));
      return;
    }
    Rollouts.Roles roles = Rollouts.Roles.of(s);
    Map<String, Integer> running = new LinkedHashMap<>();
    Instant idleSince = idleSince(r, s, roles);
    running.put(roles.stable(), idleSince != null ? 0 : s.version(roles.stable()).effectiveInstances());
    if (roles.candidate() != null) running.put(roles.candidate(), s.version(roles.candidate()).effectiveInstances());
    boolean blueGreen = s.strategyType().equals(DeploymentSpec.BLUE_GREEN);
    if (roles.previous() != null) running.put(roles.previous(), Rollouts.previousInstances(s, s.version(roles.previous())));
    boolean canary = roles.candidate() != null && s.strategyType().equals(DeploymentSpec.CANARY);
    Map<String, DeploymentSpec.Version> specs = new LinkedHashMap<>();
    running.keySet().forEach(v -> specs.put(v, s.version(v)));
    if (canary) {
      // A fresh baseline beside the canary, as large: both start cold, so they compare fairly.
      DeploymentSpec.Version stable = s.version(roles.stable());
      int n = s.version(roles.candidate()).effectiveInstances();
      String b = baselineOf(roles.stable());
      running.put(b, n);
      specs.put(b, new DeploymentSpec.Version(b, stable.artifact(), stable.env(), n, stable.healthPath(), stable.heapMb()));
    }
    running.forEach((v, n) -> supervisor.scale(s.service(), specs.get(v), n));
    supervisor.retainVersions(s.service(), withLeaving(s.service(), running.keySet()));

    Status st = s.status() != null ? s.status() : new Status(null, null, null, null, null, null, null, null, null);
    Instant now = clock.instant();
    if (roles.candidate() == null) {
      settled(r, s, roles, st, now, idleSince);
    } else if (st.phase() == Phase.paused && Objects.equals(st.candidate(), roles.candidate())) {
      // traffic stays where it is until someone rolls back or promotes
    } else if ((supervisor.ready(s.service(), roles.candidate()) < s.version(roles.candidate()).effectiveInstances()
        || canary && supervisor.ready(s.service(), baselineOf(roles.stable())) < s.version(roles.candidate()).effectiveInstances())
        && !(st.phase() == Phase.progressing && Objects.equals(st.candidate(), roles.candidate()))) {
      weights(r, s, split(roles, 0));
      status(r, s, new Status(roles.stable(), roles.candidate(), roles.previous(), st.previousUntil(), Phase.starting, null, null,
          roles.candidate() + ": " + supervisor.ready(s.service(), roles.candidate()) + " of "
              + s.version(roles.candidate()).effectiveInstances() + " instances ready"
              + (canary ? ", baseline " + supervisor.ready(s.service(), baselineOf(roles.stable())) + " of "
                  + s.version(roles.candidate()).effectiveInstances() : ""), st.analysis()));
    } else if (blueGreen) {
      // every instance of the new version is UP and healthy: all of the service's traffic moves at once
      promote(r, s, roles, st.analysis(), now);
    } else if (!s.strategyType().equals(DeploymentSpec.CANARY)) {
      weights(r, s, split(roles, 0));
      status(r, s, new Status(roles.stable(), roles.candidate(), roles.previous(), st.previousUntil(), Phase.running, null, null,
          roles.candidate() + " runs beside " + roles.stable() + " and takes no traffic until promoted", st.analysis()));
    } else {
      canary(r, s, roles, st, now);
    }
  }

  /**
   * {@code running} and the versions that left it less than {@link #LEAVE_DELAY} ago: a version's
   * weight leaves the route first, and its instances are drained only once every gateway has had
   * time to take the new route, so that none sends a request to a version with no instance UP.
   */
  private Set<String> withLeaving(String service, Set<String> running) {
    Instant now = clock.instant();
    Set<String> keep = new HashSet<>(running);
    for (SupervisedInstance i : supervisor.instances(service)) {
      String key = service + "/" + i.version();
      if (running.contains(i.version())) {
        leaving.remove(key);
        continue;
      }
      if (now.isBefore(leaving.computeIfAbsent(key, k -> now).plus(LEAVE_DELAY))) keep.add(i.version());
    }
    return keep;
  }

  /**
   * When the last request for the service was, if that is longer ago than its {@code idle.after}:
   * then its serving version runs no instance. Only a settled deployment (no candidate) goes to zero.
   */
  private Instant idleSince(Resource r, DeploymentSpec s, Rollouts.Roles roles) {
    if (s.idle() == null || s.idle().after() == null || roles.candidate() != null) {
      readySince.remove(r.name());
      return null;
    }
    Instant now = clock.instant();
    Instant last = readySince.get(r.name());
    if (last == null) {
      // The idle period counts from when the version first serves: a slow start is not idleness.
      if (supervisor.ready(s.service(), roles.stable()) < s.version(roles.stable()).effectiveInstances()) return null;
      last = now;
      readySince.put(r.name(), now);
    }
    RequestActivity.Seen seen = activity.get().get(s.service());
    if (seen != null && seen.lastRequestMillis() > last.toEpochMilli()) last = Instant.ofEpochMilli(seen.lastRequestMillis());
    return now.isAfter(last.plus(s.idle().after())) ? last : null;
  }

  private DeploymentSpec.ColdStart coldStart(DeploymentSpec s, Status st) {
    RequestActivity.Seen seen = activity.get().get(s.service());
    if (seen == null || seen.coldStartMillis() < 0) return st.coldStart();
    return new DeploymentSpec.ColdStart(Instant.ofEpochMilli(seen.coldStartAtMillis()).toString(), seen.coldStartMillis());
  }

  /** No candidate: the stable version takes the traffic; the previous one is stopped when its time is up. */
  private void settled(Resource r, DeploymentSpec s, Rollouts.Roles roles, Status st, Instant now, Instant idleSince) {
    if (roles.previous() != null && st.previousUntil() != null && !now.isBefore(Instant.parse(st.previousUntil()))) {
      weights(r, s, Map.of(roles.stable(), 100));
      List<DeploymentSpec.Version> keep = s.versions().stream().filter(v -> !v.version().equals(roles.previous())).toList();
      write(new Resource(r.kind(), r.name(), r.version(), s.withVersions(keep).withStatus(new Status(roles.stable(), null, null, null,
          st.phase() == Phase.promoted ? Phase.promoted : Phase.stable, null, null,
          roles.previous() + " stopped after keepPrevious", st.analysis()))));
      return;
    }
    if (idleSince != null) {
      // At zero: the route keeps its weights, and gateways hold the next request until an instance is up.
      Phase phase = st.phase() == Phase.promoted || st.phase() == Phase.rolledBack ? st.phase() : Phase.stable;
      status(r, s, new Status(roles.stable(), null, roles.previous(), roles.previous() == null ? null : st.previousUntil(), phase,
          null, null, roles.stable() + " at zero: no request since " + idleSince.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
              + " (idle after " + Durations.format(s.idle().after()) + "); the next request starts it", st.analysis(),
          coldStart(s, st), null));
      return;
    }
    int wanted = s.version(roles.stable()).effectiveInstances();
    if ((st.phase() == null || st.phase() == Phase.starting) && supervisor.ready(s.service(), roles.stable()) < wanted) {
      // a first version: the route is left alone until it serves
      status(r, s, new Status(roles.stable(), null, null, null, Phase.starting, null, null, roles.stable() + ": "
          + supervisor.ready(s.service(), roles.stable()) + " of " + wanted + " instances ready", null));
      return;
    }
    Map<String, Integer> w = new LinkedHashMap<>();
    w.put(roles.stable(), 100);
    if (roles.previous() != null) w.put(roles.previous(), 0);
    weights(r, s, w);
    Phase phase = st.phase() == Phase.promoted || st.phase() == Phase.rolledBack ? st.phase() : Phase.stable;
    String reason = phase == Phase.stable ? roles.stable() + " serves" : st.reason();
    if (reason != null && reason.contains(" at zero: ")) reason = roles.stable() + " serves (woken by a request)";
    status(r, s, new Status(roles.stable(), null, roles.previous(), roles.previous() == null ? null : st.previousUntil(), phase,
        null, null, reason, st.analysis(), s.idle() != null ? coldStart(s, st) : null, null));
  }

  private void canary(Resource r, DeploymentSpec s, Rollouts.Roles roles, Status st, Instant now) {
    List<DeploymentSpec.Step> steps = s.strategy().steps();
    String key = r.name() + "/" + roles.candidate();
    if (st.phase() != Phase.progressing || !Objects.equals(st.candidate(), roles.candidate()) || st.step() == null) {
      enterStep(r, s, roles, st, 0, null);
      return;
    }
    int i = st.step();
    DeploymentSpec.Step step = steps.get(Math.min(i, steps.size() - 1));
    Instant started = Instant.parse(st.stepStarted());
    if (now.isBefore(started.plus(step.effectiveHold()))) return;
    Instant again = nextJudgement.get(key + "/" + i);
    if (again != null && now.isBefore(again)) return;
    // The start of a step is not judged: gateways are taking the new weights, fresh instances warm up.
    Duration skip = settle(step.effectiveHold());
    // On the first step the canary is cold too.
    Duration warmup = s.strategy().effectiveAnalysis().warmup();
    if (i == 0 && warmup.compareTo(skip) > 0) skip = warmup;
    Instant from = started.plus(skip);
    // judged over at least half a hold (at most MAX_SETTLE) of requests
    if (Duration.between(from, now).compareTo(settle(step.effectiveHold())) < 0) return;
    // The fresh baseline takes as much traffic as the canary while it can (up to 50%). At 100% it takes
    // none: the canary is compared with the baseline's traffic in the hold before the step.
    int w = step.weight();
    int b = baselineWeight(w);
    Duration before = i > 0 ? steps.get(i - 1).effectiveHold() : step.effectiveHold();
    String baseline = b > 0 || (i > 0 && baselineWeight(steps.get(i - 1).weight()) > 0) ? baselineOf(roles.stable()) : roles.stable();
    Instant baselineFrom = b == 0 ? started.minus(before).plus(settle(before)) : from;
    Instant baselineTo = b == 0 ? started : now;
    int expected = b == 0 ? 100 : (int) Math.round(100.0 * w / (w + b));
    Judgement j = judge(s, roles.candidate(), baseline, w, expected, i, from, now, baselineFrom, baselineTo);
    switch (j.verdict()) {
      case Judgement.PASS -> {
        noData.remove(key + "/" + i);
        if (i + 1 < steps.size()) enterStep(r, s, roles, st, i + 1, j);
        else promote(r, s, roles, j, now);
      }
      case Judgement.FAIL -> {
        String why = "step " + (i + 1) + " at " + step.weight() + "% failed: " + failures(j);
        if (DeploymentSpec.Analysis.PAUSE.equals(s.strategy().effectiveAnalysis().onFailure())) {
          status(r, s, new Status(roles.stable(), roles.candidate(), roles.previous(), st.previousUntil(), Phase.paused, i,
              st.stepStarted(), why + "; paused (onFailure: pause)", j));
        } else {
          log.warn("deployment {}: {}; rolling back", r.name(), why);
          written.put(r.name(), r.version() + 1);
          Rollouts.rollback(admin, r, "automatic rollback: " + why, j, clock);
        }
      }
      default -> {
        int n = noData.merge(key + "/" + i, 1, Integer::sum);
        if (n >= NO_DATA_HOLDS) {
          status(r, s, new Status(roles.stable(), roles.candidate(), roles.previous(), st.previousUntil(), Phase.paused, i,
              st.stepStarted(), "step " + (i + 1) + " had no data after " + n + " holds: " + j.metrics().get(0).reason(), j));
        } else {
          nextJudgement.put(key + "/" + i, now.plus(step.effectiveHold()));
          status(r, s, new Status(roles.stable(), roles.candidate(), roles.previous(), st.previousUntil(), Phase.progressing, i,
              st.stepStarted(), "step " + (i + 1) + ": no data yet (" + j.metrics().get(0).reason() + "); holding again", j));
        }
      }
    }
  }

  private void enterStep(Resource r, DeploymentSpec s, Rollouts.Roles roles, Status st, int i, Judgement last) {
    DeploymentSpec.Step step = s.strategy().steps().get(i);
    weights(r, s, split(roles, step.weight(), baselineWeight(step.weight())));
    int n = s.strategy().steps().size();
    status(r, s, new Status(roles.stable(), roles.candidate(), roles.previous(), st.previousUntil(), Phase.progressing, i,
        clock.instant().toString(), "step " + (i + 1) + " of " + n + ": " + step.weight() + "% to " + roles.candidate()
            + " for " + Durations.format(step.effectiveHold()), last != null ? last : st.analysis()));
  }

  private void promote(Resource r, DeploymentSpec s, Rollouts.Roles roles, Judgement j, Instant now) {
    Duration keep = s.effectiveKeepPrevious();
    Map<String, Integer> w = new LinkedHashMap<>();
    w.put(roles.candidate(), 100);
    w.put(roles.stable(), 0);
    weights(r, s, w);
    log.info("deployment {}: {} promoted", r.name(), roles.candidate());
    boolean blueGreen = s.strategyType().equals(DeploymentSpec.BLUE_GREEN);
    String how = blueGreen ? roles.candidate() + " healthy (" + s.version(roles.candidate()).effectiveInstances()
        + " instances), all traffic switched to it; " + roles.stable() + " kept (all instances)"
        : roles.candidate() + " promoted; " + roles.stable() + " kept (one instance)";
    status(r, s, new Status(roles.candidate(), null, roles.stable(), now.plus(keep).toString(), Phase.promoted, null, null,
        how + " until " + now.plus(keep), j));
  }

  private Judgement judge(DeploymentSpec s, String canary, String baseline, int weight, int expectedShare, int step,
                          Instant from, Instant to, Instant baselineFrom, Instant baselineTo) {
    DeploymentSpec.Analysis a = s.strategy().effectiveAnalysis();
    if (spans == null) {
      return CanaryJudge.judge(List.of(), List.of(), weight, expectedShare, step, a, to);
    }
    try {
      return CanaryJudge.judge(spans.samples(s.service(), canary, from, to),
          spans.samples(s.service(), baseline, baselineFrom, baselineTo), weight, expectedShare, step, a, to);
    } catch (java.io.IOException e) {
      note(s.service(), "reading spans failed: " + e.getMessage());
      return CanaryJudge.judge(List.of(), List.of(), weight, expectedShare, step, a, to);
    }
  }

  /** The version name a fresh baseline of {@code stable} registers under. */
  public static String baselineOf(String stable) {
    return stable + DeploymentSpec.BASELINE_SUFFIX;
  }

  /** The fresh baseline's share beside a canary at {@code w}%: as much, while the stable version has it to give. */
  static int baselineWeight(int w) {
    return Math.min(w, 100 - w);
  }

  /** The part of a hold that is not judged: half of it, at most {@link #MAX_SETTLE}. */
  static Duration settle(Duration hold) {
    Duration half = hold.dividedBy(2);
    return half.compareTo(MAX_SETTLE) > 0 ? MAX_SETTLE : half;
  }

  private static String failures(Judgement j) {
    return String.join("; ", j.metrics().stream().filter(m -> Boolean.TRUE.equals(m.failed()))
        .map(m -> m.name() + " " + m.result() + " (" + m.reason() + ")").toList());
  }

  private static Map<String, Integer> split(Rollouts.Roles roles, int candidatePercent) {
    return split(roles, candidatePercent, 0);
  }

  private static Map<String, Integer> split(Rollouts.Roles roles, int candidatePercent, int baselinePercent) {
    Map<String, Integer> w = new LinkedHashMap<>();
    w.put(roles.stable(), 100 - candidatePercent - baselinePercent);
    if (baselinePercent > 0) w.put(baselineOf(roles.stable()), baselinePercent);
    w.put(roles.candidate(), candidatePercent);
    if (roles.previous() != null) w.put(roles.previous(), 0);
    return w;
  }

  /** Sets the split unless the route, as last seen, already has it. */
  private void weights(Resource r, DeploymentSpec s, Map<String, Integer> percents) {
    if (s.route() == null) return;
    Resource route = routes.get().get(s.route());
    if (route == null) throw new IllegalStateException("route " + s.route() + " does not exist; create it with a target {service: " + s.service() + "}");
    dev.ooda.model.RouteSpec old = route.spec(dev.ooda.model.RouteSpec.class);
    dev.ooda.model.RouteSpec next = RouteWeights.split(old, route.name(), s.service(), percents);
    if (next.equals(old)) return;
    // A rollback or promotion by hand writes the route first and the deployment just after: seen
    // between the two, the new route with the deployment as it was would have this tick move the
    // traffic back. So a route someone else wrote is left alone for a moment, until the write
    // that follows it has arrived; a hand edit is still overwritten then.
    Seen seen = routeSeen.get(route.name());
    if (seen == null || seen.version() != route.version()) {
      seen = new Seen(route.version(), clock.instant(), false);
      routeSeen.put(route.name(), seen);
    }
    if (!seen.ours() && clock.instant().isBefore(seen.at().plus(FOREIGN_ROUTE_GRACE))) throw new RouteNotSettled();
    long v = Rollouts.write(admin, new Resource(route.kind(), route.name(), route.version(), next));
    if (v > 0) routeSeen.put(route.name(), new Seen(v, clock.instant(), true));
  }

  private void status(Resource r, DeploymentSpec s, Status next) {
    if (next.equals(s.status())) return;
    write(new Resource(r.kind(), r.name(), r.version(), s.withStatus(next)));
  }

  private void write(Resource r) {
    long v = Rollouts.write(admin, r);
    if (v > 0) written.put(r.name(), v);
  }

  @Override
  public void close() {
    ticker.shutdownNow();
    try {
      ticker.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
