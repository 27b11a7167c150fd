package dev.ooda.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The versions of one service that the platform runs, and how traffic moves from one to the next.
 *
 * <pre>
 * kind: Deployment
 * name: catalog
 * spec:
 *   service: catalog
 *   route: catalog                  # the Route whose targets for the service the deployment weighs
 *   versions:
 *     - version: v1
 *       artifact: {jar: /srv/catalog-1.jar}
 *       instances: 2
 *     - version: v2
 *       artifact: {command: java, args: [-cp, "/srv/catalog-2/*", dev.ooda.examples.catalog.CatalogServer]}
 *       env: {CATALOG_DB: "secret:catalog-db", LOG_LEVEL: info}
 *       instances: 2
 *       healthPath: /health
 *       heapMb: 256
 *   strategy:
 *     type: canary
 *     steps: [{weight: 1, hold: 1m}, {weight: 10, hold: 2m}, {weight: 50, hold: 5m}, {weight: 100, hold: 5m}]
 *     analysis: {maxErrorRateIncrease: 0.01, maxLatencyIncrease: 0.2, alpha: 0.05, minRequests: 20, onFailure: rollback, warmup: 30s}
 *   keepPrevious: 10m
 *   schedule: {uptime: "Mon-Fri 08:00-19:00 Europe/Berlin"}   # dev/test: zero instances outside
 *   status: {...}                   # written by the supervisor
 * </pre>
 *
 * The last version listed is the one being rolled out; the version the status calls {@code stable}
 * serves the service's traffic until it is promoted.
 *
 * @param service      the service whose instances are started; one Deployment per service
 * @param route        the Route whose targets for {@code service} the deployment weighs by version;
 *                     required for {@code canary}; without it traffic goes wherever the routes say
 * @param versions     the versions to run, oldest first
 * @param strategy     how the last version takes over; {@code sideBySide} by default
 * @param keepPrevious how long the version a promotion replaced keeps running (one instance), for
 *                     an instant rollback; default 10m, 0 stops it at once
 * @param idle         when set, the serving version scales to zero after this long without requests
 *                     through the gateway, and the gateway holds the first request while it starts again
 * @param status       where the rollout stands; written by the supervisor, never by hand
 * @param schedule     when the deployment runs, for dev and test environments; always when absent
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record DeploymentSpec(
    String service, String route, List<Version> versions, Strategy strategy, Duration keepPrevious, Idle idle, Status status,
    Schedule schedule)
    implements Spec {

  public static final Kind<DeploymentSpec> KIND =
      Kind.of("Deployment", "deployments", DeploymentSpec.class, DeploymentSpec::check)
          .withUniqueKey("spec.service", DeploymentSpec::service);

  public static final String SIDE_BY_SIDE = "sideBySide";
  public static final String CANARY = "canary";
  public static final String BLUE_GREEN = "blueGreen";
  public static final Duration DEFAULT_KEEP_PREVIOUS = Duration.ofMinutes(10);
  public static final Duration DEFAULT_HOLD = Duration.ofMinutes(1);
  public static final int MAX_INSTANCES = 100;
  /**
   * What a canary's fresh baseline adds to the stable version's name: instances of the stable
   * version started beside the canary, as many, so that both compare cold (Netflix's automated
   * canary analysis does the same).
   */
  public static final String BASELINE_SUFFIX = "-baseline";

  public DeploymentSpec {
    versions = versions == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(versions));
  }

  /** Without scaling to zero or a schedule. */
  public DeploymentSpec(String service, String route, List<Version> versions, Strategy strategy, Duration keepPrevious,
                        Status status) {
    this(service, route, versions, strategy, keepPrevious, null, status, null);
  }

  /**
   * Scale to zero: {@code idle: {after: 10m}}.
   *
   * @param after how long without a request through the gateway before the serving version's
   *              instances are stopped; at least {@link #MIN_IDLE}
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Idle(Duration after) {}

  public static final Duration MIN_IDLE = Duration.ofSeconds(5);

  /**
   * When a dev or test environment runs, in the manner of kube-downscaler: outside {@code uptime}
   * every version is scaled to zero instances, and back when the uptime starts again.
   *
   * @param uptime  when it runs, e.g. {@code Mon-Fri 08:00-19:00 Europe/Berlin} (see {@link Uptime})
   * @param exclude true: the schedule does not apply, the deployment runs at all times
   * @param forceUp an instant (ISO-8601, e.g. {@code 2026-12-03T22:00:00Z}) until which the deployment
   *                runs whatever the uptime says: for the evening before a demo
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Schedule(String uptime, Boolean exclude, String forceUp) {
    /** Why the deployment is down at {@code now}, e.g. {@code outside uptime Mon-Fri 08:00-19:00 Europe/Berlin}; null when it runs. */
    public String downReason(java.time.Instant now) {
      if (Boolean.TRUE.equals(exclude) || uptime == null) return null;
      if (forceUp != null && now.isBefore(java.time.Instant.parse(forceUp))) return null;
      Uptime u = Uptime.parse(uptime);
      return u.isUp(now) ? null : "outside uptime " + u;
    }
  }

  /**
   * One version of the service.
   *
   * @param version    its name, e.g. {@code v2}; instances register with it and routes split by it
   * @param artifact   what to run
   * @param env        environment of each instance; a value {@code secret:NAME} is replaced by the
   *                   value of secret NAME, which the service must own
   * @param instances  how many to run; default 1
   * @param healthPath the HTTP path that answers 200 once an instance takes traffic; default {@code /health}
   * @param heapMb     the JVM heap of each instance ({@code -Xmx}), for a jar; default 128
   */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record Version(String version, Artifact artifact, Map<String, String> env, Integer instances,
                        String healthPath, Integer heapMb) {
    public static final int DEFAULT_HEAP_MB = 128;

    public Version {
      env = env == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(env));
    }

    @JsonIgnore
    public int effectiveInstances() {
      return instances == null ? 1 : instances;
    }

    @JsonIgnore
    public String effectiveHealthPath() {
      return healthPath == null ? Health.PATH : healthPath;
    }

    @JsonIgnore
    public int effectiveHeapMb() {
      return heapMb == null ? DEFAULT_HEAP_MB : heapMb;
    }
  }

  /**
   * What an instance runs: exactly one of an executable {@code jar} (run as {@code java -Xmx.. -jar
   * JAR ARGS}) and a {@code command} with its {@code args}. An argument {@code {port}} is replaced by
   * the instance's port (also in {@code OODA_PORT}).
   */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record Artifact(String jar, String command, List<String> args) {
    public Artifact {
      args = args == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(args));
    }
  }

  /** How the last version takes over. */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record Strategy(String type, List<Step> steps, Analysis analysis) {
    public Strategy {
      steps = steps == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(steps));
    }

    @JsonIgnore
    public Analysis effectiveAnalysis() {
      return analysis == null ? Analysis.DEFAULTS : analysis.withDefaults();
    }
  }

  /** A canary step: the new version's share of the service's traffic, in percent, held for {@code hold}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Step(Integer weight, Duration hold) {
    @JsonIgnore
    public Duration effectiveHold() {
      return hold == null ? DEFAULT_HOLD : hold;
    }
  }

  /**
   * How a canary step is judged, comparing the new version (canary) with the stable one (baseline)
   * over the step's hold.
   *
   * @param maxErrorRateIncrease how much higher the canary's error rate may be, absolute (0.01 = one point); default 0.01
   * @param maxLatencyIncrease   how much higher the canary's median latency may be, relative (0.2 = 20%),
   *                             when Mann-Whitney U finds the distributions differ; default 0.2
   * @param alpha                the significance level of the latency test; default 0.05
   * @param minRequests          requests each side needs before anything is judged; default 20
   * @param onFailure            {@code rollback} (default) or {@code pause}
   * @param warmup               how long after the first step starts the canary's requests are not judged: a
   *                             fresh JVM is slower than one that has served for hours; default 30s
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Analysis(Double maxErrorRateIncrease, Double maxLatencyIncrease, Double alpha, Integer minRequests,
                         String onFailure, Duration warmup) {
    public static final String ROLLBACK = "rollback";
    public static final String PAUSE = "pause";
    public static final Analysis DEFAULTS = new Analysis(0.01, 0.2, 0.05, 20, ROLLBACK, Duration.ofSeconds(30));

    public Analysis withDefaults() {
      return new Analysis(
          maxErrorRateIncrease == null ? DEFAULTS.maxErrorRateIncrease : maxErrorRateIncrease,
          maxLatencyIncrease == null ? DEFAULTS.maxLatencyIncrease : maxLatencyIncrease,
          alpha == null ? DEFAULTS.alpha : alpha,
          minRequests == null ? DEFAULTS.minRequests : minRequests,
          onFailure == null ? DEFAULTS.onFailure : onFailure,
          warmup == null ? DEFAULTS.warmup : warmup);
    }
  }

  /**
   * Where the rollout stands, written by the supervisor.
   *
   * @param stable        the version that serves the service's traffic
   * @param candidate     the version being rolled out, if any
   * @param previous      the version a promotion replaced, kept running until {@code previousUntil}
   * @param previousUntil when the previous version is stopped (ISO-8601)
   * @param phase         see {@link Phase}
   * @param step          the canary step in force, from 0
   * @param stepStarted   when that step's weights were set (ISO-8601)
   * @param reason        why the rollout is in this phase
   * @param analysis      the last judgement of a canary step
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Status(String stable, String candidate, String previous, String previousUntil, Phase phase,
                       Integer step, String stepStarted, String reason, Judgement analysis, ColdStart coldStart, String down) {
    public Status(String stable, String candidate, String previous, String previousUntil, Phase phase,
                  Integer step, String stepStarted, String reason, Judgement analysis) {
      this(stable, candidate, previous, previousUntil, phase, step, stepStarted, reason, analysis, null, null);
    }

    /** This status with the deployment scaled to zero for {@code why}, or running again when null. */
    public Status withDown(String why) {
      return new Status(stable, candidate, previous, previousUntil, phase, step, stepStarted, reason, analysis, coldStart, why);
    }

    /** This status with the last start from zero. */
    public Status withColdStart(ColdStart c) {
      return new Status(stable, candidate, previous, previousUntil, phase, step, stepStarted, reason, analysis, c, down);
    }
  }

  /**
   * The last start from zero, as a gateway measured it.
   *
   * @param at     when the held request got its first byte (ISO-8601)
   * @param millis from the first held request to its first byte
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ColdStart(String at, Long millis) {}

  /** The phases of a rollout. */
  public enum Phase {
    /** the new version's instances are starting */
    starting,
    /** side by side: the new version runs and takes no traffic until it is promoted */
    running,
    /** a canary step is held */
    progressing,
    /** a step could not be judged, or failed with {@code onFailure: pause}: traffic stays where it is */
    paused,
    /** the new version took all traffic */
    promoted,
    /** traffic went back to the stable version and the new one was stopped */
    rolledBack,
    /** one version, serving */
    stable
  }

  /**
   * The judgement of one canary step.
   *
   * @param verdict {@code pass}, {@code fail} or {@code noData}
   */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record Judgement(String at, Integer step, Integer weight, String verdict, List<Metric> metrics) {
    public static final String PASS = "pass";
    public static final String FAIL = "fail";
    public static final String NO_DATA = "noData";

    public Judgement {
      metrics = metrics == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(metrics));
    }
  }

  /**
   * One metric's comparison.
   *
   * @param name     {@code errorRate}, {@code latency} or {@code requestRate}
   * @param result   {@code pass}, {@code high}, {@code low} or {@code noData}
   * @param failed   whether this result fails the step
   * @param canary   the canary's figure, as text
   * @param baseline the baseline's figure, as text
   * @param reason   why, in words
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Metric(String name, String result, Boolean failed, String canary, String baseline, String reason) {}

  /** The version named {@code name}, or null. */
  public Version version(String name) {
    for (Version v : versions) if (v.version().equals(name)) return v;
    return null;
  }

  @JsonIgnore
  public String strategyType() {
    return strategy == null || strategy.type() == null ? SIDE_BY_SIDE : strategy.type();
  }

  @JsonIgnore
  public Duration effectiveKeepPrevious() {
    return keepPrevious == null ? DEFAULT_KEEP_PREVIOUS : keepPrevious;
  }

  public DeploymentSpec withStatus(Status s) {
    return new DeploymentSpec(service, route, versions, strategy, keepPrevious, idle, s, schedule);
  }

  public DeploymentSpec withSchedule(Schedule sc) {
    return new DeploymentSpec(service, route, versions, strategy, keepPrevious, idle, status, sc);
  }

  public DeploymentSpec withVersions(List<Version> v) {
    return new DeploymentSpec(service, route, v, strategy, keepPrevious, idle, status, schedule);
  }

  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Set<String> TYPES = Set.of(SIDE_BY_SIDE, CANARY, BLUE_GREEN);

  static void check(DeploymentSpec s, Violations v) {
    String bad = Names.problem(s.service());
    if (bad != null) v.add("service", bad);
    if (s.route() != null) {
      String r = Names.problem(s.route());
      if (r != null) v.add("route", r + " (the name of a Route)");
    }
    v.check(!s.versions().isEmpty(), "versions", "needs at least one version");
    Set<String> names = new HashSet<>();
    for (int i = 0; i < s.versions().size(); i++) {
      Version ver = s.versions().get(i);
      Violations at = v.at("versions[" + i + "]");
      if (ver == null) { at.add("", "is empty"); continue; }
      String vb = Names.problem(ver.version());
      if (vb != null) at.add("version", vb);
      else if (ver.version().length() > Names.MAX_LENGTH - BASELINE_SUFFIX.length())
        at.add("version", "must be at most " + (Names.MAX_LENGTH - BASELINE_SUFFIX.length()) + " characters (its canary baseline adds "
            + BASELINE_SUFFIX + ")");
      else if (ver.version().endsWith(BASELINE_SUFFIX)) at.add("version", "must not end with " + BASELINE_SUFFIX + ": canary baselines are named so");
      else at.check(names.add(ver.version()), "version", "'" + ver.version() + "' is listed twice");
      checkArtifact(ver.artifact(), at.at("artifact"));
      if (ver.instances() != null)
        at.check(ver.instances() >= 0 && ver.instances() <= MAX_INSTANCES, "instances", "must be between 0 and " + MAX_INSTANCES);
      if (ver.healthPath() != null) at.check(ver.healthPath().startsWith("/"), "healthPath", "must start with '/'");
      if (ver.heapMb() != null) at.check(ver.heapMb() >= 16 && ver.heapMb() <= 65_536, "heapMb", "must be between 16 and 65536");
      ver.env().forEach((k, val) -> {
        if (!ENV_NAME.matcher(k).matches()) at.add("env." + k, "is not an environment variable name (letters, digits, '_')");
        else if (val == null) at.add("env." + k, "has no value");
        else if (k.startsWith("OODA_")) at.add("env." + k, "is set by the supervisor (names starting OODA_ are the platform's)");
        else if (val.startsWith(SecretSpec.REFERENCE_PREFIX)) {
          String sb = Names.problem(val.substring(SecretSpec.REFERENCE_PREFIX.length()));
          if (sb != null) at.add("env." + k, "names secret " + sb);
        }
      });
    }
    String type = s.strategyType();
    if (!TYPES.contains(type)) {
      v.add("strategy.type", "'" + type + "' must be one of " + SIDE_BY_SIDE + ", " + CANARY + ", " + BLUE_GREEN);
    }
    if (s.strategy() != null) {
      Strategy st = s.strategy();
      int last = 0;
      for (int i = 0; i < st.steps().size(); i++) {
        Step step = st.steps().get(i);
        Violations at = v.at("strategy.steps[" + i + "]");
        if (step == null || step.weight() == null) { at.add("weight", "is required (percent of traffic, 1 to 100)"); continue; }
        if (step.weight() < 1 || step.weight() > 100) at.add("weight", "must be between 1 and 100, is " + step.weight());
        else if (step.weight() <= last) at.add("weight", "must be more than the step before (" + last + ")");
        else last = step.weight();
        if (step.hold() != null) at.check(!step.hold().isNegative() && !step.hold().isZero(), "hold", "must be positive");
      }
      if (CANARY.equals(type)) v.check(!st.steps().isEmpty(), "strategy.steps", "a canary needs steps, e.g. [{weight: 10, hold: 1m}, {weight: 100, hold: 1m}]");
      if (st.analysis() != null) {
        Analysis a = st.analysis();
        Violations at = v.at("strategy.analysis");
        if (a.maxErrorRateIncrease() != null)
          at.check(a.maxErrorRateIncrease() >= 0 && a.maxErrorRateIncrease() <= 1, "maxErrorRateIncrease", "must be between 0 and 1");
        if (a.maxLatencyIncrease() != null) at.check(a.maxLatencyIncrease() >= 0, "maxLatencyIncrease", "must not be negative");
        if (a.alpha() != null) at.check(a.alpha() > 0 && a.alpha() < 1, "alpha", "must be between 0 and 1, exclusive");
        if (a.minRequests() != null) at.check(a.minRequests() >= 1, "minRequests", "must be at least 1");
        if (a.warmup() != null) at.check(!a.warmup().isNegative(), "warmup", "must not be negative");
        if (a.onFailure() != null)
          at.check(Analysis.ROLLBACK.equals(a.onFailure()) || Analysis.PAUSE.equals(a.onFailure()), "onFailure",
              "'" + a.onFailure() + "' must be rollback or pause");
      }
    }
    if (CANARY.equals(type)) v.check(s.route() != null, "route", "is required for a canary: the Route whose weights it moves");
    if (s.idle() != null)
      v.check(s.idle().after() != null && s.idle().after().compareTo(MIN_IDLE) >= 0, "idle.after",
          "is required and must be at least " + Durations.format(MIN_IDLE) + " (e.g. 10m)");
    if (BLUE_GREEN.equals(type)) v.check(s.route() != null, "route", "is required for blueGreen: the Route whose weights it switches");
    if (BLUE_GREEN.equals(type) && s.strategy() != null)
      v.check(s.strategy().steps().isEmpty(), "strategy.steps", "blueGreen has no steps: it switches all traffic at once");
    if (s.schedule() != null) {
      Schedule sc = s.schedule();
      Violations at = v.at("schedule");
      if (sc.uptime() == null) at.add("uptime", "is required, e.g. \"Mon-Fri 08:00-19:00 Europe/Berlin\"");
      else {
        try {
          Uptime.parse(sc.uptime());
        } catch (IllegalArgumentException e) {
          at.add("uptime", e.getMessage());
        }
      }
      if (sc.forceUp() != null) {
        try {
          java.time.Instant.parse(sc.forceUp());
        } catch (java.time.format.DateTimeParseException e) {
          at.add("forceUp", "'" + sc.forceUp() + "' must be an instant such as 2026-12-03T22:00:00Z");
        }
      }
    }
    if (s.keepPrevious() != null) v.check(!s.keepPrevious().isNegative(), "keepPrevious", "must not be negative");
  }

  private static void checkArtifact(Artifact a, Violations v) {
    if (a == null) {
      v.add("", "is required: {jar: FILE} or {command: PROGRAM, args: [...]}");
      return;
    }
    boolean jar = a.jar() != null && !a.jar().isBlank();
    boolean cmd = a.command() != null && !a.command().isBlank();
    if (jar == cmd) v.add("", "needs exactly one of jar, command");
    for (int i = 0; i < a.args().size(); i++) v.check(a.args().get(i) != null, "args[" + i + "]", "is empty");
  }
}
