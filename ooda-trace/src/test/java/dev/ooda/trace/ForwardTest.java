package dev.ooda.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.Test;
import zipkin2.Span;
import zipkin2.codec.SpanBytesEncoder;

/** {@code --forward}: every accepted span goes on to another Zipkin-compatible server. */
class ForwardTest {
  @Test
  void spansAreForwarded() throws Exception {
    try (TraceServer downstream = new TraceServer(TraceOptions.builder().port(0).build()).start();
         TraceServer upstream = new TraceServer(TraceOptions.builder().port(0)
             .forwardUrl("http://127.0.0.1:" + downstream.port()).build()).start()) {
      List<Span> spans = StoreBoundsTest.trace(7, "svc", 5);
      assertThat(new TestHttp(upstream.port()).postJson(SpanBytesEncoder.JSON_V2.encodeList(spans)).status().code())
          .isEqualTo(202);
      long deadline = System.nanoTime() + 20_000_000_000L;
      while (downstream.spanCount() < 5 && System.nanoTime() < deadline) Thread.sleep(50);
      assertThat(downstream.spanCount()).isEqualTo(5);
      assertThat(new TestHttp(downstream.port()).get("/api/v2/trace/0000000000000007").contentUtf8())
          .isEqualTo(new String(SpanBytesEncoder.JSON_V2.encodeList(spans)));
    }
  }

  @Test
  void aDeadForwardTargetNeverBlocksIngest() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    try (TraceServer server = new TraceServer(TraceOptions.builder().port(0)
        .forwardUrl("http://127.0.0.1:" + closedPort + "/api/v2/spans").build()).start()) {
      TestHttp http = new TestHttp(server.port());
      for (int n = 1; n <= 20; n++) {
        assertThat(http.postJson(SpanBytesEncoder.JSON_V2.encodeList(StoreBoundsTest.trace(n, "svc", 5))).status().code())
            .isEqualTo(202);
      }
      assertThat(server.spanCount()).isEqualTo(100);
      long deadline = System.nanoTime() + 20_000_000_000L;
      String dropped = "";
      while (System.nanoTime() < deadline) {
        dropped = http.get("/metrics").contentUtf8().lines()
            .filter(l -> l.startsWith("ooda_trace_forward_spans_dropped_total")).findFirst().orElse("");
        if (!dropped.isEmpty() && !dropped.endsWith(" 0.0")) break;
        Thread.sleep(100);
      }
      assertThat(dropped).doesNotEndWith(" 0.0").isNotEmpty();
    }
  }

  @Test
  void forwardUrlGetsTheSpansPath() {
    assertThat(Forwarder.spansEndpoint("http://zipkin:9411")).isEqualTo("http://zipkin:9411/api/v2/spans");
    assertThat(Forwarder.spansEndpoint("http://zipkin:9411/")).isEqualTo("http://zipkin:9411/api/v2/spans");
    assertThat(Forwarder.spansEndpoint("http://zipkin:9411/custom")).isEqualTo("http://zipkin:9411/custom");
  }
}
