import com.fasterxml.jackson.databind.ObjectReader;
import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.server.annotation.Get;
import dev.ooda.kit.Codec;
import dev.ooda.kit.InMemoryRegistry;
import dev.ooda.kit.Kit;
import dev.ooda.kit.OodaClient;
import dev.ooda.kit.OodaService;
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
 * server in the same JVM, over loopback. Both read the answer into a record. Phases alternate in
 * short rounds so that drift (JIT, GC, a noisy neighbour) hits both alike.
 */
public final class KitBench {
  public record Item(String id, String name, long priceCents) {}

  public static final class Api {
    private static final Item ITEM = new Item("lamp", "Desk lamp", 2_999);

    @Get("/items/lamp")
    public Item lamp() {
      return ITEM;
    }
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> opt = new LinkedHashMap<>(Map.of("--warmup", "30", "--duration", "60", "--rounds", "30",
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

    InMemoryRegistry registry = new InMemoryRegistry();
    // the server side runs on the event loop: the bench measures clients, not thread hops
    Kit serverKit = Kit.start(Kit.Options.of("catalog").withRegistry(registry).withSampleRate(0));
    OodaService server = serverKit.server("v1").blocking(false).accessLog(line -> {}).annotatedService(new Api()).start();
    Kit callerKit = Kit.start(Kit.Options.of("checkout").withRegistry(registry).withSampleRate(sampleRate));
    OodaClient oodaJson = callerKit.client("catalog", OodaClient.Options.DEFAULT.withCodec(Codec.JSON));
    OodaClient oodaCbor = callerKit.client("catalog", OodaClient.Options.DEFAULT.withCodec(Codec.CBOR));
    ClientFactory rawFactory = ClientFactory.builder().build();
    WebClient raw = WebClient.builder("http://127.0.0.1:" + server.port()).factory(rawFactory)
        .responseTimeout(Duration.ofSeconds(2)).build();
    ObjectReader reader = ResourceCodec.json().readerFor(Item.class);

    Map<String, Supplier<CompletableFuture<?>>> calls = new LinkedHashMap<>();
    calls.put("raw WebClient (JSON)", () -> raw.get("/items/lamp").aggregate().thenApply(r -> {
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

    // warm-up: all three in turn; report when throughput reached 90% of its final value
    long warmStart = System.nanoTime();
    List<Double> perSecond = new ArrayList<>();
    long end = warmStart + warmup * 1_000_000_000L;
    while (System.nanoTime() < end) {
      long n = 0;
      for (Supplier<CompletableFuture<?>> c : calls.values()) n += run(c, clients, 333_333_333L, null);
      perSecond.add((double) n);
    }
    double last = perSecond.isEmpty() ? 0 : perSecond.get(perSecond.size() - 1);
    int steadyAt = 0;
    for (int i = 0; i < perSecond.size(); i++) {
      if (perSecond.get(i) >= 0.9 * last) {
        steadyAt = i + 1;
        break;
      }
    }
    System.out.printf("warm-up: reached 90%% of its final speed after %d s%n", steadyAt);

    Map<String, Histogram> hist = new LinkedHashMap<>();
    Map<String, Long> counts = new LinkedHashMap<>();
    calls.keySet().forEach(k -> {
      hist.put(k, new Histogram(3));
      counts.put(k, 0L);
    });
    Map<String, List<Double>> roundP50 = new LinkedHashMap<>();
    long roundNanos = duration * 1_000_000_000L / Math.max(1, rounds) / calls.size();
    for (int r = 0; r < rounds; r++) {
      for (Map.Entry<String, Supplier<CompletableFuture<?>>> c : calls.entrySet()) {
        Recorder rec = new Recorder(3);
        long n = run(c.getValue(), clients, roundNanos, rec);
        Histogram round = rec.getIntervalHistogram();
        hist.get(c.getKey()).add(round);
        roundP50.computeIfAbsent(c.getKey(), k -> new ArrayList<>()).add((double) round.getValueAtPercentile(50));
        counts.merge(c.getKey(), n, Long::sum);
      }
    }
    double seconds = (double) roundNanos * rounds / 1e9;
    System.out.printf("%-22s %12s %10s %10s%n", "", "calls/s", "p50 us", "p99 us");
    for (String k : calls.keySet()) {
      Histogram h = hist.get(k);
      System.out.printf("%-22s %12.0f %10.1f %10.1f%n", k, counts.get(k) / seconds,
          h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3);
    }
    // Each round's p50 against the raw client's p50 of the same round: drift between rounds cancels.
    List<Double> rawP50s = roundP50.get("raw WebClient (JSON)");
    for (String k : List.of("OodaClient (JSON)", "OodaClient (CBOR)")) {
      List<Double> mine = roundP50.get(k);
      if (rawP50s == null || mine == null) continue;
      List<Double> added = new ArrayList<>();
      for (int r = 0; r < rounds; r++) added.add(mine.get(r) / rawP50s.get(r) - 1);
      added.sort(null);
      double overall = (double) hist.get(k).getValueAtPercentile(50) / hist.get("raw WebClient (JSON)").getValueAtPercentile(50) - 1;
      System.out.printf("%s adds %.1f%% at p50: median of %d paired rounds (quartiles %.1f%% .. %.1f%%); %.1f%% over all rounds (target: at most 10%%)%n",
          k, added.get(rounds / 2) * 100, rounds, added.get(rounds / 4) * 100, added.get(rounds * 3 / 4) * 100, overall * 100);
    }

    callerKit.close();
    rawFactory.close();
    server.close();
    serverKit.close();
  }

  /** Runs {@code clients} closed loops of calls for {@code nanos}; returns how many completed. */
  private static long run(Supplier<CompletableFuture<?>> call, int clients, long nanos, Recorder rec) throws Exception {
    long stopAt = System.nanoTime() + nanos;
    AtomicBoolean failed = new AtomicBoolean();
    long[] done = new long[clients];
    List<CompletableFuture<Void>> loops = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      CompletableFuture<Void> loop = new CompletableFuture<>();
      loops.add(loop);
      next(call, stopAt, rec, done, c, loop, failed);
    }
    CompletableFuture.allOf(loops.toArray(CompletableFuture[]::new)).get();
    if (failed.get()) throw new IllegalStateException("a call failed");
    long n = 0;
    for (long d : done) n += d;
    return n;
  }

  private static void next(Supplier<CompletableFuture<?>> call, long stopAt, Recorder rec, long[] done, int c,
                           CompletableFuture<Void> loop, AtomicBoolean failed) {
    long start = System.nanoTime();
    if (start >= stopAt) {
      loop.complete(null);
      return;
    }
    call.get().whenComplete((v, t) -> {
      if (t != null) {
        failed.set(true);
        t.printStackTrace();
        loop.complete(null);
        return;
      }
      if (rec != null) rec.recordValue(System.nanoTime() - start);
      done[c]++;
      next(call, stopAt, rec, done, c, loop, failed);
    });
  }
}
