package dev.ooda.bench.trace;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Posts JSON v2 span batches to a Zipkin-compatible collector over keep-alive HTTP/1.1
 * connections, as Zipkin reporters do, and counts the spans the server accepted (202).
 *
 * <p>Batches are made once as templates; each send copies one and writes fresh trace ids into it,
 * so every span is new to the server while the generator spends almost no CPU.
 *
 * <pre>
 * throughput: --url U --warmup 30 --duration 60 [--connections 8 --batch 100 --services 50]
 *   prints: spans_per_second=.. steady_after_seconds=.. failures=..
 * load:       --url U --mode load --spans 1000000
 *   prints: spans_accepted=.. seconds=.. failures=..
 * </pre>
 */
public final class SpanLoad {
  static final int SPANS_PER_TRACE = 5;

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    String url = opts.getOrDefault("url", "http://127.0.0.1:9411/api/v2/spans");
    String mode = opts.getOrDefault("mode", "throughput");
    int connections = Integer.parseInt(opts.getOrDefault("connections", "8"));
    int batch = Integer.parseInt(opts.getOrDefault("batch", "100"));
    int services = Integer.parseInt(opts.getOrDefault("services", "50"));
    if (batch % SPANS_PER_TRACE != 0) throw new IllegalArgumentException("--batch must be a multiple of 5");

