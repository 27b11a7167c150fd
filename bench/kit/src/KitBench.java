import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.server.annotation.Get;
import dev.ooda.control.AdminToken;
import dev.ooda.control.ControlPlane;
import dev.ooda.control.EmbeddedZooKeeper;
import dev.ooda.control.client.ControlClient;
import dev.ooda.control.client.ServiceCredentials;
import dev.ooda.control.client.TokenSource;
import dev.ooda.control.identity.CredentialStore;
import dev.ooda.kit.Codec;
import dev.ooda.kit.InMemoryRegistry;
import dev.ooda.kit.Kit;
import dev.ooda.kit.OodaClient;
import dev.ooda.kit.OodaService;
import dev.ooda.kit.RemoteProblemException;
import dev.ooda.model.Instance;
import dev.ooda.model.ResourceCodec;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.HdrHistogram.Recorder;
import org.HdrHistogram.Histogram;

/**
 * One call through OodaClient against the same call through a raw Armeria WebClient, to the same
 * server in another process, over loopback. Both read the answer into a record. Each caller makes
 * the kinds of call in turn, so that drift (JIT, GC, a noisy neighbour) hits them alike. With
 * {@code --access}, also the same OodaClient call to a service that enforces its group (token
 * verified, caller decided) against the call to one without access control.
 */
public final class KitBench {
  private static final String RAW = "raw WebClient (JSON)";
  private static final String JSON = "OodaClient (JSON)";
  private static final String CHECKED = "OodaClient (JSON, token checked)";
  /** The callee that enforces its group in {@code --access} runs, and the one without a group. */
  private static final String ENFORCED = "catalog";
  private static final String OPEN = "catalog-open";
  private static final String CALLER = "checkout";

  /** catalog lets checkout in, and nobody else; catalog-open has no group. */
  private static final String SERVICES = """
      kind: Service
      name: catalog
      spec:
        access:
          mode: enforce
          callers: [{service: checkout}]
      ---
      kind: Service
      name: catalog-open
      spec: {}
      """;

  public record Item(String id, String name, long priceCents) {}

  public static final class Api {
    private static final Item ITEM = new Item("lamp", "Desk lamp", 2_999);

    @Get("/items/lamp")
    public Item lamp() {
      return ITEM;
    }
  }

  /** One kind of call, and what the bench compares it with (null for none) and its target. */
  private record Kind(String name, Supplier<CompletableFuture<?>> call, String baseline, double targetPercent) {}

