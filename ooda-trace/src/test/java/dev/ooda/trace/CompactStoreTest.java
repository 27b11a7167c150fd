package dev.ooda.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import zipkin2.Endpoint;
import zipkin2.Span;
import zipkin2.codec.SpanBytesDecoder;
import zipkin2.storage.QueryRequest;

/** Spans kept as bytes in pages: they read back as sent, and what leaves the store frees its memory. */
class CompactStoreTest {
  static List<Span> trace(int n, String service, String tagValue) {
    List<Span> spans = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      spans.add(Span.newBuilder().traceId(String.format("%016x%016x", n * 31L, n)).id(String.format("%016x", i + 1))
          .parentId(i == 0 ? null : String.format("%016x", 1)).name("op" + i)
          .kind(i == 0 ? Span.Kind.SERVER : Span.Kind.CLIENT)
          .localEndpoint(Endpoint.newBuilder().serviceName(service).ip("10.0.0." + i).port(8080).build())
          .remoteEndpoint(i == 0 ? null : Endpoint.newBuilder().serviceName("db").build())
          .timestamp(StoreBoundsTest.NOW + n * 1000L + i).duration(10 + i).putTag("payload", tagValue)
          .addAnnotation(StoreBoundsTest.NOW + n * 1000L + i + 1, "sent").build());
    }
    return spans;
  }

  @Test
  void churnKeepsTheNewestTracesWholeAndReleasesPages() {
    BoundedSpanStore store = new BoundedSpanStore(3_000, Long.MAX_VALUE, List.of());
    String payload = "x".repeat(300);
    for (int n = 1; n <= 20_000; n++) store.accept(trace(n, "svc" + n % 1_500, payload));

    assertThat(store.spanCount()).isEqualTo(3_000);
    assertThat(store.traceCount()).isEqualTo(1_000);
    for (int n = 19_001; n <= 20_000; n += 37) {
      assertThat(store.getTrace(String.format("%016x%016x", n * 31L, n))).isEqualTo(trace(n, "svc" + n % 1_500, payload));
    }
    assertThat(store.getTrace(String.format("%016x%016x", 19_000 * 31L, 19_000))).isEmpty();
    // services come and go with their traces; their ids are reused
    assertThat(store.getServiceNames()).hasSize(1_000).contains("svc0", "svc500", "svc1001").doesNotContain("svc501", "svc1000");
    // 20,000 traces went through, about 7 MB encoded; only the pages of the last 1,000 remain
    assertThat(store.pageBytes()).isLessThan(store.byteCount() + 2L * SpanPages.PAGE_BYTES);
  }

  @Test
  void queriesDuringChurnSeeWholeTracesAsSent() throws Exception {
    BoundedSpanStore store = new BoundedSpanStore(1_500, Long.MAX_VALUE, List.of());
    ServiceViews views = new ServiceViews(store);
    for (int n = 1; n <= 100; n++) store.accept(trace(n, "svc" + n % 20, "p" + n)); // every service is there
    AtomicBoolean writing = new AtomicBoolean(true);
    Thread writer = new Thread(() -> {
      for (int n = 101; n <= 30_000; n++) store.accept(trace(n, "svc" + n % 20, "p" + n));
      writing.set(false);
    });
    writer.start();
    long endTs = StoreBoundsTest.NOW / 1000 + 60_000_000L;
    QueryRequest search = QueryRequest.newBuilder().serviceName("svc3").endTs(endTs).lookback(endTs).limit(50).build();
    int seen = 0;
    while (writing.get()) {
      for (List<Span> found : store.getTraces(search)) {
        int n = (int) BoundedSpanStore.lowBits(found.get(0).traceId());
        assertThat(found).isEqualTo(trace(n, "svc3", "p" + n));
        seen++;
      }
      assertThat(store.getDependencies(endTs, endTs)).allSatisfy(link -> assertThat(link.child()).isEqualTo("db"));
      assertThat(views.red("svc4", endTs, endTs, endTs).total().requests()).isLessThanOrEqualTo(1_500 / 3 / 20 + 1);
    }
    writer.join();
    assertThat(seen).isPositive();
  }

  @Test
  void pagesCountAgainstTheByteBound() {
    long maxBytes = 4L * SpanPages.PAGE_BYTES;
    BoundedSpanStore store = new BoundedSpanStore(1_000_000, maxBytes, List.of());
    for (int n = 1; n <= 20_000; n++) store.accept(trace(n, "svc", "y".repeat(n % 500)));
    assertThat(store.byteCount()).isLessThanOrEqualTo(maxBytes);
    assertThat(store.pageBytes()).isLessThanOrEqualTo(maxBytes + SpanPages.PAGE_BYTES);
    assertThat(store.getTrace(String.format("%016x%016x", 20_000 * 31L, 20_000))).hasSize(3);
  }

  @Test
  void aSpanLargerThanAPageHasOneOfItsOwn() {
    BoundedSpanStore store = new BoundedSpanStore(6, Long.MAX_VALUE, List.of());
    List<Span> big = trace(1, "svc", "z".repeat(SpanPages.PAGE_BYTES + 10));
    store.accept(big);
    store.accept(big); // the same spans again are kept once
    assertThat(store.spanCount()).isEqualTo(3);
    assertThat(store.getTrace(big.get(0).traceId())).isEqualTo(big);
    store.accept(trace(2, "svc", "small"));
    store.accept(trace(3, "svc", "small"));
    assertThat(store.getTrace(big.get(0).traceId())).isEmpty();
    assertThat(store.pageBytes()).isEqualTo(SpanPages.PAGE_BYTES);
  }

  @Test
  void whatProto3WouldDropReadsBackToo() {
    BoundedSpanStore store = new BoundedSpanStore(100, Long.MAX_VALUE, List.of());
    List<Span> sent = SpanBytesDecoder.JSON_V2.decodeList((
        "[{\"traceId\":\"0000000000000001\",\"id\":\"0000000000000001\",\"name\":\"a\","
        + "\"annotations\":[{\"timestamp\":0,\"value\":\"at zero\"},{\"timestamp\":5,\"value\":\"\"}],"
        + "\"tags\":{\"\":\"no key\",\"empty\":\"\"}},"
        + "{\"traceId\":\"0000000000000001\",\"id\":\"0000000000000002\",\"parentId\":\"0000000000000001\","
        + "\"debug\":true,\"shared\":true,\"remoteEndpoint\":{\"ipv6\":\"2001:db8::c001\",\"port\":1}}]")
        .getBytes(StandardCharsets.UTF_8));
    store.accept(sent);
    store.accept(sent);
    assertThat(store.spanCount()).isEqualTo(2);
    assertThat(store.getTrace("0000000000000001")).isEqualTo(sent);
  }

  @Test
  void longLongMapAgreesWithHashMap() {
    LongLongMap map = new LongLongMap();
    Map<Long, Long> expected = new HashMap<>();
    Random random = new Random(1);
    for (int i = 0; i < 200_000; i++) {
      long key = random.nextInt(5_000) * 0x10000L; // keys that collide in the low bits
      if (random.nextInt(3) == 0) {
        map.remove(key);
        expected.remove(key);
      } else {
        map.put(key, i);
        expected.put(key, (long) i);
      }
    }
    assertThat(map.size()).isEqualTo(expected.size());
    for (long k = 0; k < 5_000; k++) {
      assertThat(map.get(k * 0x10000L)).isEqualTo(expected.getOrDefault(k * 0x10000L, -1L));
    }
  }
}
