package dev.ooda.kit;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.server.annotation.Get;
import dev.ooda.model.AccessLogLine;
import dev.ooda.trace.TraceOptions;
import dev.ooda.trace.TraceServer;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import zipkin2.Span;
import zipkin2.codec.SpanBytesDecoder;

/** Trace context crosses calls as W3C traceparent (B3 accepted); spans reach a Zipkin v2 collector. */
class TracingTest {
  TraceServer collector;
  TestPlatform platform;
  final LinkedBlockingQueue<AccessLogLine> frontLog = new LinkedBlockingQueue<>();
  final LinkedBlockingQueue<AccessLogLine> backLog = new LinkedBlockingQueue<>();
  final LinkedBlockingQueue<String> traceparents = new LinkedBlockingQueue<>();
  Kit edge;
  Kit front;
  Kit back;
  OodaService backServer;

  public static class Front {
    final OodaClient back;

    Front(OodaClient back) {
      this.back = back;
    }

    @Get("/page")
    public String page() {
      return "page with " + back.get("/part").as(String.class);
    }
  }

  @BeforeEach
  void start() {
    collector = new TraceServer(TraceOptions.builder().port(0).build()).start();
    String zipkin = "http://127.0.0.1:" + collector.port();
    platform = new TestPlatform();
    back = platform.kit("back", o -> o.zipkin(zipkin));
    backServer = platform.serve(back, b -> b.accessLog(backLog::add).service("/part", (ctx, req) -> {
      String tp = req.headers().get("traceparent");
      if (tp != null) traceparents.add(tp);
      return HttpResponse.of("part");
    }));
    front = platform.kit("front", o -> o.zipkin(zipkin));
    platform.serve(front, b -> b.accessLog(frontLog::add).annotatedService(new Front(front.client("back"))));
    edge = platform.kit("edge", o -> o.zipkin(zipkin));
  }

  @AfterEach
  void stop() throws Exception {
    platform.close();
    collector.close();
  }

  @Test
  void oneTraceAcrossTwoServicesReachesTheCollector() throws Exception {
    assertThat(edge.client("front").get("/page").as(String.class)).isEqualTo("page with part");
    AccessLogLine atFront = frontLog.poll(10, TimeUnit.SECONDS);
    AccessLogLine atBack = backLog.poll(10, TimeUnit.SECONDS);
    assertThat(atFront.traceId()).hasSize(32).isEqualTo(atBack.traceId());
    assertThat(atBack.caller()).isEqualTo("front");

    // W3C on the wire: version 00, the trace id, the front's client span, sampled
    String tp = traceparents.poll(10, TimeUnit.SECONDS);
    assertThat(tp).matches("00-" + atFront.traceId() + "-[0-9a-f]{16}-01");

    // spans end when their request logs complete, just after the answers; then they are flushed
    Eventually.until("the four spans are collected", () -> {
      for (Kit k : List.of(edge, front, back)) k.flushSpans();
      return spans(atFront.traceId()).size() == 4;
    });
    List<Span> trace = spans(atFront.traceId());
    assertThat(trace).extracting(s -> s.localServiceName() + " " + s.kind()).containsExactlyInAnyOrder(
        "edge CLIENT", "front SERVER", "front CLIENT", "back SERVER");
    Span frontClient = trace.stream().filter(s -> s.localServiceName().equals("front") && s.kind() == Span.Kind.CLIENT).findFirst().orElseThrow();
    Span backServerSpan = trace.stream().filter(s -> s.localServiceName().equals("back")).findFirst().orElseThrow();
    assertThat(backServerSpan.parentId()).isEqualTo(frontClient.id());
    assertThat(tp).contains("-" + frontClient.id() + "-");
    assertThat(frontClient.remoteServiceName()).isEqualTo("back");
    assertThat(atBack.spanId()).isEqualTo(backServerSpan.id());
  }

  List<Span> spans(String traceId) {
    var r = WebClient.of("http://127.0.0.1:" + collector.port()).get("/api/v2/trace/" + traceId).aggregate().join();
    return r.status().code() == 200 ? SpanBytesDecoder.JSON_V2.decodeList(r.content().array()) : List.of();
  }

  @Test
  void b3ContextFromACallerIsJoined() throws Exception {
    String traceId = "463ac35c9f6413ad48485a3953bb6124";
    WebClient.of("http://127.0.0.1:" + backServer.port())
        .execute(RequestHeaders.builder(HttpMethod.GET, "/part").add("b3", traceId + "-a2fb4a1d1a96d312-1").build())
        .aggregate().join();
    AccessLogLine line = backLog.poll(10, TimeUnit.SECONDS);
    assertThat(line.traceId()).isEqualTo(traceId);
    assertThat(line.spanId()).isNotEqualTo("a2fb4a1d1a96d312");
  }
}