    Templates templates = new Templates(batch / SPANS_PER_TRACE, services, System.currentTimeMillis() * 1000);
    java.net.URI target = java.net.URI.create(url);
    ClientFactory factory = ClientFactory.builder().workerGroup(1).build();
    // h1c: plain HTTP/1.1, one request at a time per connection, kept alive
    WebClient client = WebClient.builder("h1c://" + target.getHost() + ":" + target.getPort())
        .factory(factory).responseTimeout(Duration.ofSeconds(60)).build();
    String path = target.getPath();
    Load load = new Load(client, path, templates, batch);
    try {
      if (mode.equals("load")) {
        long spans = Long.parseLong(opts.getOrDefault("spans", "1000000"));
        long start = System.nanoTime();
        load.run(connections, (spans + batch - 1) / batch);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "spans_accepted=%d seconds=%.1f failures=%d%n",
            load.accepted.sum(), seconds, load.failures.sum());
      } else {
        int warmup = Integer.parseInt(opts.getOrDefault("warmup", "30"));
        int duration = Integer.parseInt(opts.getOrDefault("duration", "60"));
        throughput(load, connections, warmup, duration);
      }
    } finally {
      factory.close();
    }
  }

  /** Warms up, measures, and reports the rate and how long the server took to reach it. */
  static void throughput(Load load, int connections, int warmup, int duration) throws Exception {
    long total = warmup + duration;
    Thread runner = new Thread(() -> load.run(connections, Long.MAX_VALUE));
    runner.start();
    List<Long> perSecond = new ArrayList<>();
    long previous = 0;
    long next = System.nanoTime();
    long measureStart = 0;
    long measureStartNanos = next;
    for (int second = 1; second <= total; second++) {
      next += 1_000_000_000L;
      Thread.sleep(Math.max(0, (next - System.nanoTime()) / 1_000_000));
      long now = load.accepted.sum();
      perSecond.add(now - previous);
      previous = now;
      if (second == warmup) {
        measureStart = now;
        measureStartNanos = System.nanoTime();
      }
      if (second % 10 == 0 || second == total) {
        System.err.printf(Locale.ROOT, "  %3ds %s %,d spans/s%n", second, second <= warmup ? "warm-up" : "measure",
            perSecond.get(perSecond.size() - 1));
      }
    }
    long measured = load.accepted.sum() - measureStart;
    double seconds = (System.nanoTime() - measureStartNanos) / 1e9;
    load.stop.set(true);
    runner.join();
    double rate = measured / seconds;
    // steady: from this second on, every second of warm-up ran at 90% of the measured rate or more
    int steady = -1;
    for (int s = warmup - 1; s >= 0; s--) {
      if (perSecond.get(s) < 0.9 * rate) break;
      steady = s;
    }
    System.out.printf(Locale.ROOT, "spans_per_second=%.0f steady_after_seconds=%d failures=%d%n",
        rate, steady, load.failures.sum());
  }

  /** Keeps {@code connections} requests in flight until stopped or out of batches. */
  static final class Load {
    final WebClient client;
    final String path;
    final Templates templates;
    final int batch;
    final LongAdder accepted = new LongAdder();
    final LongAdder failures = new LongAdder();
    final AtomicBoolean stop = new AtomicBoolean();
    final AtomicLong batchesLeft = new AtomicLong();
    final AtomicLong sequence = new AtomicLong();

    Load(WebClient client, String path, Templates templates, int batch) {
      this.client = client;
      this.path = path;
      this.templates = templates;
      this.batch = batch;
    }

    void run(int connections, long batches) {
      batchesLeft.set(batches);
      CountDownLatch done = new CountDownLatch(connections);
      for (int i = 0; i < connections; i++) send(done);
      try {
        done.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    private void send(CountDownLatch done) {
      if (stop.get() || batchesLeft.getAndDecrement() <= 0) {
        done.countDown();
        return;
      }
      byte[] body = templates.next(sequence.getAndIncrement());
      RequestHeaders headers = RequestHeaders.builder(HttpMethod.POST, path).contentType(MediaType.JSON).build();
      client.execute(headers, HttpData.wrap(body)).aggregate().handle((response, cause) -> {
        if (cause == null && response.status().code() == 202) {
          accepted.add(batch);
        } else {
          failures.increment();
        }
        send(done);
        return null;
      });
    }
  }

  /**
   * JSON v2 batches of five-span traces (gateway -> frontend service -> database), in as many
   * service combinations as asked, with the offsets of every trace id so each send can have new ones.
   */
  static final class Templates {
    final byte[][] bodies;
    final int[][] traceIdOffsets; // per template: per trace, the offsets of its 5 trace ids

    Templates(int tracesPerBatch, int services, long nowMicros) {
      int count = 64;
      bodies = new byte[count][];
      traceIdOffsets = new int[count][];
      for (int t = 0; t < count; t++) {
        StringBuilder json = new StringBuilder("[");
        List<Integer> offsets = new ArrayList<>();
        for (int trace = 0; trace < tracesPerBatch; trace++) {
          int n = t * tracesPerBatch + trace;
          String service = "service-" + (n % services);
          String callee = "service-" + ((n * 7 + 3) % services);
          long ts = nowMicros + n;
          String[] spans = {
              span("0000000000000001", null, "SERVER", "get /api/orders", ts, 12_000 + n % 997, "gateway", null,
                  "\"tags\":{\"http.method\":\"GET\",\"http.path\":\"/api/orders\",\"http.status_code\":\"200\"}"),
              span("0000000000000002", "0000000000000001", "CLIENT", "get /orders", ts + 100, 9_000 + n % 613,
                  "gateway", service, "\"tags\":{\"http.method\":\"GET\",\"http.path\":\"/orders\"}"),
              span("0000000000000002", "0000000000000001", "SERVER", "get /orders", ts + 300, 8_000 + n % 571,
                  service, null, "\"shared\":true,\"tags\":{\"http.method\":\"GET\",\"http.path\":\"/orders\"}"),
              span("0000000000000003", "0000000000000002", "CLIENT", "post /reserve", ts + 600, 3_000 + n % 331,
                  service, callee, "\"tags\":{\"http.method\":\"POST\",\"http.path\":\"/reserve\"}"),
              span("0000000000000004", "0000000000000002", "CLIENT", "select", ts + 800, 1_000 + n % 97,
                  service, "postgres", "\"tags\":{\"sql.query\":\"select * from orders where id = ?\"}"),
          };
          for (String span : spans) {
            if (json.length() > 1) json.append(',');
            offsets.add(json.length() + "{\"traceId\":\"".length());
            json.append(span);
          }
        }
        json.append(']');
        bodies[t] = json.toString().getBytes(StandardCharsets.UTF_8); // ASCII: char offsets are byte offsets
        traceIdOffsets[t] = offsets.stream().mapToInt(Integer::intValue).toArray();
      }
    }

    static String span(String id, String parentId, String kind, String name, long ts, long duration,
        String service, String remote, String extra) {
      return "{\"traceId\":\"0000000000000000\"" + (parentId == null ? "" : ",\"parentId\":\"" + parentId + "\"")
          + ",\"id\":\"" + id + "\",\"kind\":\"" + kind + "\",\"name\":\"" + name + "\",\"timestamp\":" + ts
          + ",\"duration\":" + duration
          + ",\"localEndpoint\":{\"serviceName\":\"" + service + "\",\"ipv4\":\"127.0.0." + (1 + (service.hashCode() & 63))
          + "\",\"port\":8080}"
          + (remote == null ? "" : ",\"remoteEndpoint\":{\"serviceName\":\"" + remote + "\"}")
          + "," + extra + "}";
    }

    /** A copy of one template with new trace ids, unique per sequence number. */
    byte[] next(long sequence) {
      int t = (int) (sequence % bodies.length);
      byte[] body = bodies[t].clone();
      int[] offsets = traceIdOffsets[t];
      for (int trace = 0; trace < offsets.length / SPANS_PER_TRACE; trace++) {
        long id = mix(sequence * (offsets.length / SPANS_PER_TRACE) + trace);
        for (int s = 0; s < SPANS_PER_TRACE; s++) writeHex(body, offsets[trace * SPANS_PER_TRACE + s], id);
      }
      return body;
    }

    /** splitmix64: spreads sequential numbers over the id space; never zero for n >= 0 in practice. */
    static long mix(long n) {
      long z = n + 0x9E3779B97F4A7C15L;
      z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
      z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
      z = z ^ (z >>> 31);
      return z == 0 ? 1 : z;
    }

    static void writeHex(byte[] out, int offset, long value) {
      for (int i = 15; i >= 0; i--) {
        out[offset + i] = (byte) "0123456789abcdef".charAt((int) (value & 0xf));
        value >>>= 4;
      }
    }
  }
}
