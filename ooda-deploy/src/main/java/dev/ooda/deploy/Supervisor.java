package dev.ooda.deploy;

import dev.ooda.control.client.ControlClient;
import dev.ooda.control.client.RegistryClient;
import dev.ooda.model.DeploymentSpec;
import dev.ooda.model.Instance;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs instances of services as child processes, each in its own directory
 * {@code <root>/<service>/<version>-<n>/} with its {@code stdout.log} and {@code stderr.log}
 * (capped, see {@link RotatingLogs}) and an {@link InstanceRecord}.
 *
 * <p>An instance is READY once the registry lists it UP on its port and its health path answers
 * 200. One that exits on its own is restarted after a backoff that doubles from half a second to
 * 30 s (reset once it has run a minute). One that is no longer wanted is drained: marked DRAINING
 * in the registry, given {@code drainDelay} for the gateways and clients to notice, sent SIGTERM
 * (the kit then finishes its requests in flight and deregisters), and SIGKILLed after
 * {@code grace}.
 *
 * <p>On start the supervisor adopts the live instances its records name (same pid, start time and
 * command line), and forgets the dead. Adopted instances that no deployment wants are stopped by
 * the first {@link #retainServices}: an instance is never started twice for one slot.
 */
public final class Supervisor implements Engine {
  private static final Logger log = LoggerFactory.getLogger(Supervisor.class);
  private static final List<String> NOT_INHERITED =
      List.of("OODA_TOKEN", "OODA_CREDENTIALS", "OODA_CLIENT_ID", "OODA_CLIENT_SECRET", "OODA_TOKEN_URL");
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
  private static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
  private static final Duration STABLE_RUN = Duration.ofMinutes(1);

  /**
   * @param root        where instance directories are, e.g. {@code .ooda/deploy}
   * @param control     the control plane's URL: instances get it as {@code OODA_SERVER}
   * @param adminToken  an admin token: to issue credentials and to drain instances in the registry
   * @param zookeeper   the ZooKeeper connect string instances discover other services through ({@code OODA_ZOOKEEPER}), or null
   * @param zipkin      the span collector's URL ({@code OODA_ZIPKIN}), or null
   * @param drainDelay  how long an instance stays DRAINING before SIGTERM; default 2s
   * @param grace       how long after SIGTERM before SIGKILL; default 15s (the kit gives requests in flight 10s)
   * @param logMaxBytes the size past which a log file is rotated; default 10 MB
   * @param logFiles    rotated copies kept of each log file; default 3
   * @param stopOnClose whether {@link #close()} stops the instances (else they run on, to be adopted)
   * @param issueIdentity whether each service gets a credential from the platform ({@code OODA_CREDENTIALS})
   */
  public record Options(Path root, URI control, String adminToken, String zookeeper, String zipkin, Duration drainDelay,
                        Duration grace, long logMaxBytes, int logFiles, boolean stopOnClose, boolean issueIdentity) {
    public static Options of(Path root, URI control, String adminToken) {
      return new Options(root, control, adminToken, null, null, Duration.ofSeconds(2), Duration.ofSeconds(15),
          10L << 20, 3, true, true);
    }

    public Options withPlatform(String zookeeper, String zipkin) {
      return new Options(root, control, adminToken, zookeeper, zipkin, drainDelay, grace, logMaxBytes, logFiles, stopOnClose, issueIdentity);
    }

    public Options withStop(Duration drainDelay, Duration grace) {
      return new Options(root, control, adminToken, zookeeper, zipkin, drainDelay, grace, logMaxBytes, logFiles, stopOnClose, issueIdentity);
    }

    public Options withLogs(long maxBytes, int files) {
      return new Options(root, control, adminToken, zookeeper, zipkin, drainDelay, grace, maxBytes, files, stopOnClose, issueIdentity);
    }

    public Options stopOnClose(boolean stop) {
      return new Options(root, control, adminToken, zookeeper, zipkin, drainDelay, grace, logMaxBytes, logFiles, stop, issueIdentity);
    }
  }

  private final Options options;
  private final RegistryClient registry;
  private final Identities identities;
  private final Map<String, Slot> slots = new HashMap<>();
  private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(1, daemon("ooda-supervisor"));
  private final ExecutorService stops = Executors.newCachedThreadPool(daemon("ooda-supervisor-stop"));
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2)).build();
  private volatile boolean closed;
  private volatile boolean jvmStopping;
  private final Thread shutdownHook = new Thread(() -> jvmStopping = true, "ooda-supervisor-shutdown");

  public Supervisor(Options options) throws IOException {
    this.options = options;
    Files.createDirectories(options.root());
    this.registry = new RegistryClient(options.control()).withAdminToken(options.adminToken());
    this.identities = options.issueIdentity()
        ? new Identities(new ControlClient(options.control(), options.adminToken()), options.control(), options.root()) : null;
    adopt();
    // Ctrl-C reaches the instances too (one process group): their exits while this JVM stops are no crashes.
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    timer.scheduleWithFixedDelay(this::checkStarting, 200, 300, TimeUnit.MILLISECONDS);
    timer.scheduleWithFixedDelay(this::rotateLogs, 5, 5, TimeUnit.SECONDS);
  }

  /** One place an instance runs: a service, a version and an index, with the process in it now. */
  private final class Slot {
    final String service;
    final String version;
    final int index;
    final Path dir;
    Launch launch;
    ProcessHandle process;
    int port;
    InstanceState state = InstanceState.STARTING;
    int restarts;
    Integer lastExit;
    boolean adopted;
    long startedAt;
    long readySince;
    int crashesInARow;

    Slot(String service, String version, int index) {
      this.service = service;
      this.version = version;
      this.index = index;
      this.dir = options.root().resolve(service).resolve(version + "-" + index);
    }

    String key() {
      return Supervisor.key(service, version, index);
    }

    SupervisedInstance view() {
      return new SupervisedInstance(service, version, index, process == null ? -1 : process.pid(), port, state, restarts,
          lastExit, adopted);
    }
  }

  private static String key(String service, String version, int index) {
    return service + "/" + version + "/" + index;
  }

  /**
   * Runs {@code count} instances of version {@code v} of {@code service}: starts the missing, stops
   * (with drain) those above the count.
   */
  public synchronized void scale(String service, DeploymentSpec.Version v, int count) {
    if (closed) return;
    Launch launch = Launch.of(service, v);
    for (int i = 0; i < count; i++) {
      Slot s = slots.get(key(service, v.version(), i));
      if (s == null) {
        s = new Slot(service, v.version(), i);
        s.launch = launch;
        slots.put(s.key(), s);
        start(s);
      } else {
        s.launch = launch;
        if (s.state == InstanceState.CRASHED && s.process == null) start(s);
      }
    }
    for (Slot s : List.copyOf(slots.values())) {
      if (s.service.equals(service) && s.version.equals(v.version()) && s.index >= count) stop(s);
    }
  }

  /** Stops the instances of {@code service} whose version is not in {@code versions}. */
  public synchronized void retainVersions(String service, Set<String> versions) {
    for (Slot s : List.copyOf(slots.values())) {
      if (s.service.equals(service) && !versions.contains(s.version)) stop(s);
    }
  }

  /** Stops the instances of every service not in {@code services}, adopted strays included. */
  public synchronized void retainServices(Set<String> services) {
    for (Slot s : List.copyOf(slots.values())) {
      if (!services.contains(s.service)) stop(s);
    }
  }

  /** The instances of {@code service} (all services when null), by version and index. */
  public synchronized List<SupervisedInstance> instances(String service) {
    return slots.values().stream().filter(s -> service == null || s.service.equals(service)).map(Slot::view)
        .sorted(Comparator.comparing(SupervisedInstance::service).thenComparing(SupervisedInstance::version)
            .thenComparingInt(SupervisedInstance::index)).toList();
  }

  /** Where the instance directories are: {@code <root>/<service>/<version>-<n>/}. */
  public Path root() {
    return options.root();
  }

  /** How many instances of the version are READY. */
  public synchronized int ready(String service, String version) {
    return (int) slots.values().stream()
        .filter(s -> s.service.equals(service) && s.version.equals(version) && s.state == InstanceState.READY).count();
  }

  /** The ports of the version's instances, READY or not. */
  public synchronized Set<Integer> ports(String service, String version) {
    Set<Integer> out = new java.util.HashSet<>();
    slots.values().stream().filter(s -> s.service.equals(service) && s.version.equals(version) && s.port > 0)
        .forEach(s -> out.add(s.port));
    return out;
  }

  /** Whether any instance of {@code service} is still being stopped. */
  public synchronized boolean stopping(String service, String version) {
    return slots.values().stream().anyMatch(s -> s.service.equals(service) && s.version.equals(version)
        && s.state == InstanceState.STOPPING);
  }

  private void start(Slot s) {
    try {
      Files.createDirectories(s.dir);
      int port = freePort();
      Launch l = s.launch;
      ProcessBuilder pb = new ProcessBuilder(l.commandFor(port)).directory(s.dir.toFile())
          .redirectOutput(ProcessBuilder.Redirect.appendTo(s.dir.resolve("stdout.log").toFile()))
          .redirectError(ProcessBuilder.Redirect.appendTo(s.dir.resolve("stderr.log").toFile()));
      Map<String, String> env = pb.environment();
      NOT_INHERITED.forEach(env::remove);
      env.putAll(identities != null ? identities.resolve(s.service, l.env()) : plain(l.env()));
      env.put("OODA_SERVICE", s.service);
      env.put("OODA_VERSION", s.version);
      env.put("OODA_PORT", Integer.toString(port));
      env.put("OODA_INSTANCE", s.service + "-" + s.version + "-" + s.index);
      env.put("OODA_SERVER", options.control().toString());
      if (options.zookeeper() != null) env.put("OODA_ZOOKEEPER", options.zookeeper());
      if (options.zipkin() != null) env.put("OODA_ZIPKIN", options.zipkin());
      if (identities != null) env.put("OODA_CREDENTIALS", identities.credentialsFile(s.service).toAbsolutePath().toString());
      // The heap of a command's JVM: the java launcher reads JDK_JAVA_OPTIONS (other programs ignore it).
      if (!l.jar()) env.put("JDK_JAVA_OPTIONS", "-Xmx" + l.heapMb() + "m");
      Process p = pb.start();
      s.process = p.toHandle();
      s.port = port;
      s.state = InstanceState.STARTING;
      s.adopted = false;
      s.startedAt = System.currentTimeMillis();
      s.readySince = 0;
      InstanceRecord.of(s.service, s.version, s.index, port, p.toHandle()).write(s.dir);
      log.info("started {} {} #{}: pid {} on port {}", s.service, s.version, s.index, p.pid(), port);
      ProcessHandle h = p.toHandle();
      p.onExit().thenAccept(done -> exited(s, h, done.exitValue()));
    } catch (Exception e) {
      log.warn("starting {} {} #{} failed: {}", s.service, s.version, s.index, e.toString());
      s.process = null;
      crashed(s, null);
    }
  }

  private static Map<String, String> plain(Map<String, String> env) {
    for (Map.Entry<String, String> e : env.entrySet()) {
      if (e.getValue().startsWith(dev.ooda.model.SecretSpec.REFERENCE_PREFIX))
        throw new IllegalStateException("env " + e.getKey() + " names a secret, which needs the platform's identity");
    }
    return env;
  }

  private synchronized void exited(Slot s, ProcessHandle h, Integer code) {
    if (closed || jvmStopping || s.process != h || s.state == InstanceState.STOPPING || s.state == InstanceState.STOPPED) return;
    log.warn("{} {} #{} (pid {}) exited with {}", s.service, s.version, s.index, h.pid(), code);
    s.process = null;
    crashed(s, code);
  }

  private void crashed(Slot s, Integer code) {
    s.state = InstanceState.CRASHED;
    s.lastExit = code;
    boolean ranLong = s.readySince > 0 && System.currentTimeMillis() - s.readySince > STABLE_RUN.toMillis();
    s.crashesInARow = ranLong ? 1 : s.crashesInARow + 1;
    long delay = Math.min(MAX_BACKOFF.toMillis(), FIRST_BACKOFF.toMillis() << Math.min(10, s.crashesInARow - 1));
    if (closed) return;
    timer.schedule(() -> {
      synchronized (Supervisor.this) {
        if (closed || slots.get(s.key()) != s || s.state != InstanceState.CRASHED || s.launch == null) return;
        s.restarts++;
        start(s);
      }
    }, delay, TimeUnit.MILLISECONDS);
  }

  /** Marks instances READY once the registry lists them UP on their port and their health check answers 200. */
  private void checkStarting() {
    List<Slot> starting;
    synchronized (this) {
      starting = slots.values().stream().filter(s -> s.state == InstanceState.STARTING && s.process != null).toList();
    }
    Map<String, List<Instance>> listed = new HashMap<>();
    for (Slot s : starting) {
      try {
        List<Instance> in = listed.computeIfAbsent(s.service, registry::instances);
        boolean up = in.stream().anyMatch(i -> i.port() == s.port && i.status() == Instance.Status.UP
            && (i.version() == null || i.version().equals(s.version)));
        String path = s.launch != null ? s.launch.healthPath() : dev.ooda.model.Health.PATH;
        if (up && healthy(s.port, path)) {
          synchronized (this) {
            if (s.state == InstanceState.STARTING) {
              s.state = InstanceState.READY;
              s.readySince = System.currentTimeMillis();
              log.info("{} {} #{} is ready (pid {}, port {})", s.service, s.version, s.index, s.process.pid(), s.port);
            }
          }
        }
      } catch (RuntimeException e) {
        // the registry is away: asked again on the next round
      }
    }
  }

  private boolean healthy(int port, String path) {
    try {
      HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
          .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding());
      return r.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Drains and stops the slot's process in the background, then forgets the slot. */
  private void stop(Slot s) {
    if (s.state == InstanceState.STOPPING || s.state == InstanceState.STOPPED) return;
    s.state = InstanceState.STOPPING;
    ProcessHandle h = s.process;
    stops.execute(() -> {
      try {
        if (h != null) drainAndStop(s.service, s.port, h);
      } finally {
        synchronized (Supervisor.this) {
          s.state = InstanceState.STOPPED;
          if (slots.get(s.key()) == s) slots.remove(s.key());
          try {
            Files.deleteIfExists(s.dir.resolve(InstanceRecord.FILE));
          } catch (IOException e) {
            // a record of a dead process is forgotten by the next adoption
          }
        }
      }
    });
  }

  private void drainAndStop(String service, int port, ProcessHandle h) {
    Instance listed = null;
    try {
      listed = registry.instances(service).stream().filter(i -> i.port() == port).findFirst().orElse(null);
      if (listed != null) registry.setStatus(service, listed.id(), Instance.Status.DRAINING);
    } catch (RuntimeException e) {
      log.debug("could not mark {} on port {} draining: {}", service, port, e.toString());
    }
    try {
      if (listed != null && h.isAlive()) Thread.sleep(options.drainDelay().toMillis());
      h.destroy();
      try {
        h.onExit().get(options.grace().toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        log.warn("{} pid {} did not stop within {}: killing it", service, h.pid(), options.grace());
        h.destroyForcibly();
        h.onExit().get(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      h.destroyForcibly();
    } catch (Exception e) {
      h.destroyForcibly();
    }
    if (listed != null) {
      try {
        if (registry.instances(service).stream().anyMatch(i -> i.port() == port)) registry.deregister(service, listed.id());
      } catch (RuntimeException e) {
        // its lease expires on its own
      }
    }
    log.info("stopped {} pid {} (port {})", service, h.pid(), port);
  }

  /** Takes over the live instances that the records under the root name; forgets the dead ones. */
  private void adopt() throws IOException {
    List<Path> dirs;
    try (Stream<Path> services = Files.list(options.root())) {
      dirs = services.filter(Files::isDirectory).flatMap(d -> {
        try (Stream<Path> inst = Files.list(d)) {
          return inst.filter(Files::isDirectory).toList().stream();
        } catch (IOException e) {
          return Stream.empty();
        }
      }).toList();
    }
    for (Path dir : dirs) {
      InstanceRecord r = InstanceRecord.read(dir).orElse(null);
      if (r == null) continue;
      ProcessHandle h = r.live().orElse(null);
      if (h == null) {
        Files.deleteIfExists(dir.resolve(InstanceRecord.FILE));
        continue;
      }
      Slot s = new Slot(r.service(), r.version(), r.index());
      s.process = h;
      s.port = r.port();
      s.adopted = true;
      s.startedAt = System.currentTimeMillis();
      synchronized (this) {
        slots.put(s.key(), s);
      }
      h.onExit().thenAccept(done -> exited(s, h, null));
      log.info("adopted {} {} #{}: pid {} on port {}", s.service, s.version, s.index, h.pid(), s.port);
    }
  }

  private void rotateLogs() {
    List<Path> dirs;
    synchronized (this) {
      dirs = slots.values().stream().map(s -> s.dir).toList();
    }
    for (Path d : dirs) {
      RotatingLogs.rotateIfLarge(d.resolve("stdout.log"), options.logMaxBytes(), options.logFiles());
      RotatingLogs.rotateIfLarge(d.resolve("stderr.log"), options.logMaxBytes(), options.logFiles());
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * Stops the instances with drain when {@link Options#stopOnClose}, else leaves them running for
   * the next supervisor on this root to adopt.
   */
  @Override
  public void close() {
    List<CompletableFuture<Void>> done = new ArrayList<>();
    synchronized (this) {
      if (closed) return;
      closed = true;
      if (options.stopOnClose()) {
        for (Slot s : List.copyOf(slots.values())) {
          ProcessHandle h = s.process;
          s.state = InstanceState.STOPPING;
          if (h != null) done.add(CompletableFuture.runAsync(() -> drainAndStop(s.service, s.port, h), stops));
        }
      }
    }
    CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).join();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException stopping) {
      // the JVM is already stopping
    }
    timer.shutdownNow();
    stops.shutdown();
  }
}
