package dev.ooda.cli;

import dev.ooda.control.client.ControlClient;
import dev.ooda.deploy.Rollouts;
import dev.ooda.deploy.RouteWeights;
import dev.ooda.examples.catalog.CatalogServer;
import dev.ooda.examples.monolith.Monolith;
import dev.ooda.examples.orders.OrdersServer;
import dev.ooda.model.DeploymentSpec;
import dev.ooda.model.ProblemException;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "demo", description = {"Run the platform with a sample shop and print a guided tour.",
    "Starts what `ooda up` starts (data in .ooda-demo, fresh each run), a monolith behind the gateway, two versions of",
    "catalog (v2 a 10% canary), orders on the data service and a few users' traffic; each step of the tour is a command."})
final class Demo implements Callable<Integer> {
  /** How long a demo part may take to start (a catalog JVM, the orders namespace). */
  static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  /** v2's canary step: long enough that v2 stays at 10% for the whole tour. */
  static final String CANARY_STEPS = "10:30m,100:1m";
  /**
   * The bad version's canary: held 20 s at 50%. The analysis judges the last 10 s; with the demo's
   * traffic (6 catalog requests/s) that is 10 canary requests or more even on a busy machine, hence
   * minRequests=10; no warmup, since its errors are not a cold JVM's.
   */
  static final String BAD_STEPS = "50:20s,100:10s";

