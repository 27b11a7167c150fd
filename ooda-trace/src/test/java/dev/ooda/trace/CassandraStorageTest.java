package dev.ooda.trace;

import static dev.ooda.trace.ServiceViewsTest.span;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.MediaType;
import dev.ooda.model.ResourceCodec;
import dev.ooda.testing.cassandra.TestCassandra;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import zipkin2.DependencyLink;
import zipkin2.Span;
import zipkin2.codec.DependencyLinkBytesDecoder;
import zipkin2.codec.SpanBytesDecoder;
import zipkin2.codec.SpanBytesEncoder;

/**
 * The collector on Cassandra (one node for the class, Zipkin's schema created once), next to one
 * on memory given the same spans: the Zipkin API and the per-service views answer the same.
 * The traces are those of {@link ServiceViewsTest}, sent as JSON v2, gzipped JSON v2 and proto3.
 */
class CassandraStorageTest {
  static final long MS = 1_000L;
  static final long S = 1_000_000L;
  /** Recent, so that Zipkin's day buckets and its three-day TTL behave as in production. */
  static final long END = System.currentTimeMillis() / 1000 * 1000;

  static TraceServer cassandra;
  static TraceServer memory;
  static TestHttp onCassandra;
  static TestHttp onMemory;
  static List<Span> sent = new ArrayList<>();

  @BeforeAll
  static void start() {
    TestCassandra node = TestCassandra.shared();
    cassandra = new TraceServer(TraceOptions.builder().port(0)
        .storage(TraceOptions.Storage.CASSANDRA).contactPoints(node.contactPoint()).localDc(node.datacenter())
        .keyspace("ooda_traces_test").autocompleteKeys(List.of("env")).build()).start();
    memory = new TraceServer(TraceOptions.builder().port(0).autocompleteKeys(List.of("env")).build()).start();
    onCassandra = new TestHttp(cassandra.port());
    onMemory = new TestHttp(memory.port());

    // gateway -> frontend -> backend -> mysql four times, worker -> frontend once
    long[] ago = {50, 40, 30, 20};
    long[] gatewayClient = {10, 20, 30, 40};
    long[] frontendServer = {8, 18, 28, 38};
    long[] frontendClient = {5, 5, 5, 100};
    long[] mysql = {1, 2, 3, 4};
    List<List<Span>> traces = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      String trace = String.format("%016x", i + 1);
      long t = END * MS - ago[i] * S;
      traces.add(List.of(
          span(trace, "a", null, Span.Kind.SERVER, "gateway", null, t, 60 * MS, false).toBuilder()
              .putTag("env", "prod").build(),
          span(trace, "b", "a", Span.Kind.CLIENT, "gateway", "frontend", t + 1, gatewayClient[i] * MS, false),
          span(trace, "c", "b", Span.Kind.SERVER, "frontend", null, t + 2, frontendServer[i] * MS, i == 1),
          span(trace, "d", "c", Span.Kind.CLIENT, "frontend", "backend", t + 3, frontendClient[i] * MS, false),
          span(trace, "e", "d", Span.Kind.SERVER, "backend", null, t + 4, 3 * MS, i == 3),
          span(trace, "f", "e", Span.Kind.CLIENT, "backend", "mysql", t + 5, mysql[i] * MS, false)));
    }
    long t = END * MS - 5 * S;
    String worker = "4bf92f3577b34da6a3ce929d0e0e4736"; // a 128-bit id
    traces.add(List.of(
        span(worker, "a", null, Span.Kind.CLIENT, "worker", "frontend", t, 50 * MS, false),
        span(worker, "b", "a", Span.Kind.SERVER, "frontend", null, t + 1, 45 * MS, false)));
    traces.forEach(sent::addAll);