  public static void main(String[] args) throws Exception {
    List<String> rest = new ArrayList<>(List.of(args));
    boolean access = rest.remove("--access");
    if (rest.equals(List.of("--serve"))) {
      serve(access);
      return;
    }
    Map<String, String> opt = new LinkedHashMap<>(Map.of("--warmup", "60", "--duration", "60", "--rounds", "30",
        "--clients", "4", "--sample-rate", "1.0", "--only", ""));
    for (int i = 0; i < rest.size(); i += 2) {
      if (!opt.containsKey(rest.get(i))) throw new IllegalArgumentException("unknown option " + rest.get(i));
      if (i + 1 >= rest.size()) throw new IllegalArgumentException("option " + rest.get(i) + " needs a value");
      opt.put(rest.get(i), rest.get(i + 1));
    }
    int warmup = Integer.parseInt(opt.get("--warmup"));
    int duration = Integer.parseInt(opt.get("--duration"));
    int rounds = Integer.parseInt(opt.get("--rounds"));
    int clients = Integer.parseInt(opt.get("--clients"));
    float sampleRate = Float.parseFloat(opt.get("--sample-rate"));
    System.out.printf("kit bench: warm-up %ds, measure %ds in %d rounds, %d concurrent callers, trace sample rate %.2f%s%n",
        warmup, duration, rounds, clients, sampleRate, access ? ", with access control" : "");

    // The server is its own process, as a callee is in production: in one JVM, client and server
    // would share event loops, and whether a connection's two ends land on the same thread (no
    // wake-up between them) would decide the latency more than the client's own work does.
    Process serverProcess = startServer(access);
    Kit callerKit = null;
    try {
      BufferedReader server = new BufferedReader(new InputStreamReader(serverProcess.getInputStream(), StandardCharsets.UTF_8));
      int port = Integer.parseInt(line(server));
      InMemoryRegistry registry = new InMemoryRegistry();
      // Without --access the one callee is catalog; with it, the calls without access control go to catalog-open.
      String plain = access ? OPEN : ENFORCED;
      registry.set(plain, List.of(instance(plain, port)));
      Kit.Builder kb = Kit.builder(CALLER).registry(registry).sampleRate(sampleRate);
      int enforcedPort = -1;
      if (access) {
        enforcedPort = Integer.parseInt(line(server));
        String controlUrl = line(server);
        JsonNode c = ResourceCodec.json().readTree(line(server));
        registry.set(ENFORCED, List.of(instance(ENFORCED, enforcedPort)));
        kb.credentials(new ServiceCredentials(c.get("service").asText(), c.get("client_id").asText(),
            c.get("client_secret").asText(), URI.create(c.get("token_url").asText())));
        System.out.printf("access: %s enforces its group (callers: %s), %s has none; control plane %s, credential %s%n",
            ENFORCED, CALLER, OPEN, controlUrl, c.get("client_id").asText());
      }
      callerKit = kb.start();
      OodaClient oodaJson = callerKit.client(plain, OodaClient.Options.DEFAULT.withCodec(Codec.JSON));
      OodaClient oodaCbor = callerKit.client(plain, OodaClient.Options.DEFAULT.withCodec(Codec.CBOR));
      // The raw client shares the kit's event loops and connection pools, as another client in the
      // same service would: calls made in turn then never hop to another client's event loop.
      WebClient rawClient = WebClient.builder("http://127.0.0.1:" + port).factory(callerKit.clientFactory())
          .responseTimeout(Duration.ofSeconds(2)).build();
      ObjectReader reader = ResourceCodec.json().readerFor(Item.class);

      List<Kind> kinds = new ArrayList<>();
      kinds.add(new Kind(RAW, () -> rawClient.get("/items/lamp").aggregate().thenApply(r -> {
        if (r.status().code() != 200) throw new IllegalStateException("answered " + r.status() + ": " + r.contentUtf8());
        try {
          return reader.readValue(r.content().array());
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }), null, 0));
      kinds.add(new Kind(JSON, () -> oodaJson.get("/items/lamp").asAsync(Item.class), RAW, 10));
      kinds.add(new Kind("OodaClient (CBOR)", () -> oodaCbor.get("/items/lamp").asAsync(Item.class), RAW, 10));
      if (access) {
        // The same kit, codec and path: the only difference is the callee's check of the token.
        OodaClient checked = callerKit.client(ENFORCED, OodaClient.Options.DEFAULT.withCodec(Codec.JSON));
        kinds.add(new Kind(CHECKED, () -> checked.get("/items/lamp").asAsync(Item.class), JSON, 5));
        // Without a token catalog refuses: proof that the checked calls are checked.
        AggregatedHttpResponse anonymous = WebClient.of("http://127.0.0.1:" + enforcedPort).get("/items/lamp").aggregate().join();
        if (anonymous.status().code() != 401) {
          throw new BenchStopped(ENFORCED + " answered a call without a token with " + anonymous.status() + ", not 401: it does not enforce its group");
        }
        // Both tokens (one per called service) are fetched now, well before anything is measured.
        TokenSource tokens = callerKit.tokens();
        tokens.token(ENFORCED);
        tokens.token(OPEN);
        // Only the two compared kinds: each callee then serves half the calls. With the raw and
        // CBOR calls also going to catalog-open, catalog's event loop idled three turns in four and
        // its wake-ups (about 10 us) passed for the cost of the check.
        kinds.removeIf(k -> !k.name().equals(JSON) && !k.name().equals(CHECKED));
      }
      // --only raw|json|cbor|token: only the kinds of call whose name contains it, e.g. to profile one
      String only = opt.get("--only");
      if (!only.isEmpty()) kinds.removeIf(k -> !k.name().toLowerCase(java.util.Locale.ROOT).contains(only));
      if (kinds.isEmpty()) throw new IllegalArgumentException("--only " + only + " matches no kind of call");

      // One call of each kind before anything else: a refusal or a failure stops the bench here.
      for (Kind k : kinds) {
        try {
          k.call().get().join();
        } catch (CompletionException e) {
          throw new BenchStopped(failure(k.name(), e));
        }
      }

      // warm-up; report when throughput reached 90% of its final value
      List<Double> perSecond = new ArrayList<>();
      long end = System.nanoTime() + warmup * 1_000_000_000L;
      while (System.nanoTime() < end) perSecond.add((double) run(kinds, clients, 1_000_000_000L, null));
      double last = perSecond.isEmpty() ? 0 : perSecond.get(perSecond.size() - 1);
      int steadyAt = 0;
      for (int i = 0; i < perSecond.size(); i++) {
        if (perSecond.get(i) >= 0.9 * last) {
          steadyAt = i + 1;
          break;
        }
      }
      System.out.printf("warm-up: reached 90%% of its final speed after %d s%n", steadyAt);

      // Every caller makes the kinds of call in turn, call after call, so that a noisy neighbour,
      // the JIT or a GC hits all of them alike; rounds give the spread of the comparison.
      Histogram[] hist = new Histogram[kinds.size()];
      for (int k = 0; k < hist.length; k++) hist[k] = new Histogram(3);
      List<List<Double>> roundP50 = new ArrayList<>();
      long roundNanos = duration * 1_000_000_000L / Math.max(1, rounds);
      long total = 0;
      for (int r = 0; r < rounds; r++) {
        Recorder[] rec = new Recorder[kinds.size()];
        for (int k = 0; k < rec.length; k++) rec[k] = new Recorder(3);
        total += run(kinds, clients, roundNanos, rec);
        List<Double> p50s = new ArrayList<>();
        for (int k = 0; k < rec.length; k++) {
          Histogram round = rec[k].getIntervalHistogram();
          hist[k].add(round);
          p50s.add((double) round.getValueAtPercentile(50));
        }
        roundP50.add(p50s);
      }
      double seconds = (double) roundNanos * rounds / 1e9;
      System.out.printf("%d calls/s in all, shared evenly by %d kinds of call%n", Math.round(total / seconds), kinds.size());
      System.out.printf("%-32s %10s %10s%n", "", "p50 us", "p99 us");
      for (int k = 0; k < kinds.size(); k++) {
        System.out.printf("%-32s %10.1f %10.1f%n", kinds.get(k).name(), hist[k].getValueAtPercentile(50) / 1e3,
            hist[k].getValueAtPercentile(99) / 1e3);
      }
      List<String> names = kinds.stream().map(Kind::name).toList();
      for (int k = 0; k < kinds.size(); k++) {
        Kind kind = kinds.get(k);
        int base = kind.baseline() == null ? -1 : names.indexOf(kind.baseline());
        if (base < 0) continue;
        List<Double> added = new ArrayList<>();
        for (List<Double> p : roundP50) added.add(p.get(k) / p.get(base) - 1);
        added.sort(null);
        double overall = (double) hist[k].getValueAtPercentile(50) / hist[base].getValueAtPercentile(50) - 1;
        System.out.printf("%s adds %.1f%% at p50 to %s over all rounds (target: at most %.0f%%); per round: median %.1f%%, quartiles %.1f%% .. %.1f%%%n",
            kind.name(), overall * 100, kind.baseline(), kind.targetPercent(), added.get(rounds / 2) * 100,
            added.get(rounds / 4) * 100, added.get(rounds * 3 / 4) * 100);
      }
    } catch (BenchStopped e) {
      System.err.println("kit bench stopped: " + e.getMessage());
      System.exit(1);
    } finally {
      if (callerKit != null) callerKit.close();
      // Closing its input lets the server close its services (and, with --access, the control
      // plane and ZooKeeper, and remove their data).
      serverProcess.getOutputStream().close();
      if (!serverProcess.waitFor(20, TimeUnit.SECONDS)) {
        serverProcess.destroy();
        serverProcess.waitFor();
      }
    }
  }

  /** A failure that ends the bench with its message, not a stack trace. */
  private static final class BenchStopped extends RuntimeException {
    BenchStopped(String message) {
      super(message);
    }
  }

  private static String line(BufferedReader server) throws java.io.IOException {
    String l = server.readLine();
    if (l == null) throw new BenchStopped("the server process ended before it was ready (its errors are above)");
    return l.trim();
  }

  private static Instance instance(String service, int port) {
    return new Instance(service + "-1", service, "v1", "127.0.0.1", port, null, Instance.Status.UP, Map.of(), "/health",
        System.currentTimeMillis(), false);
  }

  /** What went wrong with a call of {@code kind}: a refusal by its problem, anything else by its exception. */
  private static String failure(String kind, Throwable t) {
    while (t instanceof CompletionException && t.getCause() != null) t = t.getCause();
    if (t instanceof RemoteProblemException p && (p.status() == 401 || p.status() == 403)) {
      return kind + " was refused with " + p.status() + " (" + p.type() + "): " + p.detail()
          + "; the bench measures calls that go through, not refusals";
    }
    t.printStackTrace();
    return kind + " failed: " + t;
  }

  /**
   * The same JVM and class path, running {@link #serve}; it prints what the caller needs, one
   * line each, and stops when its input closes.
   */
  private static Process startServer(boolean access) throws java.io.IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd = new ArrayList<>(List.of(java, "-Xms256m", "-Xmx256m",
        "-Dlogback.configurationFile=" + System.getProperty("logback.configurationFile"),
        "-cp", System.getProperty("java.class.path"), KitBench.class.getName(), "--serve"));
    if (access) cmd.add("--access");
    return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
  }