  @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = ".ooda-demo",
      description = "Where the demo's platform keeps its data (default ${DEFAULT-VALUE}); emptied at start unless --keep.")
  Path dataDir;

  @Option(names = "--keep", description = "Keep what a previous demo stored in --data-dir instead of starting afresh.")
  boolean keep;

  @Option(names = "--requests-per-second", paramLabel = "N", defaultValue = "10",
      description = "The simulated users' requests per second through the gateway (default ${DEFAULT-VALUE}); with 0 the canary analysis of the tour's last step has no data.")
  int rate;

  @Option(names = "--zookeeper-port", defaultValue = "2181", description = "Embedded ZooKeeper port (default ${DEFAULT-VALUE}).")
  int zookeeperPort;
  @Option(names = "--control-port", defaultValue = "9900", description = "Admin API and console port (default ${DEFAULT-VALUE}).")
  int controlPort;
  @Option(names = "--gateway-port", defaultValue = "8080", description = "Gateway port (default ${DEFAULT-VALUE}).")
  int gatewayPort;
  @Option(names = "--gateway-management-port", defaultValue = "8081", description = "Gateway management port (default ${DEFAULT-VALUE}).")
  int gatewayManagementPort;
  @Option(names = "--traces-port", defaultValue = "9411", description = "Zipkin-compatible collector port (default ${DEFAULT-VALUE}).")
  int tracesPort;
  @Option(names = "--data-port", defaultValue = "8070", description = "Data service port (default ${DEFAULT-VALUE}).")
  int dataPort;

  @picocli.CommandLine.Mixin AccessLogs.Options accessLog;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (rate < 0 || rate > 1000) throw new picocli.CommandLine.ParameterException(spec.commandLine(),
        "--requests-per-second must be 0 to 1000, is " + rate);
    try (Platform p = new Platform(spec.commandLine().getOut())) {
      start(p, spec.commandLine().getOut());
      p.runUntilStopped("demo");
    }
    return 0;
  }

  /** Starts the platform and the shop into {@code p} and prints the tour; answers the tour's commands. */
  List<String> start(Platform p, PrintWriter out) throws Exception {
    if (!keep) empty(dataDir);
    Files.createDirectories(dataDir);
    Files.writeString(dataDir.resolve(MARK), "made by ooda demo: emptied by the next one\n");
    Up up = new Up();
    up.dataDir = dataDir;
    up.zookeeperPort = zookeeperPort;
    up.controlPort = controlPort;
    up.gatewayPort = gatewayPort;
    up.gatewayManagementPort = gatewayManagementPort;
    up.tracesPort = tracesPort;
    up.dataPort = dataPort;
    up.accessLog = accessLog;
    Up.Started s = up.start(p);
    ControlClient control = new ControlClient(URI.create(s.controlUrl()), s.adminToken());

    Monolith monolith = Monolith.start(0);
    p.add("monolith", monolith, monolith.url() + " (the legacy app, behind the gateway)");
    control.apply(resources(monolith.url()));
    // The orders service applies its namespace and waits until the data service serves it: meanwhile, catalog starts.
    CompletableFuture<OrdersServer> orders = CompletableFuture.supplyAsync(() -> OrdersServer.start(
        new OrdersServer.Options(0, s.controlUrl(), s.zookeeper(), s.adminToken(), "sqlite", null)));
    p.add(() -> orders.thenAccept(OrdersServer::close));

    String[] server = {"--server", s.controlUrl(), "--token", s.adminToken()};
    deploy(out, server, "v1");
    await("catalog v1 to serve", () -> phase(control) == DeploymentSpec.Phase.stable);
    deploy(out, server, "v2", "--strategy", "canary", "--steps", CANARY_STEPS, "--keep-previous", "0s");
    await("catalog v2 to take 10% of catalog's traffic", () -> phase(control) == DeploymentSpec.Phase.progressing
        && Double.valueOf(10.0).equals(RouteWeights.percents(Rollouts.readRoute(control, "catalog"), "catalog").get("v2")));
    OrdersServer o = orders.get();
    out.printf("%-10s %s%n", "orders", "on port " + o.port() + ", its rows in namespace orders of the data service");

    String gateway = "http://127.0.0.1:" + s.gatewayPort();
    p.add(new DemoTraffic(gateway, rate));
    out.printf("%-10s %s%n", "traffic", rate + " requests/s through " + gateway + " from " + DemoTraffic.USERS + " users (X-User-Id: user-N)");
    // as `ooda console --data-dir` prints it: the token in the fragment, which the browser never sends
    out.printf("%-10s %s%n", "sign in", s.controlUrl() + "/console/signin#token="
        + java.net.URLEncoder.encode(s.adminToken(), java.nio.charset.StandardCharsets.UTF_8));
    String tour = tour(s, gateway);
    out.println();
    out.print(tour);
    out.flush();
    return tour.lines().filter(l -> l.startsWith("   $ ")).map(l -> l.substring(5)).toList();
  }

  /** The shop's routes and the monolith's group; the catalog and orders register themselves. */
  static String resources(String monolithUrl) {
    return """
        kind: Service                  # the legacy app: a fixed endpoint; the gateway enforces its group
        name: monolith
        spec:
          endpoints: [{url: "%s"}]
          access:
            mode: enforce
            callers: [{service: gateway, methods: [GET, POST]}]
        ---
        kind: Route                    # everything goes to the monolith...
        name: monolith
        spec: {match: {pathPrefix: /}, to: [{service: monolith}]}
        ---
        kind: Route                    # ...but reviews, answered by the gateway until the service exists
        name: reviews-stub
        spec:
          match: {pathPrefix: /api/reviews}
          respond: {status: 200, headers: {X-Stub: "yes"}, body: '{"reviews":[],"servedBy":"gateway stub"}'}
        ---
        kind: Route                    # the catalog service: its Deployment moves the weights of its versions here
        name: catalog
        spec:
          match: {pathPrefix: /api/catalog}
          rewrite: {stripPrefix: /api/catalog}
          to: [{service: catalog}]
          sampleRate: 1.0              # every request traced: the canary analysis reads these spans
        ---
        kind: Route                    # orders: half the users on the new service, the other half on the monolith
        name: orders
        spec:
          match: {pathPrefix: /api/orders}
          rewrite: {stripPrefix: /api}
          to: [{service: monolith, weight: 50}, {service: orders, weight: 50}]
          sticky: {header: X-User-Id}  # one user always lands on the same side
        """.formatted(monolithUrl);
  }

  private void deploy(PrintWriter out, String[] server, String version, String... options) {
    List<String> args = new ArrayList<>(List.of("deploy", "catalog", "--version", version));
    args.addAll(List.of(options));
    args.addAll(List.of(server));
    args.addAll(catalogCommand());
    StringWriter said = new StringWriter();
    picocli.CommandLine cl = Main.commandLine("deploy");
    cl.setOut(new PrintWriter(said, true));
    cl.setErr(new PrintWriter(said, true));
    if (Main.run(cl, args.toArray(String[]::new)) != 0) throw new IllegalStateException("deploying catalog " + version + ": " + said);
    out.printf("%-10s %s%n", "catalog", said.toString().strip().replaceFirst("^deployment catalog: ", ""));
    out.flush();
  }

  /** {@code --command java -- -cp CLASSPATH CatalogServer}: the catalog from the jar (or classes) this command runs from. */
  static List<String> catalogCommand() {
    return List.of("--command", Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--",
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", classpath(), CatalogServer.class.getName());
  }

  private static String classpath() {
    return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .map(e -> Path.of(e).toAbsolutePath().toString()).collect(Collectors.joining(File.pathSeparator));
  }

  private static DeploymentSpec.Phase phase(ControlClient c) {
    try {
      DeploymentSpec.Status st = Rollouts.find(c, "catalog").spec(DeploymentSpec.class).status();
      return st == null ? null : st.phase();
    } catch (ProblemException e) {
      return null;
    }
  }

  private static void await(String what, BooleanSupplier done) throws InterruptedException {
    long until = System.nanoTime() + START_TIMEOUT.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > until) throw new IllegalStateException("waited " + START_TIMEOUT.toSeconds() + " s for " + what);
      Thread.sleep(200);
    }
  }

  /** Written into the data directory, so that a later run empties only a directory a demo made. */
  static final String MARK = "ooda-demo";

  /** Removes what an earlier demo stored, unless a demo still runs on it; refuses any other directory. */
  private static void empty(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) return;
    try (Stream<Path> list = Files.list(dir)) {
      if (list.findAny().isPresent() && !Files.exists(dir.resolve(MARK))) {
        throw new IllegalStateException("--data-dir " + dir + " holds files that a demo did not write: pass another directory, or --keep");
      }
    }
    Path lock = dir.resolve("lock");
    if (Files.exists(lock)) {
      try (FileChannel ch = FileChannel.open(lock, StandardOpenOption.WRITE); FileLock l = ch.tryLock()) {
        if (l == null) throw new IllegalStateException("another ooda runs on " + dir + "; stop it or pass --data-dir");
      }
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path f : all.sorted(Comparator.reverseOrder()).toList()) Files.delete(f);
    }
  }

  /** The tour: each step a few commands to type, each with what it shows. */
  String tour(Up.Started s, String gateway) {
    String dir = dataDir.toString();
    String to = "--data-dir " + quote(dir) + (s.controlUrl().equals("http://127.0.0.1:9900") ? "" : " --server " + s.controlUrl());
    String traces = s.tracesPort() == 9411 ? "" : " --traces http://127.0.0.1:" + s.tracesPort();
    String deployBad = "bin/ooda deploy catalog --version v3 --env CATALOG_FAIL_PERCENT=50 --strategy canary --steps " + BAD_STEPS
        + " --analysis warmup=0s --analysis minRequests=10 --wait " + to + " "
        + catalogCommand().stream().map(Demo::quote).collect(Collectors.joining(" "));
    String console = s.controlUrl() + "/console/";
    return String.join("\n",
        "Tour: type these in another terminal (each line under a command says what it shows).",
        "",
        "1. The gateway in front of the monolith: every path goes to the legacy app unless a route says otherwise.",
        "   $ curl -s " + gateway + "/",
        "       the monolith's home page",
        "   $ bin/ooda get routes " + to,
        "       the routes: monolith takes /, reviews-stub, catalog and orders carve APIs out of it",
        "",
        "2. One API stubbed: reviews are answered by the gateway itself (a respond route) until the service exists.",
        "   $ curl -s " + gateway + "/api/reviews/lamp",
        "       {\"reviews\":[],\"servedBy\":\"gateway stub\"}",
        "",
        "3. A 10% canary: catalog v2 takes 10% of the catalog's traffic, a fresh baseline of v1 another 10% to be",
        "   compared with on equal terms, v1 the rest; each step is judged as it goes.",
        "   $ bin/ooda get deployments " + to,
        "       v1 stable, v2 canary at 10%, their instances and traffic shares",
        "   $ curl -s " + gateway + "/api/catalog/items",
        "       [] from catalog v1 or v2 (the service built on ooda-kit)",
        "",
        "4. A sticky A/B split: /api/orders goes half to the new orders service, half to the monolith, by user.",
        "   $ curl -s -H 'X-User-Id: ann' -H 'content-type: application/json' -d '{\"customer\":\"ann\",\"total\":12.50}' " + gateway + "/api/orders",
        "       ann's order, from the monolith (\"servedBy\":\"monolith\"), every time (her id's bucket is in the monolith's half)",
        "   $ curl -s -H 'X-User-Id: carl' -H 'content-type: application/json' -d '{\"customer\":\"carl\",\"total\":7.00}' " + gateway + "/api/orders",
        "       carl's order, from the orders service (stored through the data service, with a version), every time",
        "",
        "5. Traces and the focused graph: who calls catalog, how often, how well; the same in the console.",
        "   $ bin/ooda traces deps catalog --lookback 1m" + traces,
        "       catalog's callers (the gateway) with requests/s, errors and p99 per edge",
        "   $ bin/ooda traces list catalog --limit 3" + traces,
        "       catalog's latest traces; `bin/ooda traces show ID` prints one as a tree",
        "   $ bin/ooda console " + to,
        "       the console's sign-in link; then " + console + "services/catalog?hops=2 and " + console + "traces",
        "",
        "6. A denied caller and why: the monolith's group lets the gateway GET and POST, nothing else.",
        "   $ curl -s -X DELETE " + gateway + "/api/account",
        "       403 not-in-group, naming the rule that came nearest and the decision id",
        "   $ bin/ooda access check gateway monolith --method DELETE --path /api/account " + to,
        "       deny, and why; the console's access page lists the refusal",
        "",
        "7. A bad version rolled back by the canary analysis: promote v2, then deploy v3 with its error switch on.",
        "   $ bin/ooda deployments promote catalog " + to,
        "       all catalog traffic on v2; v1 stops (bin/ooda get deployments shows v2 alone)",
        "   $ " + deployBad,
        "       v3 at 50%: its errors fail the analysis, and it is rolled back by itself (about 30 s)",
        "   $ bin/ooda deployments analysis catalog " + to,
        "       the verdict: errorRate high (fails)",
        "",
        "Stop with Ctrl-C (the demo's instances stop with it). The console: " + console,
        "");
  }

  /** Quoted for a POSIX shell when needed. */
  static String quote(String word) {
    return word.matches("[A-Za-z0-9_./:=,%+@-]+") ? word : "'" + word.replace("'", "'\\''") + "'";
  }
}
