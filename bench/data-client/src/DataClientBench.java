import com.fasterxml.jackson.databind.ObjectReader;
import com.linecorp.armeria.client.WebClient;
import dev.ooda.data.DataServer;
import dev.ooda.kit.InMemoryRegistry;
import dev.ooda.kit.Kit;
import dev.ooda.kit.data.OodaData;
import dev.ooda.kit.data.Table;
import dev.ooda.model.Instance;
import dev.ooda.model.ResourceCodec;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * A row read by key through OodaData against the same read through a raw Armeria WebClient, from
 * a data service in another process over loopback. Both read the answer into a record. Each caller
 * thread makes the two kinds of read in turn, so that drift (JIT, GC, a noisy neighbour) hits them
 * alike; the figure that matters is the p50 OodaData adds over the raw call (target: at most 10%).
 */
public final class DataClientBench {
  private static final String NAMESPACE = "bench";
  private static final String PATH = "/v1/namespaces/bench/tables/items/rows/1";

  public record Item(long id, String name, int price) {}

  public static void main(String[] args) throws Exception {
    if (args.length == 1 && args[0].equals("--serve")) {
      serve();
      return;
    }
    Map<String, String> opt = new LinkedHashMap<>(Map.of("--warmup", "30", "--duration", "60", "--rounds", "20", "--clients", "4"));
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!opt.containsKey(args[i])) throw new IllegalArgumentException("unknown option " + args[i]);
      opt.put(args[i], args[i + 1]);
    }
    int warmup = Integer.parseInt(opt.get("--warmup"));
    int duration = Integer.parseInt(opt.get("--duration"));
    int rounds = Integer.parseInt(opt.get("--rounds"));
    int clients = Integer.parseInt(opt.get("--clients"));
    System.out.printf("data client bench: warm-up %ds, measure %ds in %d rounds, %d caller threads; load average %s%n",
        warmup, duration, rounds, clients, loadAverage());

    // The data service runs in its own process, as it does in production.
    Process server = startServer();
    int port = Integer.parseInt(new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8)).readLine().trim());
    InMemoryRegistry registry = new InMemoryRegistry();
    registry.set(OodaData.SERVICE, List.of(new Instance("data-1", OodaData.SERVICE, "v1", "127.0.0.1", port, null,
        Instance.Status.UP, Map.of(), "/health", System.currentTimeMillis(), false)));
    Kit kit = Kit.builder("bench").registry(registry).sampleRate(0).start();
    Table items = kit.data(NAMESPACE).table("items");
    items.upsert(1, new Item(1, "Desk lamp", 2_999));
    // The raw client shares the kit's event loops and connection pools, as another client of the same service would.
    WebClient raw = WebClient.builder("http://127.0.0.1:" + port).factory(kit.clientFactory()).responseTimeout(Duration.ofSeconds(2)).build();
    ObjectReader reader = ResourceCodec.json().readerFor(Item.class)
        .without(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    List<String> names = List.of("raw WebClient", "OodaData");
    List<Callable<Item>> kinds = List.of(
        () -> reader.readValue(raw.get(PATH).aggregate().join().content().array()),
        () -> items.get(1, Item.class).orElseThrow());

    List<Double> perSecond = new ArrayList<>();
    long end = System.nanoTime() + warmup * 1_000_000_000L;
    while (System.nanoTime() < end) perSecond.add((double) run(kinds, clients, 1_000_000_000L, null));
    double last = perSecond.isEmpty() ? 0 : perSecond.get(perSecond.size() - 1);
    int steadyAt = 0;
    while (steadyAt < perSecond.size() && perSecond.get(steadyAt) < 0.9 * last) steadyAt++;
    System.out.printf("warm-up: reached 90%% of its final speed after %d s%n", steadyAt + 1);

    Histogram[] all = {new Histogram(3), new Histogram(3)};
    List<Double> added = new ArrayList<>();
    long roundNanos = duration * 1_000_000_000L / Math.max(1, rounds);
    long calls = 0;
    for (int r = 0; r < rounds; r++) {
      Recorder[] rec = {new Recorder(3), new Recorder(3)};
      calls += run(kinds, clients, roundNanos, rec);
      Histogram rawRound = rec[0].getIntervalHistogram();
      Histogram dataRound = rec[1].getIntervalHistogram();
      all[0].add(rawRound);
      all[1].add(dataRound);
      added.add((double) dataRound.getValueAtPercentile(50) / rawRound.getValueAtPercentile(50) - 1);
    }
    added.sort(null);
    System.out.printf("%d reads/s in all%n", Math.round(calls / (roundNanos * (double) rounds / 1e9)));
    System.out.printf("%-14s %10s %10s%n", "", "p50 us", "p99 us");
    for (int k = 0; k < 2; k++) {
      System.out.printf("%-14s %10.1f %10.1f%n", names.get(k), all[k].getValueAtPercentile(50) / 1e3, all[k].getValueAtPercentile(99) / 1e3);
    }
    System.out.printf("OodaData adds %.1f%% at p50 over all rounds (target: at most 10%%); per round: median %.1f%%, quartiles %.1f%% .. %.1f%%%n",
        ((double) all[1].getValueAtPercentile(50) / all[0].getValueAtPercentile(50) - 1) * 100,
        added.get(rounds / 2) * 100, added.get(rounds / 4) * 100, added.get(rounds * 3 / 4) * 100);
    System.out.printf("load average at the end: %s%n", loadAverage());
    kit.close();
    server.destroy();
    server.waitFor();
  }

  /**
   * {@code clients} threads, each making the kinds of read in turn (starting at a different one)
   * for {@code nanos}; latencies go to the kinds' recorders when given. Returns the reads made.
   */
  private static long run(List<Callable<Item>> kinds, int clients, long nanos, Recorder[] rec) throws Exception {
    long stopAt = System.nanoTime() + nanos;
    AtomicLong done = new AtomicLong();
    List<Thread> threads = new ArrayList<>();
    List<Exception> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int c = 0; c < clients; c++) {
      int first = c;
      Thread t = new Thread(() -> {
        long n = 0;
        for (int turn = first; ; turn++) {
          long start = System.nanoTime();
          if (start >= stopAt) break;
          int k = turn % kinds.size();
          try {
            kinds.get(k).call();
          } catch (Exception e) {
            failures.add(e);
            break;
          }
          if (rec != null) rec[k].recordValue(System.nanoTime() - start);
          n++;
        }
        done.addAndGet(n);
      }, "caller-" + c);
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) t.join();
    if (!failures.isEmpty()) throw new IllegalStateException("a read failed", failures.get(0));
    return done.get();
  }

  private static String loadAverage() {
    try {
      return Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }

  /** The same class path in another JVM, running {@link #serve}: prints its port, stops when its input closes. */
  private static Process startServer() throws java.io.IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    return new ProcessBuilder(java, "-Xms512m", "-Xmx512m", "-Dlogback.configurationFile=" + System.getProperty("logback.configurationFile"),
        "-cp", System.getProperty("java.class.path"), DataClientBench.class.getName(), "--serve")
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
  }

  /** A data service on SQLite with the namespace {@code bench}: one table of items. */
  private static void serve() throws Exception {
    DataServer data = new DataServer(DataServer.Options.builder().port(0).dataDir(Files.createTempDirectory("ooda-data-client-bench")).accessLog(line -> {}).build()).start();
    data.namespaces(ResourceCodec.readYaml("""
        kind: Namespace
        name: bench
        spec:
          owner: bench
          migrations:
            - version: 1
              table:
                name: items
                columns:
                  - {name: id, type: bigint, key: true}
                  - {name: name, type: string(100)}
                  - {name: price, type: int}
        """));
    System.out.println(data.port());
    System.out.flush();
    while (System.in.read() >= 0) {
      // until the bench closes our input or ends
    }
    data.close();
  }
}
