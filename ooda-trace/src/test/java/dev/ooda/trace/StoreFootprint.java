package dev.ooda.trace;

import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.management.JMException;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import zipkin2.codec.SpanBytesDecoder;

/**
 * Measures what the span store costs in memory, not time: the heap (bytes and objects) it retains
 * per stored span and the bytes allocated per ingested span (decoding a JSON v2 batch and storing
 * it, the store full and evicting). Spans are those of {@code bench/trace}'s load: five-span RPC traces with two
 * endpoints and a few tags. Off by default; run it alone:
 *
 * <pre>{@code
 * ./mvnw -B -q -pl ooda-trace -am verify -Dtest=StoreFootprint -Dsurefire.failIfNoSpecifiedTests=false -Dfootprint=true
 * }</pre>
 */
@EnabledIfSystemProperty(named = "footprint", matches = "true")
class StoreFootprint {
  static final int BATCH = 100;
  static final int STORED = 200_000;
  static final String[] SERVICES = new String[50];

  static {
    for (int i = 0; i < SERVICES.length; i++) SERVICES[i] = "service-" + i;
  }

  @Test
  void measure() {
    Batches batches = new Batches();
    // warm up the JIT, so that escape analysis has removed what it will remove
    BoundedSpanStore warm = new BoundedSpanStore(STORED / 4, Long.MAX_VALUE, List.of());
    for (int i = 0; i < 3 * STORED / BATCH; i++) warm.accept(SpanBytesDecoder.JSON_V2.decodeList(batches.next()));

    long[] before = liveHeap();
    BoundedSpanStore store = new BoundedSpanStore(STORED, Long.MAX_VALUE, List.of());
    for (int i = 0; i < STORED / BATCH; i++) store.accept(SpanBytesDecoder.JSON_V2.decodeList(batches.next()));
    long[] after = liveHeap();
    long retainedObjects = after[0] - before[0];
    long retained = after[1] - before[1];

    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().getId();
    int measured = STORED / BATCH;
    long allocated = threads.getThreadAllocatedBytes(thread);
    for (int i = 0; i < measured; i++) store.accept(SpanBytesDecoder.JSON_V2.decodeList(batches.next()));
    allocated = threads.getThreadAllocatedBytes(thread) - allocated;
    long decoding = threads.getThreadAllocatedBytes(thread);
    for (int i = 0; i < measured; i++) Reference.reachabilityFence(SpanBytesDecoder.JSON_V2.decodeList(batches.next()));
    decoding = threads.getThreadAllocatedBytes(thread) - decoding;
    Reference.reachabilityFence(store);
    Reference.reachabilityFence(warm);

    System.out.printf("stored %d spans: retained %d bytes and %.3f objects per span (store's own estimate %d bytes)%n",
        store.spanCount(), retained / store.spanCount(), (double) retainedObjects / store.spanCount(),
        store.byteCount() / store.spanCount());
    System.out.printf("ingest (decode JSON v2 + store, evicting): allocated %d bytes per span, of which decoding %d "
        + "(the JSON body is %d bytes per span)%n", allocated / ((long) measured * BATCH),
        decoding / ((long) measured * BATCH), batches.bodyBytesPerSpan());
  }

  /** Live objects and bytes on the heap, from the class histogram (which collects first, as jcmd's does). */
  static long[] liveHeap() {
    try {
      String histogram = (String) ManagementFactory.getPlatformMBeanServer().invoke(
          new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
          new Object[] {new String[0]}, new String[] {String[].class.getName()});
      String[] total = histogram.lines().filter(l -> l.startsWith("Total")).findFirst().orElseThrow().trim().split("\\s+");
      return new long[] {Long.parseLong(total[1]), Long.parseLong(total[2])};
    } catch (JMException e) {
      throw new IllegalStateException(e);
    }
  }

  /** One JSON v2 body rewritten in place with new trace ids, so that making batches allocates nothing. */
  static final class Batches {
    private final byte[] body;
    private final int[] traceIdOffsets = new int[BATCH];
    private long sequence;

    Batches() {
      StringBuilder json = new StringBuilder("[");
      long ts = System.currentTimeMillis() * 1000L;
      for (int t = 0; t < BATCH / 5; t++) {
        String service = SERVICES[t % SERVICES.length];
        String callee = SERVICES[(t * 7 + 3) % SERVICES.length];
        String[] spans = {
            span("0000000000000001", null, "SERVER", "get /api/orders", ts, 12_000 + t, "gateway", null,
                "\"tags\":{\"http.method\":\"GET\",\"http.path\":\"/api/orders\",\"http.status_code\":\"200\"}"),
            span("0000000000000002", "0000000000000001", "CLIENT", "get /orders", ts + 100, 9_000 + t,
                "gateway", service, "\"tags\":{\"http.method\":\"GET\",\"http.path\":\"/orders\"}"),
            span("0000000000000002", "0000000000000001", "SERVER", "get /orders", ts + 300, 8_000 + t,
                service, null, "\"shared\":true,\"tags\":{\"http.method\":\"GET\",\"http.path\":\"/orders\"}"),
            span("0000000000000003", "0000000000000002", "CLIENT", "post /reserve", ts + 600, 3_000 + t,
                service, callee, "\"tags\":{\"http.method\":\"POST\",\"http.path\":\"/reserve\"}"),
            span("0000000000000004", "0000000000000002", "CLIENT", "select", ts + 800, 1_000 + t,
                service, "postgres", "\"tags\":{\"sql.query\":\"select * from orders where id = ?\"}"),
        };
        for (int s = 0; s < spans.length; s++) {
          if (json.length() > 1) json.append(',');
          traceIdOffsets[t * 5 + s] = json.length() + "{\"traceId\":\"".length();
          json.append(spans[s]);
        }
      }
      body = json.append(']').toString().getBytes(StandardCharsets.US_ASCII);
    }

    static String span(String id, String parentId, String kind, String name, long ts, long duration,
        String service, String remote, String extra) {
      return "{\"traceId\":\"0000000000000000\"" + (parentId == null ? "" : ",\"parentId\":\"" + parentId + "\"")
          + ",\"id\":\"" + id + "\",\"kind\":\"" + kind + "\",\"name\":\"" + name + "\",\"timestamp\":" + ts
          + ",\"duration\":" + duration
          + ",\"localEndpoint\":{\"serviceName\":\"" + service + "\",\"ipv4\":\"10.0.0." + (1 + (service.hashCode() & 63))
          + "\",\"port\":8080}"
          + (remote == null ? "" : ",\"remoteEndpoint\":{\"serviceName\":\"" + remote + "\"}")
          + "," + extra + "}";
    }

    byte[] next() {
      for (int t = 0; t < BATCH / 5; t++) {
        long id = ++sequence * 0x9E3779B97F4A7C15L | 1;
        for (int s = 0; s < 5; s++) writeHex(body, traceIdOffsets[t * 5 + s], id);
      }
      return body;
    }

    int bodyBytesPerSpan() {
      return body.length / BATCH;
    }

    static void writeHex(byte[] out, int offset, long value) {
      for (int i = 15; i >= 0; i--) {
        out[offset + i] = (byte) Character.forDigit((int) (value & 0xf), 16);
        value >>>= 4;
      }
    }
  }
}