  /**
   * The callee: an OodaService that answers on its event loop, with no access log and no span of
   * its own unless the caller samples. It prints its port. With {@code --access}, it also runs
   * ZooKeeper and a control plane, and a second service, catalog, that enforces its group: the
   * first service (catalog-open) has no group and no keys, so nothing of access control runs in
   * it; catalog follows its Service resource through ZooKeeper and verifies tokens against the
   * control plane's keys. It then prints, one a line: catalog-open's port, catalog's port, the
   * control plane's URL, and checkout's credential as JSON (the credentials file's form).
   */
  private static void serve(boolean access) throws Exception {
    // Logs (the console appender writes to System.out) must not mix with the lines the caller reads.
    PrintStream protocol = System.out;
    System.setOut(System.err);
    List<AutoCloseable> open = new ArrayList<>();
    Path dir = null;
    try {
      if (!access) {
        Kit kit = add(open, Kit.builder(ENFORCED).registry(new InMemoryRegistry()).sampleRate(0).start());
        protocol.println(serveApi(open, kit).port());
      } else {
        dir = Files.createTempDirectory("ooda-kit-bench");
        EmbeddedZooKeeper zk = add(open, EmbeddedZooKeeper.start(dir, 0));
        ControlPlane control = add(open, ControlPlane.start(ControlPlane.Options.builder(zk.connectString(), dir).build()));
        new ControlClient(URI.create(control.url()), AdminToken.read(dir)).apply(SERVICES);
        CredentialStore.Created credential = control.identity().credentials().create(CALLER);
        // No control plane and so no keys: a token that arrives is not even verified for the logs.
        Kit openKit = add(open, Kit.builder(OPEN).zookeeper(zk.connectString()).sampleRate(0).start());
        Kit enforcedKit = add(open, Kit.builder(ENFORCED).zookeeper(zk.connectString()).controlPlane(control.url())
            .sampleRate(0).start());
        OodaService openServer = serveApi(open, openKit);
        OodaService enforced = serveApi(open, enforcedKit);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!enforced.accessMode().equals("enforce")) {
          if (System.nanoTime() > deadline) throw new IllegalStateException(ENFORCED + " did not take up its group within 30 s");
          Thread.sleep(50); // the group arrives by a ZooKeeper watch; nothing to wait on from here
        }
        protocol.println(openServer.port());
        protocol.println(enforced.port());
        protocol.println(control.url());
        protocol.println(ResourceCodec.json().createObjectNode().put("service", CALLER)
            .put("client_id", credential.credential().clientId()).put("client_secret", credential.secret())
            .put("token_url", TokenSource.tokenUrl(URI.create(control.url())).toString()));
      }
      protocol.flush();
      while (System.in.read() >= 0) {
        // runs until the bench closes our input or ends
      }
    } finally {
      // Services first, then their kits, the control plane and ZooKeeper: last opened, first closed.
      for (int i = open.size() - 1; i >= 0; i--) {
        try {
          open.get(i).close();
        } catch (Exception e) {
          System.err.println("closing " + open.get(i) + ": " + e);
        }
      }
      if (dir != null) {
        try (var files = Files.walk(dir)) {
          files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
      }
    }
  }

