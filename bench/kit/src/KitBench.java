import com.fasterxml.jackson.databind.ObjectReader;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.server.annotation.Get;
import dev.ooda.kit.Codec;
import dev.ooda.kit.InMemoryRegistry;
import dev.ooda.kit.Kit;
import dev.ooda.kit.OodaClient;
import dev.ooda.kit.OodaService;
import dev.ooda.model.Instance;
import dev.ooda.model.ResourceCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.HdrHistogram.Recorder;
import org.HdrHistogram.Histogram;

/**
 * One call through OodaClient against the same call through a raw Armeria WebClient, to the same
 * server in another process, over loopback. Both read the answer into a record. Each caller makes
 * the kinds of call in turn, so that drift (JIT, GC, a noisy neighbour) hits them alike.
 */
public final class KitBench {
  private static final String RAW = "raw WebClient (JSON)";

  public record Item(String id, String name, long priceCents) {}

  public static final class Api {
    private static final Item ITEM = new Item("lamp", "Desk lamp", 2_999);

    @Get("/items/lamp")
    public Item lamp() {
      return ITEM;
    }
  }

  public static void main(String[] args) throws Exception {
    if (args.length == 1 && args[0].equals("--serve")) {
      serve();
      return;
    }
    Map<String, String> opt = new LinkedHashMap<>(Map.of("--warmup", "60", "--duration", "60", "--rounds", "30",
        "--clients", "4", "--sample-rate", "1.0", "--only", ""));
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!opt.containsKey(args[i])) throw new IllegalArgumentException("unknown option " + args[i]);
      opt.put(args[i], args[i + 1]);
    }
    int warmup = Integer.parseInt(opt.get("--warmup"));
    int duration = Integer.parseInt(opt.get("--duration"));
    int rounds = Integer.parseInt(opt.get("--rounds"));
    int clients = Integer.parseInt(opt.get("--clients"));
    float sampleRate = Float.parseFloat(opt.get("--sample-rate"));
    System.out.printf("kit bench: warm-up %ds, measure %ds in %d rounds, %d concurrent callers, trace sample rate %.2f%n",
        warmup, duration, rounds, clients, sampleRate);

    // The server is its own process, as a callee is in production: in one JVM, client and server
    // would share event loops, and whether a connection's two ends land on the same thread (no
    // wake-up between them) would decide the latency more than the client's own work does.
    Process serverProcess = startServer();
    int port = Integer.parseInt(new java.io.BufferedReader(new java.io.InputStreamReader(serverProcess.getInputStream(),
        java.nio.charset.StandardCharsets.UTF_8)).readLine().trim());
    InMemoryRegistry registry = new InMemoryRegistry();
    registry.set("catalog", List.of(new Instance("catalog-1", "catalog", "v1", "127.0.0.1", port, null, Instance.Status.UP,
        Map.of(), "/health", System.currentTimeMillis(), false)));
    Kit callerKit = Kit.builder("checkout").registry(registry).sampleRate(sampleRate).start();
    OodaClient oodaJson = callerKit.client("catalog", OodaClient.Options.DEFAULT.withCodec(Codec.JSON));
    OodaClient oodaCbor = callerKit.client("catalog", OodaClient.Options.DEFAULT.withCodec(Codec.CBOR));
    // The raw client shares the kit's event loops and connection pools, as another client in the
    // same service would: calls made in turn then never hop to another client's event loop.
    WebClient rawClient = WebClient.builder("http://127.0.0.1:" + port).factory(callerKit.clientFactory())
        .responseTimeout(Duration.ofSeconds(2)).build();
    ObjectReader reader = ResourceCodec.json().readerFor(Item.class);

    Map<String, Supplier<CompletableFuture<?>>> calls = new LinkedHashMap<>();
    calls.put(RAW, () -> rawClient.get("/items/lamp").aggregate().thenApply(r -> {
      try {
        return reader.readValue(r.content().array());
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }));
    calls.put("OodaClient (JSON)", () -> oodaJson.get("/items/lamp").asAsync(Item.class));
    calls.put("OodaClient (CBOR)", () -> oodaCbor.get("/items/lamp").asAsync(Item.class));
    // --only raw|json|cbor: one kind of call alone, e.g. to profile it
    String only = opt.get("--only");
    if (!only.isEmpty()) calls.keySet().removeIf(k -> !k.toLowerCase(java.util.Locale.ROOT).contains(only));

    List<String> names = new ArrayList<>(calls.keySet());
    List<Supplier<CompletableFuture<?>>> kinds = new ArrayList<>(calls.values());

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
    System.out.printf("%-22s %10s %10s%n", "", "p50 us", "p99 us");
    for (int k = 0; k < kinds.size(); k++) {
      System.out.printf("%-22s %10.1f %10.1f%n", names.get(k), hist[k].getValueAtPercentile(50) / 1e3,
          hist[k].getValueAtPercentile(99) / 1e3);
    }
    int raw = names.indexOf(RAW);
    for (int k = 0; k < kinds.size(); k++) {
      if (k == raw || raw < 0) continue;
      List<Double> added = new ArrayList<>();
      for (List<Double> p : roundP50) added.add(p.get(k) / p.get(raw) - 1);
      added.sort(null);
      double overall = (double) hist[k].getValueAtPercentile(50) / hist[raw].getValueAtPercentile(50) - 1;
      System.out.printf("%s adds %.1f%% at p50 over all rounds (target: at most 10%%); per round: median %.1f%%, quartiles %.1f%% .. %.1f%%%n",
          names.get(k), overall * 100, added.get(rounds / 2) * 100, added.get(rounds / 4) * 100, added.get(rounds * 3 / 4) * 100);
    }

    callerKit.close();
    serverProcess.destroy();
    serverProcess.waitFor();
  }

  /** The same JVM and class path, running {@link #serve}; it prints its port, and stops when its input closes. */
  private static Process startServer() throws java.io.IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    return new ProcessBuilder(java, "-Xms256m", "-Xmx256m", "-Dlogback.configurationFile=" + System.getProperty("logback.configurationFile"),
        "-cp", System.getProperty("java.class.path"), KitBench.class.getName(), "--serve")
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
  }

  /** The callee: an OodaService that answers on its event loop, with no access log and no span of its own unless the caller samples. */
  private static void serve() throws Exception {
    InMemoryRegistry registry = new InMemoryRegistry();
    Kit kit = Kit.builder("catalog").registry(registry).sampleRate(0).start();
    OodaService server = kit.server("v1").blocking(false).accessLog(line -> {}).annotatedService(new Api()).start();
    System.out.println(server.port());
    System.out.flush();
    while (System.in.read() >= 0) {
      // runs until the bench closes our input or ends
    }
    server.close();
    kit.close();
  }

  /**
   * Runs {@code clients} closed loops for {@code nanos}, each making the kinds of call in turn
   * (starting at a different one); records each kind's latencies in its recorder, when given.
   * Returns how many calls completed.
   */
  private static long run(List<Supplier<CompletableFuture<?>>> kinds, int clients, long nanos, Recorder[] rec)
      throws Exception {
    long stopAt = System.nanoTime() + nanos;
    AtomicBoolean failed = new AtomicBoolean();
    long[] done = new long[clients];
    List<CompletableFuture<Void>> loops = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      CompletableFuture<Void> loop = new CompletableFuture<>();
      loops.add(loop);
      next(kinds, stopAt, rec, done, c, c, loop, failed);
    }
    CompletableFuture.allOf(loops.toArray(CompletableFuture[]::new)).get();
    if (failed.get()) throw new IllegalStateException("a call failed");
    long n = 0;
    for (long d : done) n += d;
    return n;
  }

  private static void next(List<Supplier<CompletableFuture<?>>> kinds, long stopAt, Recorder[] rec, long[] done,
                           int c, int turn, CompletableFuture<Void> loop, AtomicBoolean failed) {
    long start = System.nanoTime();
    if (start >= stopAt) {
      loop.complete(null);
      return;
    }
    int k = turn % kinds.size();
    kinds.get(k).get().whenComplete((v, t) -> {
      if (t != null) {
        failed.set(true);
        t.printStackTrace();
        loop.complete(null);
        return;
      }
      if (rec != null) rec[k].recordValue(System.nanoTime() - start);
      done[c]++;
      next(kinds, stopAt, rec, done, c, turn + 1, loop, failed);
    });
  }
}
