package dev.ooda.trace;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.MediaType;
import dev.ooda.model.ResourceCodec;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import zipkin2.DependencyLink;
import zipkin2.Span;
import zipkin2.codec.DependencyLinkBytesEncoder;
import zipkin2.codec.SpanBytesDecoder;
import zipkin2.codec.SpanBytesEncoder;
import zipkin2.storage.InMemoryStorage;
import zipkin2.storage.QueryRequest;

/**
 * The same generated spans go to ooda over HTTP (JSON and proto3 batches) and to zipkin2's own
 * InMemoryStorage, the storage of Zipkin's server; every Zipkin API answer of ooda must equal, byte
 * for byte, what Zipkin's server renders from that storage.
 */
class ZipkinParityTest {
  static final long NOW = System.currentTimeMillis();
  static TraceServer server;
  static TestHttp http;
  static InMemoryStorage zipkin;
  static List<Span> spans;

  @BeforeAll
  static void load() throws Exception {
    server = new TraceServer(TraceOptions.builder().port(0).autocompleteKeys(List.of("env", "http.method")).build())
        .start();
    http = new TestHttp(server.port());
    zipkin = InMemoryStorage.newBuilder().autocompleteKeys(List.of("env", "http.method")).build();

    spans = new TraceGenerator(42, NOW).spans(400);
    Random random = new Random(7);
    for (int i = 0; i < spans.size(); ) {
      List<Span> batch = spans.subList(i, Math.min(spans.size(), i + 1 + random.nextInt(60)));
      i += batch.size();
      boolean proto = random.nextBoolean();
      byte[] body = proto ? SpanBytesEncoder.PROTO3.encodeList(batch) : SpanBytesEncoder.JSON_V2.encodeList(batch);
      AggregatedHttpResponse response = proto
          ? http.post("/api/v2/spans", MediaType.PROTOBUF, body)
          : random.nextBoolean() ? http.post("/api/v2/spans", MediaType.JSON, TestHttp.gzip(body), "gzip")
          : http.postJson(body);
      assertThat(response.status().code()).as(response.contentUtf8()).isEqualTo(202);
      // Zipkin's server stores what its decoder read from the same bytes
      zipkin.accept((proto ? SpanBytesDecoder.PROTO3 : SpanBytesDecoder.JSON_V2).decodeList(body)).execute();
    }
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void storesEverySpanOnce() {
    assertThat(server.spanCount()).isEqualTo(zipkin.getTraces().stream().mapToInt(List::size).sum());
  }

  @Test
  void serviceSpanAndRemoteServiceNames() throws Exception {
    assertSame("/api/v2/services", names(zipkin.getServiceNames().execute()));
    List<String> services = new ArrayList<>(zipkin.getServiceNames().execute());
    services.addAll(List.of("BACKEND", "unknown", "mysql"));
    for (String service : services) {
      assertSame("/api/v2/spans?serviceName=" + service, names(zipkin.getSpanNames(service).execute()));
      assertSame("/api/v2/remoteServices?serviceName=" + service,
          names(zipkin.getRemoteServiceNames(service).execute()));
    }
    assertThat(http.get("/api/v2/services").headers().get("cache-control")).isEqualTo("max-age=300, public");
  }

  @Test
  void autocomplete() throws Exception {
    assertSame("/api/v2/autocompleteKeys", names(zipkin.getKeys().execute()));
    for (String key : List.of("env", "http.method", "error")) {
      assertSame("/api/v2/autocompleteValues?key=" + key, names(zipkin.getValues(key).execute()));
    }
  }

  @Test
  void traceSearches() throws Exception {
    List<String> services = new ArrayList<>(zipkin.getServiceNames().execute());
    services.add(null);
    List<String> remotes = new ArrayList<>();
    remotes.add(null);
    remotes.addAll(List.of("mysql", "kafka", "backend"));
    List<String> annotationQueries = new ArrayList<>();
    annotationQueries.add(null);
    annotationQueries.addAll(List.of("error", "http.method=GET", "ws and env=prod", "cache.miss", "error=timeout"));
    Random random = new Random(11);
    int compared = 0;
    for (int i = 0; i < 300; i++) {
      QueryRequest.Builder q = QueryRequest.newBuilder()
          .serviceName(services.get(random.nextInt(services.size())))
          .endTs(random.nextInt(4) == 0 ? NOW : NOW - random.nextInt(3 * 3_600_000))
          .lookback(random.nextInt(3) == 0 ? 86_400_000L : 1 + random.nextInt(3_600_000))
          .limit(List.of(1, 3, 10, 1000).get(random.nextInt(4)));
      if (random.nextInt(4) == 0) q.remoteServiceName(remotes.get(random.nextInt(remotes.size())));
      if (random.nextInt(4) == 0) q.spanName(TraceGenerator.NAMES[random.nextInt(TraceGenerator.NAMES.length)]);
      if (random.nextInt(3) == 0) q.parseAnnotationQuery(annotationQueries.get(random.nextInt(annotationQueries.size())));
      if (random.nextInt(4) == 0) {
        long min = 1 + random.nextInt(100_000);
        q.minDuration(min);
        if (random.nextBoolean()) q.maxDuration(min + random.nextInt(100_000));
      }
      QueryRequest request = q.build();
      List<List<Span>> expected = zipkin.getTraces(request).execute();
      if (!expected.isEmpty()) compared++;
      assertSame(tracesPath(request), traces(expected));
    }
    assertThat(compared).as("searches that found traces").isGreaterThan(100);
    // without endTs and lookback: Zipkin's defaults, now and one day
    QueryRequest defaults = QueryRequest.newBuilder().endTs(System.currentTimeMillis()).lookback(86_400_000L)
        .limit(10).build();
    assertSame("/api/v2/traces", traces(zipkin.getTraces(defaults).execute()));
    assertSame("/api/v2/traces?serviceName=Backend&limit=50",
        traces(zipkin.getTraces(defaults.toBuilder().serviceName("Backend").limit(50).build()).execute()));
  }

  @Test
  void tracesById() throws Exception {
    Set<String> ids = new LinkedHashSet<>();
    for (Span span : spans) ids.add(span.traceId());
    ids.add("ffffffffffffffff");
    for (String id : ids) {
      List<Span> expected = zipkin.getTrace(id).execute();
      AggregatedHttpResponse response = http.get("/api/v2/trace/" + id);
      if (expected.isEmpty()) {
        assertThat(response.status().code()).isEqualTo(404);
      } else {
        assertThat(response.contentUtf8()).isEqualTo(new String(SpanBytesEncoder.JSON_V2.encodeList(expected)));
      }
      // a 128-bit id asked by its lower half finds what Zipkin finds
      if (id.length() == 32) {
        String low = id.substring(16);
        List<Span> lowExpected = zipkin.getTrace(low).execute();
        AggregatedHttpResponse lowResponse = http.get("/api/v2/trace/" + low);
        assertThat(lowResponse.status().code()).isEqualTo(lowExpected.isEmpty() ? 404 : 200);
      }
    }
    List<String> list = new ArrayList<>(ids);
    Random random = new Random(3);
    for (int i = 0; i < 50; i++) {
      Collections.shuffle(list, random);
      List<String> some = list.subList(0, 1 + random.nextInt(8));
      assertSame("/api/v2/traceMany?traceIds=" + String.join(",", some), traces(zipkin.getTraces(some).execute()));
    }
  }

  @Test
  void dependencies() throws Exception {
    Random random = new Random(5);
    for (int i = 0; i < 40; i++) {
      long endTs = i == 0 ? NOW : NOW - random.nextInt(3 * 3_600_000);
      long lookback = i == 0 ? 86_400_000L : 1 + random.nextInt(7_200_000);
      List<DependencyLink> expected = zipkin.getDependencies(endTs, lookback).execute();
      if (i == 0) assertThat(expected).hasSizeGreaterThan(10);
      assertSame("/api/v2/dependencies?endTs=" + endTs + "&lookback=" + lookback,
          new String(DependencyLinkBytesEncoder.JSON_V1.encodeList(expected), StandardCharsets.UTF_8));
    }
    // lookback defaults to one day
    assertSame("/api/v2/dependencies?endTs=" + NOW,
        new String(DependencyLinkBytesEncoder.JSON_V1.encodeList(zipkin.getDependencies(NOW, 86_400_000L).execute())));
  }

  @Test
  void neighborhoodCallsEqualDependencyLinks() throws Exception {
    List<DependencyLink> links = zipkin.getDependencies(NOW, 86_400_000L).execute();
    for (String service : zipkin.getServiceNames().execute()) {
      Neighborhood view = ResourceCodec.json().readValue(
          http.get("/api/ooda/v1/services/" + service + "/neighborhood?hops=1&lookback=86400000&endTs=" + NOW)
              .content().array(), Neighborhood.class);
      for (Neighborhood.Edge edge : view.edges()) {
        DependencyLink link = links.stream()
            .filter(l -> l.parent().equals(edge.parent()) && l.child().equals(edge.child())).findFirst().orElseThrow();
        assertThat(edge.calls()).isEqualTo(link.callCount());
        assertThat(edge.errors()).isEqualTo(link.errorCount());
      }
      long expectedEdges = links.stream().filter(l -> l.parent().equals(service) || l.child().equals(service)).count();
      assertThat(view.edges()).hasSize((int) expectedEdges);
    }
  }

  static void assertSame(String pathAndQuery, String expected) {
    AggregatedHttpResponse response = http.get(pathAndQuery);
    assertThat(response.status().code()).as(pathAndQuery + " " + response.contentUtf8()).isEqualTo(200);
    assertThat(response.contentType().is(MediaType.JSON)).isTrue();
    assertThat(response.contentUtf8()).as(pathAndQuery).isEqualTo(expected);
  }

  /** How Zipkin's server writes a name list: sorted JSON strings. */
  static String names(List<String> names) throws Exception {
    List<String> sorted = new ArrayList<>(names);
    Collections.sort(sorted);
    return ResourceCodec.json().writeValueAsString(sorted);
  }

  /** How Zipkin's server writes a list of traces. */
  static String traces(List<List<Span>> traces) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < traces.size(); i++) {
      if (i > 0) b.append(',');
      b.append(new String(SpanBytesEncoder.JSON_V2.encodeList(traces.get(i)), StandardCharsets.UTF_8));
    }
    return b.append(']').toString();
  }

  static String tracesPath(QueryRequest r) {
    StringBuilder b = new StringBuilder("/api/v2/traces?endTs=").append(r.endTs())
        .append("&lookback=").append(r.lookback()).append("&limit=").append(r.limit());
    if (r.serviceName() != null) b.append("&serviceName=").append(r.serviceName());
    if (r.remoteServiceName() != null) b.append("&remoteServiceName=").append(r.remoteServiceName());
    if (r.spanName() != null) b.append("&spanName=").append(encode(r.spanName()));
    if (r.annotationQueryString() != null) b.append("&annotationQuery=").append(encode(r.annotationQueryString()));
    if (r.minDuration() != null) b.append("&minDuration=").append(r.minDuration());
    if (r.maxDuration() != null) b.append("&maxDuration=").append(r.maxDuration());
    return b.toString();
  }

  static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
