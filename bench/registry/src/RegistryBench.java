import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import dev.ooda.control.ControlPlane;
import dev.ooda.control.EmbeddedZooKeeper;
import dev.ooda.control.client.InstanceCache;
import dev.ooda.control.client.ZooKeeperClients;
import dev.ooda.model.Instance;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.apache.curator.framework.CuratorFramework;

/**
 * The registry under load, in one JVM: an embedded ZooKeeper, one control plane, W watching
 * InstanceCaches (each on its own ZooKeeper session), N instances across S services registered
 * over HTTP, and R heartbeats/s against the control plane. While the heartbeats run, probes
 * register (and then deregister) one instance at a time and time how long each takes to reach
 * every watcher. See README.md.
 */
public final class RegistryBench {
  static int instances = 10_000;
  static int services = 500;
  static int rate = 2_000;
  static int watchers = 3;
  static int warmup = 30;
  static int duration = 60;
  static int probesPerSecond = 20;
  static int maxInFlight = 4_096;

  /** One timed registration and its removal; times are System.nanoTime(), 0 until seen. */
  static final class Probe {
    final String service;
    final String id;
    final long sentNanos;
    final long[] added = new long[watchers];
    final long[] removed = new long[watchers];
    volatile long removeSentNanos;

    Probe(String service, String id, long sentNanos) {
      this.service = service;
      this.id = id;
      this.sentNanos = sentNanos;
    }
  }

  static final Map<String, Probe> probes = new ConcurrentHashMap<>();
  static volatile boolean measuring;

