package dev.ooda.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import zipkin2.Endpoint;
import zipkin2.Span;
import zipkin2.codec.SpanBytesEncoder;

/** The store stays within its span and byte bounds by dropping the oldest traces first. */
class StoreBoundsTest {
  static final long NOW = System.currentTimeMillis() * 1000;

  static List<Span> trace(int n, String service, int spans) {
    String traceId = String.format("%016x", n);
    List<Span> result = new ArrayList<>();
    for (int i = 0; i < spans; i++) {
      result.add(Span.newBuilder().traceId(traceId).id(String.format("%016x", i + 1))
          .parentId(i == 0 ? null : String.format("%016x", 1)).name("op" + i)
          .kind(i == 0 ? Span.Kind.SERVER : Span.Kind.CLIENT)
          .localEndpoint(Endpoint.newBuilder().serviceName(service).build())
          .remoteEndpoint(i == 0 ? null : Endpoint.newBuilder().serviceName("db").build())
          .timestamp(NOW - 1000 + n).duration(10).putTag("http.path", "/things/" + n).build());
    }
    return result;
  }

  @Test
  void spanCountBoundDropsOldestTraces() {
    try (TraceServer server = new TraceServer(TraceOptions.builder().port(0).maxSpans(10).build()).start()) {
      TestHttp http = new TestHttp(server.port());
      for (int n = 1; n <= 4; n++) {
        assertThat(http.postJson(SpanBytesEncoder.JSON_V2.encodeList(trace(n, "svc" + n, 3))).status().code())
            .isEqualTo(202);
      }
      assertThat(server.spanCount()).isEqualTo(9);
      assertThat(http.get("/api/v2/trace/0000000000000001").status().code()).isEqualTo(404);
      for (int n = 2; n <= 4; n++) {
        assertThat(http.get("/api/v2/trace/000000000000000" + n).status().code()).isEqualTo(200);
      }
      // the dropped trace's service goes with it, as in Zipkin's in-memory storage
      assertThat(http.get("/api/v2/services").contentUtf8()).isEqualTo("[\"svc2\",\"svc3\",\"svc4\"]");
      assertThat(http.get("/api/v2/spans?serviceName=svc1").contentUtf8()).isEqualTo("[]");

      // a batch larger than the whole store is refused and changes nothing
      var tooMany = http.postJson(SpanBytesEncoder.JSON_V2.encodeList(trace(9, "big", 11)));
      assertThat(tooMany.status().code()).isEqualTo(413);
      assertThat(server.spanCount()).isEqualTo(9);
    }
  }

  @Test
  void byteBoundDropsOldestTraces() {
    long oneTrace;
    try (TraceServer probe = new TraceServer(TraceOptions.builder().port(0).build()).start()) {
      new TestHttp(probe.port()).postJson(SpanBytesEncoder.JSON_V2.encodeList(trace(1, "svc", 5)));
      oneTrace = probe.byteCount();
    }
    assertThat(oneTrace).isGreaterThan(5 * SpanSize.SPAN);
    TraceOptions options = TraceOptions.builder().port(0).maxBytes(oneTrace * 5 / 2).build();
    try (TraceServer server = new TraceServer(options).start()) {
      TestHttp http = new TestHttp(server.port());
      for (int n = 1; n <= 3; n++) http.postJson(SpanBytesEncoder.JSON_V2.encodeList(trace(n, "svc", 5)));
      assertThat(server.byteCount()).isLessThanOrEqualTo(options.maxBytes());
      assertThat(server.spanCount()).isEqualTo(10);
      assertThat(http.get("/api/v2/trace/0000000000000001").status().code()).isEqualTo(404);
      assertThat(http.get("/api/v2/trace/0000000000000003").status().code()).isEqualTo(200);
    }
  }

  @Test
  void repeatedSpansAreStoredOnce() {
    BoundedSpanStore store = new BoundedSpanStore(100, Long.MAX_VALUE, List.of());
    store.accept(trace(1, "svc", 3));
    long bytes = store.byteCount();
    store.accept(trace(1, "svc", 3));
    assertThat(store.spanCount()).isEqualTo(3);
    assertThat(store.byteCount()).isEqualTo(bytes);
  }

  @Test
  void concurrentWritersKeepCountsExact() throws Exception {
    BoundedSpanStore store = new BoundedSpanStore(5_000, Long.MAX_VALUE, List.of());
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int w = 0; w < 4; w++) {
        int writer = w;
        done.add(pool.submit(() -> {
          for (int n = 0; n < 500; n++) store.accept(trace(writer * 1000 + n + 1, "svc" + (n % 7), 4));
        }));
      }
      for (Future<?> f : done) f.get();
    } finally {
      pool.shutdown();
    }
    // 8000 spans through a 5000-span store: whole traces of 4 were dropped
    assertThat(store.spanCount()).isEqualTo(5_000);
    assertThat(store.traceCount()).isEqualTo(1_250);
    assertThat(store.evictedSpans()).isEqualTo(3_000);
    int counted = 0;
    for (int n = 1; n <= 4000; n++) counted += store.getTrace(String.format("%016x", n)).size();
    assertThat(counted).isEqualTo(5_000);
    assertThat(store.getServiceNames()).hasSize(7);
  }
}