  private static OodaService serveApi(List<AutoCloseable> open, Kit kit) {
    return add(open, kit.server("v1").blocking(false).accessLog(line -> {}).annotatedService(new Api()).start());
  }

  private static <T extends AutoCloseable> T add(List<AutoCloseable> open, T c) {
    open.add(c);
    return c;
  }

  /**
   * Runs {@code clients} closed loops for {@code nanos}, each making the kinds of call in turn
   * (starting at a different one); records each kind's latencies in its recorder, when given.
   * Returns how many calls completed. The first failed call stops every loop and the bench.
   */
  private static long run(List<Kind> kinds, int clients, long nanos, Recorder[] rec) throws Exception {
    long stopAt = System.nanoTime() + nanos;
    AtomicReference<String> failed = new AtomicReference<>();
    long[] done = new long[clients];
    List<CompletableFuture<Void>> loops = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      CompletableFuture<Void> loop = new CompletableFuture<>();
      loops.add(loop);
      next(kinds, stopAt, rec, done, c, c, loop, failed);
    }
    CompletableFuture.allOf(loops.toArray(CompletableFuture[]::new)).get();
    if (failed.get() != null) throw new BenchStopped(failed.get());
    long n = 0;
    for (long d : done) n += d;
    return n;
  }

  private static void next(List<Kind> kinds, long stopAt, Recorder[] rec, long[] done,
                           int c, int turn, CompletableFuture<Void> loop, AtomicReference<String> failed) {
    long start = System.nanoTime();
    if (start >= stopAt || failed.get() != null) {
      loop.complete(null);
      return;
    }
    int k = turn % kinds.size();
    kinds.get(k).call().get().whenComplete((v, t) -> {
      if (t != null) {
        failed.compareAndSet(null, failure(kinds.get(k).name(), t));
        loop.complete(null);
        return;
      }
      if (rec != null) rec[k].recordValue(System.nanoTime() - start);
      done[c]++;
      next(kinds, stopAt, rec, done, c, turn + 1, loop, failed);
    });
  }
}
