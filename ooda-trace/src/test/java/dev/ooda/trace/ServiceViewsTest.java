package dev.ooda.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.ooda.model.ProblemException;
import dev.ooda.model.ResourceCodec;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import zipkin2.Endpoint;
import zipkin2.Span;
import zipkin2.codec.SpanBytesEncoder;

/**
 * Constructed traces with known latencies and errors:
 * <pre>
 *   gateway -> frontend -> backend -> mysql     (four traces, 50s, 40s, 30s and 20s before END)
 *   worker  -> frontend                          (one trace, 5s before END)
 * </pre>
 */
class ServiceViewsTest {
  static final long END = 1_700_000_000_000L;
  static final long S = 1_000_000L; // a second in micros
  static final long MS = 1_000L;

  static TraceServer server;
  static TestHttp http;

  @BeforeAll
  static void load() {
    server = new TraceServer(TraceOptions.builder().port(0).build()).start();
    http = new TestHttp(server.port());
    List<Span> spans = new ArrayList<>();
    long[] ago = {50, 40, 30, 20};
    long[] gatewayClient = {10, 20, 30, 40};
    long[] frontendServer = {8, 18, 28, 38};
    long[] frontendClient = {5, 5, 5, 100};
    long[] mysql = {1, 2, 3, 4};
    for (int i = 0; i < 4; i++) {
      String trace = String.format("%016x", i + 1);
      long t = END * MS - ago[i] * S;
      spans.add(span(trace, "a", null, Span.Kind.SERVER, "gateway", null, t, 60 * MS, false));
      spans.add(span(trace, "b", "a", Span.Kind.CLIENT, "gateway", "frontend", t + 1, gatewayClient[i] * MS, false));
      // the frontend fails once, in the trace 40s ago
      spans.add(span(trace, "c", "b", Span.Kind.SERVER, "frontend", null, t + 2, frontendServer[i] * MS, i == 1));
      spans.add(span(trace, "d", "c", Span.Kind.CLIENT, "frontend", "backend", t + 3, frontendClient[i] * MS, false));
      // the backend fails once, in the last trace; the call from the frontend counts as an error
      spans.add(span(trace, "e", "d", Span.Kind.SERVER, "backend", null, t + 4, 3 * MS, i == 3));
      spans.add(span(trace, "f", "e", Span.Kind.CLIENT, "backend", "mysql", t + 5, mysql[i] * MS, false));
    }
    long t = END * MS - 5 * S;
    spans.add(span("00000000000000ff", "a", null, Span.Kind.CLIENT, "worker", "frontend", t, 50 * MS, false));
    spans.add(span("00000000000000ff", "b", "a", Span.Kind.SERVER, "frontend", null, t + 1, 45 * MS, false));
    assertThat(http.postJson(SpanBytesEncoder.JSON_V2.encodeList(spans)).status().code()).isEqualTo(202);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static Span span(String trace, String id, String parent, Span.Kind kind, String service, String remote, long ts,
      long duration, boolean error) {
    Span.Builder b = Span.newBuilder().traceId(trace).id(id).parentId(parent).kind(kind).name("call")
        .localEndpoint(Endpoint.newBuilder().serviceName(service).build()).timestamp(ts).duration(duration);
    if (remote != null) b.remoteEndpoint(Endpoint.newBuilder().serviceName(remote).build());
    if (error) b.putTag("error", "500");
    return b.build();
  }

  static <T> T get(String path, Class<T> type) throws Exception {
    var response = http.get(path);
    assertThat(response.status().code()).as(response.contentUtf8()).isEqualTo(200);
    return ResourceCodec.json().readValue(response.content().array(), type);
  }

  @Test
  void neighborhoodOneHop() throws Exception {
    Neighborhood view = get("/api/ooda/v1/services/Frontend/neighborhood?endTs=" + END + "&lookback=60000",
        Neighborhood.class);
    assertThat(view.service()).isEqualTo("frontend");
    assertThat(view.nodes()).containsExactly(
        new Neighborhood.Node("frontend", 0, 0),
        new Neighborhood.Node("gateway", 1, null),
        new Neighborhood.Node("worker", 1, null),
        new Neighborhood.Node("backend", null, 1));
    assertThat(view.edges()).hasSize(3);
    Neighborhood.Edge fromGateway = view.edges().get(1);
    assertThat(fromGateway.parent()).isEqualTo("gateway");
    // the client's latency: 10, 20, 30, 40 ms; the frontend's own failure counts
    assertThat(fromGateway.calls()).isEqualTo(4);
    assertThat(fromGateway.errors()).isEqualTo(1);
    assertThat(fromGateway.errorRate()).isEqualTo(0.25);
    assertThat(fromGateway.callsPerSecond()).isCloseTo(4 / 60.0, within(1e-9));
    assertThat(List.of(fromGateway.p50Ms(), fromGateway.p95Ms(), fromGateway.p99Ms())).containsExactly(20.0, 40.0, 40.0);

    Neighborhood.Edge toBackend = view.edges().get(0);
    assertThat(toBackend).isEqualTo(new Neighborhood.Edge("frontend", "backend", 4, 1, 4 / 60.0, 0.25, 5.0, 100.0, 100.0));
    assertThat(view.edges().get(2)).isEqualTo(new Neighborhood.Edge("worker", "frontend", 1, 0, 1 / 60.0, 0.0, 50.0, 50.0, 50.0));
  }

  @Test
  void neighborhoodTwoHopsReachesTheDatabase() throws Exception {
    Neighborhood view = get("/api/ooda/v1/services/frontend/neighborhood?hops=2&endTs=" + END + "&lookback=1m",
        Neighborhood.class);
    assertThat(view.nodes()).extracting(Neighborhood.Node::name)
        .containsExactly("frontend", "gateway", "worker", "backend", "mysql");
    assertThat(view.nodes().get(4)).isEqualTo(new Neighborhood.Node("mysql", null, 2));
    assertThat(view.edges()).extracting(e -> e.parent() + ">" + e.child())
        .containsExactly("backend>mysql", "frontend>backend", "gateway>frontend", "worker>frontend");
    assertThat(view.edges().get(0)).isEqualTo(new Neighborhood.Edge("backend", "mysql", 4, 0, 4 / 60.0, 0.0, 2.0, 4.0, 4.0));
  }

  @Test
  void neighborhoodWindowLeavesOlderTracesOut() throws Exception {
    // the last 25s hold the trace 20s ago and the worker's
    Neighborhood view = get("/api/ooda/v1/services/backend/neighborhood?endTs=" + END + "&lookback=25s",
        Neighborhood.class);
    assertThat(view.edges()).containsExactly(
        new Neighborhood.Edge("backend", "mysql", 1, 0, 1 / 25.0, 0.0, 4.0, 4.0, 4.0),
        new Neighborhood.Edge("frontend", "backend", 1, 1, 1 / 25.0, 1.0, 100.0, 100.0, 100.0));
  }

  @Test
  void redPerWindow() throws Exception {
    Red red = get("/api/ooda/v1/services/frontend/red?endTs=" + END + "&lookback=60s&step=20s", Red.class);
    assertThat(red.windows()).containsExactly(
        new Red.Window(END - 60_000, END - 40_000, 1, 1 / 20.0, 0, 0.0, 8.0, 8.0, 8.0),
        new Red.Window(END - 40_000, END - 20_000, 2, 2 / 20.0, 1, 0.5, 18.0, 28.0, 28.0),
        new Red.Window(END - 20_000, END, 2, 2 / 20.0, 0, 0.0, 38.0, 45.0, 45.0));
    assertThat(red.total()).isEqualTo(new Red.Window(END - 60_000, END, 5, 5 / 60.0, 1, 0.2, 28.0, 45.0, 45.0));
    // an empty window has no latency
    Red quiet = get("/api/ooda/v1/services/frontend/red?endTs=" + (END + 600_000) + "&lookback=1m", Red.class);
    assertThat(quiet.total()).isEqualTo(new Red.Window(END - 60_000 + 600_000, END + 600_000, 0, 0.0, 0, 0.0, null, null, null));
    assertThat(quiet.windows()).hasSize(1);
  }

  @Test
  void depsTableThroughTheClient() {
    TraceClient client = new TraceClient(URI.create("http://127.0.0.1:" + server.port()));
    // the views default to a window ending now, long after END
    assertThat(DepsTable.render(client.neighborhood("frontend", 1, "15m")))
        .isEqualTo("frontend: 1 hop each way, last 15m\nno calls to or from frontend in the last 15m\n");
    assertThatThrownBy(() -> client.neighborhood("nobody", 1, "15m"))
        .isInstanceOfSatisfying(ProblemException.class, e -> assertThat(e.problem().status()).isEqualTo(404));
    assertThat(client.red("backend", "1m", "1m").windows()).hasSize(1);
  }

  @Test
  void depsTableRendering() throws Exception {
    Neighborhood view = get("/api/ooda/v1/services/frontend/neighborhood?hops=2&endTs=" + END + "&lookback=1m",
        Neighborhood.class);
    assertThat(DepsTable.render(view)).isEqualTo("""
        frontend: 2 hops each way, last 1m
        SIDE    CALLER    CALLEE    CALLS  CALLS/S  ERRORS  P50 MS  P95 MS  P99 MS
        up 1    gateway   frontend      4     0.07   25.0%    20.0    40.0    40.0
        up 1    worker    frontend      1     0.02    0.0%    50.0    50.0    50.0
        down 1  frontend  backend       4     0.07   25.0%     5.0   100.0   100.0
        down 2  backend   mysql         4     0.07    0.0%     2.0     4.0     4.0
        """);
  }
}