    for (TestHttp http : List.of(onCassandra, onMemory)) {
      List<Span> json = new ArrayList<>();
      traces.subList(0, 2).forEach(json::addAll);
      List<Span> gzipped = new ArrayList<>(traces.get(2));
      List<Span> proto = new ArrayList<>();
      traces.subList(3, 5).forEach(proto::addAll);
      assertAccepted(http.postJson(SpanBytesEncoder.JSON_V2.encodeList(json)));
      assertAccepted(http.post("/api/v2/spans", MediaType.JSON,
          TestHttp.gzip(SpanBytesEncoder.JSON_V2.encodeList(gzipped)), "gzip"));
      assertAccepted(http.post("/api/v2/spans", MediaType.PROTOBUF, SpanBytesEncoder.PROTO3.encodeList(proto)));
    }
  }

  @AfterAll
  static void stop() {
    if (cassandra != null) cassandra.close();
    if (memory != null) memory.close();
  }

  private static void assertAccepted(AggregatedHttpResponse response) {
    assertThat(response.status().code()).as(response.contentUtf8()).isEqualTo(202);
  }

  @Test
  void tracesComeBackById() {
    for (String id : List.of("0000000000000001", "0000000000000004", "4bf92f3577b34da6a3ce929d0e0e4736")) {
      AggregatedHttpResponse response = onCassandra.get("/api/v2/trace/" + id);
      assertThat(response.status().code()).as(response.contentUtf8()).isEqualTo(200);
      List<Span> trace = SpanBytesDecoder.JSON_V2.decodeList(response.content().array());
      assertThat(trace).containsExactlyInAnyOrderElementsOf(sent.stream().filter(s -> s.traceId().equals(id)).toList());
    }
    assertThat(onCassandra.get("/api/v2/trace/00000000000000aa").status().code()).isEqualTo(404);
    assertThat(sameSpans(onCassandra.get("/api/v2/traceMany?traceIds=0000000000000002,0000000000000003")))
        .isEqualTo(sameSpans(onMemory.get("/api/v2/traceMany?traceIds=0000000000000002,0000000000000003")));
  }

  @Test
  void namesAnswerAsInMemory() {
    for (String path : List.of("/api/v2/services", "/api/v2/spans?serviceName=frontend",
        "/api/v2/spans?serviceName=nobody", "/api/v2/remoteServices?serviceName=frontend",
        "/api/v2/autocompleteKeys", "/api/v2/autocompleteValues?key=env")) {
      AggregatedHttpResponse response = onCassandra.get(path);
      assertThat(response.status().code()).as(path + ": " + response.contentUtf8()).isEqualTo(200);
      assertThat(response.contentUtf8()).as(path).isEqualTo(onMemory.get(path).contentUtf8());
    }
    assertThat(onCassandra.get("/api/v2/services").contentUtf8())
        .isEqualTo("[\"backend\",\"frontend\",\"gateway\",\"worker\"]");
  }

  @Test
  void searchesFindTheSameTraces() {
    String window = "&endTs=" + END + "&lookback=60000&limit=10";
    for (String query : List.of("serviceName=backend", "serviceName=frontend", "serviceName=frontend&spanName=call",
        "serviceName=gateway&annotationQuery=env%3Dprod", "serviceName=backend&annotationQuery=error",
        "serviceName=worker&remoteServiceName=frontend")) {
      AggregatedHttpResponse response = onCassandra.get("/api/v2/traces?" + query + window);
      assertThat(response.status().code()).as(query + ": " + response.contentUtf8()).isEqualTo(200);
      assertThat(sameSpans(response)).as(query).isEqualTo(sameSpans(onMemory.get("/api/v2/traces?" + query + window)));
    }
    assertThat(sameSpans(onCassandra.get("/api/v2/traces?serviceName=backend&annotationQuery=error" + window)))
        .hasSize(1); // the one trace where the backend failed
  }

  @Test
  void dependenciesAreLinkedFromTheTracesOfTheWindow() {
    String path = "/api/v2/dependencies?endTs=" + END + "&lookback=60000";
    AggregatedHttpResponse response = onCassandra.get(path);
    assertThat(response.status().code()).as(response.contentUtf8()).isEqualTo(200);
    List<DependencyLink> links = DependencyLinkBytesDecoder.JSON_V1.decodeList(response.content().array());
    assertThat(links).containsExactlyInAnyOrderElementsOf(
        DependencyLinkBytesDecoder.JSON_V1.decodeList(onMemory.get(path).content().array()));
    assertThat(links).contains(DependencyLink.newBuilder().parent("frontend").child("backend").callCount(4).errorCount(1)
        .build());
  }

  @Test
  void serviceViewsAnswerAsInMemory() throws Exception {
    for (String path : List.of(
        "/api/ooda/v1/services/frontend/neighborhood?hops=2&endTs=" + END + "&lookback=1m",
        "/api/ooda/v1/services/backend/neighborhood?endTs=" + END + "&lookback=25s",
        "/api/ooda/v1/services/frontend/red?endTs=" + END + "&lookback=60s&step=20s",
        "/api/ooda/v1/services/nobody/red?endTs=" + END)) {
      AggregatedHttpResponse response = onCassandra.get(path);
      assertThat(response.contentUtf8()).as(path).isEqualTo(onMemory.get(path).contentUtf8());
    }
    Red red = ResourceCodec.json().readValue(
        onCassandra.get("/api/ooda/v1/services/frontend/red?endTs=" + END + "&lookback=60s&step=20s").content().array(),
        Red.class);
    assertThat(red.total().requests()).isEqualTo(5);
  }

  @Test
  void anUnreachableClusterIsNamed() {
    assertThatThrownBy(() -> new TraceServer(TraceOptions.builder().port(0).storage(TraceOptions.Storage.CASSANDRA)
        .contactPoints("127.0.0.1:1").build()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cannot use Cassandra at 127.0.0.1:1");
  }

  /** Traces as sets of spans: Cassandra lists a trace's spans in its own order. */
  private static Set<Set<Span>> sameSpans(AggregatedHttpResponse response) {
    assertThat(response.status().code()).as(response.contentUtf8()).isEqualTo(200);
    Set<Set<Span>> traces = new HashSet<>();
    for (byte[] trace : splitTraces(response.content().array())) {
      traces.add(new HashSet<>(SpanBytesDecoder.JSON_V2.decodeList(trace)));
    }
    return traces;
  }

  /** The JSON arrays inside a JSON array of traces. */
  private static List<byte[]> splitTraces(byte[] json) {
    List<byte[]> result = new ArrayList<>();
    int depth = 0;
    int start = -1;
    boolean inString = false;
    for (int i = 0; i < json.length; i++) {
      byte b = json[i];
      if (inString) {
        if (b == '\\') i++;
        else if (b == '"') inString = false;
        continue;
      }
      if (b == '"') inString = true;
      else if (b == '[' && ++depth == 2) start = i;
      else if (b == ']' && depth-- == 2) result.add(java.util.Arrays.copyOfRange(json, start, i + 1));
    }
    return result;
  }
}