  public static void main(String[] args) throws Exception {
    for (int i = 0; i < args.length; i += 2) {
      int v = Integer.parseInt(args[i + 1]);
      switch (args[i]) {
        case "--instances" -> instances = v;
        case "--services" -> services = v;
        case "--rate" -> rate = v;
        case "--watchers" -> watchers = v;
        case "--warmup" -> warmup = v;
        case "--duration" -> duration = v;
        case "--probes" -> probesPerSecond = v;
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    System.out.printf("instances=%d services=%d rate=%d watchers=%d warmup=%ds duration=%ds probes=%d/s cores=%d%n",
        instances, services, rate, watchers, warmup, duration, probesPerSecond, Runtime.getRuntime().availableProcessors());
    Path dir = Files.createTempDirectory("ooda-registry-bench");
    long startNanos = System.nanoTime();
    try (EmbeddedZooKeeper zk = EmbeddedZooKeeper.start(dir, 0);
         ControlPlane control = ControlPlane.start(ControlPlane.Options.builder(zk.connectString(), dir).build())) {
      WebClient http = WebClient.builder(control.url()).maxResponseLength(1 << 20).build();

      // Watchers first, so that they see every registration arrive.
      List<CuratorFramework> sessions = new ArrayList<>();
      List<InstanceCache> caches = new ArrayList<>();
      for (int w = 0; w < watchers; w++) {
        int at = w;
        CuratorFramework c = ZooKeeperClients.connect(zk.connectString());
        sessions.add(c);
        caches.add(InstanceCache.open(c, (service, list) -> seen(at, service, list)));
      }
      for (InstanceCache c : caches) c.awaitReady(60, TimeUnit.SECONDS);

      // Register every instance; each gets a fixed id so that heartbeats need no bookkeeping.
      long t0 = System.nanoTime();
      Semaphore window = new Semaphore(256);
      LongAdder failed = new LongAdder();
      for (int i = 0; i < instances; i++) {
        window.acquire();
        put(http, service(i), id(i), body(i)).whenComplete((r, e) -> {
          if (e != null || r.status().code() >= 300) failed.increment();
          window.release();
        });
      }
      window.acquire(256);
      window.release(256);
      double regSeconds = (System.nanoTime() - t0) / 1e9;
      System.out.printf("registered=%d failed=%d seconds=%.1f registrations_per_second=%.0f%n",
          instances, failed.sum(), regSeconds, instances / regSeconds);
      for (int w = 0; w < watchers; w++) {
        int w0 = w;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (caches.get(w0).snapshot().values().stream().mapToInt(List::size).sum() < instances && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }
      }
      System.out.printf("watchers_loaded=%s%n", caches.stream()
          .map(c -> Integer.toString(c.snapshot().values().stream().mapToInt(List::size).sum())).toList());

      // Heartbeats: open loop at `rate`/s, round-robin over the instances, the renewing form (PUT with the registration).
      ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);
      Semaphore inFlight = new Semaphore(maxInFlight);
      LongAdder sent = new LongAdder();
      LongAdder ok = new LongAdder();
      LongAdder errors = new LongAdder();
      LongAdder skipped = new LongAdder();
      Histogram beatLatency = new Histogram();
      AtomicLong next = new AtomicLong();
      long tickMillis = 10;
      double perTick = rate * tickMillis / 1000.0;
      double[] carry = {0};
      timer.scheduleAtFixedRate(() -> {
        carry[0] += perTick;
        int n = (int) carry[0];
        carry[0] -= n;
        for (int k = 0; k < n; k++) {
          if (!inFlight.tryAcquire()) {
            skipped.increment();
            continue;
          }
          int i = (int) (next.getAndIncrement() % instances);
          long s = System.nanoTime();
          sent.increment();
          put(http, service(i), id(i), body(i)).whenComplete((r, e) -> {
            inFlight.release();
            if (e != null || r.status().code() != 200) {
              errors.increment();
              return;
            }
            ok.increment();
            if (measuring) beatLatency.add(System.nanoTime() - s);
          });
        }
      }, 0, tickMillis, TimeUnit.MILLISECONDS);

      // Probes: a registration, then a second later its deregistration, each timed to every watcher.
      AtomicLong probeNo = new AtomicLong();
      timer.scheduleAtFixedRate(() -> {
        long n = probeNo.getAndIncrement();
        String service = service((int) (n % services));
        Probe p = new Probe(service, "probe-" + n, System.nanoTime());
        probes.put(p.id, p);
        put(http, service, p.id, "{\"host\":\"10.200.0.1\",\"port\":9000}");
        timer.schedule(() -> {
          p.removeSentNanos = System.nanoTime();
          http.delete("/api/v1/registry/services/" + service + "/instances/" + p.id).aggregate();
        }, 1, TimeUnit.SECONDS);
      }, 0, Math.max(1, 1000 / probesPerSecond), TimeUnit.MILLISECONDS);

      Thread.sleep(warmup * 1000L);
      long mark = System.nanoTime();
      long sentAtMark = sent.sum();
      long okAtMark = ok.sum();
      long errAtMark = errors.sum();
      long skippedAtMark = skipped.sum();
      probes.clear();
      measuring = true;
      Thread.sleep(duration * 1000L);
      measuring = false;
      double seconds = (System.nanoTime() - mark) / 1e9;
      timer.shutdownNow();
      Thread.sleep(2_000);

      Histogram addedAny = new Histogram();
      Histogram addedAll = new Histogram();
      Histogram removedAll = new Histogram();
      int incomplete = 0;
      for (Probe p : probes.values()) {
        long lastAdded = 0;
        long lastRemoved = 0;
        boolean everywhere = true;
        boolean goneEverywhere = p.removeSentNanos != 0;
        for (int w = 0; w < watchers; w++) {
          if (p.added[w] == 0) everywhere = false;
          else {
            addedAny.add(p.added[w] - p.sentNanos);
            lastAdded = Math.max(lastAdded, p.added[w] - p.sentNanos);
          }
          if (p.removed[w] == 0) goneEverywhere = false;
          else lastRemoved = Math.max(lastRemoved, p.removed[w] - p.removeSentNanos);
        }
        if (everywhere) addedAll.add(lastAdded);
        else incomplete++;
        if (goneEverywhere) removedAll.add(lastRemoved);
      }
      System.gc();
      System.gc();
      long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      System.out.printf("heartbeats_sent_per_second=%.0f heartbeats_ok_per_second=%.0f errors=%d skipped_at_max_in_flight=%d%n",
          (sent.sum() - sentAtMark) / seconds, (ok.sum() - okAtMark) / seconds, errors.sum() - errAtMark, skipped.sum() - skippedAtMark);
      System.out.printf("heartbeat_latency_ms p50=%.2f p99=%.2f max=%.2f%n",
          beatLatency.quantile(0.5) / 1e6, beatLatency.quantile(0.99) / 1e6, beatLatency.max() / 1e6);
      System.out.printf("propagation_ms registration_to_each_watcher p50=%.2f p99=%.2f max=%.2f samples=%d%n",
          addedAny.quantile(0.5) / 1e6, addedAny.quantile(0.99) / 1e6, addedAny.max() / 1e6, addedAny.count());
      System.out.printf("propagation_ms registration_to_all_%d_watchers p50=%.2f p99=%.2f max=%.2f samples=%d incomplete=%d%n",
          watchers, addedAll.quantile(0.5) / 1e6, addedAll.quantile(0.99) / 1e6, addedAll.max() / 1e6, addedAll.count(), incomplete);
      System.out.printf("propagation_ms deregistration_to_all_%d_watchers p50=%.2f p99=%.2f max=%.2f samples=%d%n",
          watchers, removedAll.quantile(0.5) / 1e6, removedAll.quantile(0.99) / 1e6, removedAll.max() / 1e6, removedAll.count());
      System.out.printf("heap_used_after_gc_mib=%d (one JVM: ZooKeeper server, control plane, %d watchers, load generator)%n",
          heap >> 20, watchers);
      System.out.printf("leases_held=%d total_seconds=%.0f%n", control.registry().status().leases(), (System.nanoTime() - startNanos) / 1e9);
      caches.forEach(InstanceCache::close);
      sessions.forEach(CuratorFramework::close);
    }
  }

  /** Watcher {@code w} got a new list of {@code service}: time the probes that appeared or vanished. */
  static void seen(int w, String service, List<Instance> list) {
    long now = System.nanoTime();
    for (Probe p : probes.values()) {
      if (!p.service.equals(service)) continue;
      boolean present = false;
      for (Instance i : list) {
        if (i.id().equals(p.id)) {
          present = true;
          break;
        }
      }
      if (present && p.added[w] == 0) p.added[w] = now;
      if (!present && p.added[w] != 0 && p.removeSentNanos != 0 && p.removed[w] == 0) p.removed[w] = now;
    }
  }

  static CompletableFuture<AggregatedHttpResponse> put(WebClient http, String service, String id, String body) {
    RequestHeaders h = RequestHeaders.builder(HttpMethod.PUT, "/api/v1/registry/services/" + service + "/instances/" + id)
        .contentType(MediaType.JSON_UTF_8).build();
    return http.execute(HttpRequest.of(h, com.linecorp.armeria.common.HttpData.ofUtf8(body))).aggregate();
  }

  static String service(int i) {
    return "svc-" + (i % services);
  }

  static String id(int i) {
    return "inst-" + i;
  }

  static String body(int i) {
    return "{\"host\":\"10." + ((i >> 16) & 255) + "." + ((i >> 8) & 255) + "." + (i & 255) + "\",\"port\":8080,"
        + "\"version\":\"v1\",\"zone\":\"zone-" + (i % 3) + "\",\"healthPath\":\"/health\"}";
  }

  /** Latencies in nanoseconds; exact quantiles from the sorted samples (the runs are short). */
  static final class Histogram {
    private long[] v = new long[1024];
    private int n;

    synchronized void add(long x) {
      if (n == v.length) v = Arrays.copyOf(v, n * 2);
      v[n++] = x;
    }

    synchronized long count() {
      return n;
    }

    synchronized double quantile(double q) {
      if (n == 0) return Double.NaN;
      long[] s = Arrays.copyOf(v, n);
      Arrays.sort(s);
      return s[Math.min(n - 1, (int) Math.ceil(q * n) - 1)];
    }

    synchronized double max() {
      return n == 0 ? Double.NaN : Arrays.stream(v, 0, n).max().getAsLong();
    }
  }
}
