package dev.ooda.trace;

import static org.assertj.core.api.Assertions.assertThat;

import brave.Span;
import brave.Tracing;
import brave.propagation.TraceContextOrSamplingFlags;
import dev.ooda.model.ResourceCodec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import zipkin2.DependencyLink;
import zipkin2.codec.DependencyLinkBytesDecoder;
import zipkin2.codec.SpanBytesDecoder;
import zipkin2.reporter.Encoding;
import zipkin2.reporter.brave.AsyncZipkinSpanHandler;
import zipkin2.reporter.urlconnection.URLConnectionSender;

/**
 * Real Brave tracers in two services report through zipkin-reporter's HTTP sender (gzipped, in
 * JSON and in proto3) to ooda's collector, as an unchanged Zipkin setup would.
 */
class BraveReportingTest {
  TraceServer server;
  TestHttp http;

  @BeforeEach
  void start() {
    server = new TraceServer(TraceOptions.builder().port(0).build()).start();
    http = new TestHttp(server.port());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @ParameterizedTest
  @EnumSource(value = Encoding.class, names = {"JSON", "PROTO3"})
  void braveSpansArriveAndLink(Encoding encoding) throws Exception {
    URLConnectionSender sender = URLConnectionSender.newBuilder()
        .endpoint("http://127.0.0.1:" + server.port() + "/api/v2/spans")
        .encoding(encoding)
        .compressionEnabled(true)
        .build();
    AsyncZipkinSpanHandler handler = AsyncZipkinSpanHandler.newBuilder(sender).build();
    Tracing frontend = Tracing.newBuilder().localServiceName("frontend").addSpanHandler(handler).build();
    Tracing backend = Tracing.newBuilder().localServiceName("backend").addSpanHandler(handler).build();

    long t0 = System.currentTimeMillis() * 1000 - 1_000_000;
    Span root = frontend.tracer().newTrace().name("get /checkout").kind(Span.Kind.SERVER).start(t0);
    Span client = frontend.tracer().newChild(root.context()).name("post /pay").kind(Span.Kind.CLIENT)
        .remoteServiceName("backend").start(t0 + 1_000);

    // B3 headers cross the wire; the backend joins the client's span, as Brave does by default
    Map<String, String> headers = new HashMap<>();
    frontend.propagation().injector(Map<String, String>::put).inject(client.context(), headers);
    TraceContextOrSamplingFlags extracted = backend.propagation().extractor(Map<String, String>::get).extract(headers);
    Span server = backend.tracer().joinSpan(extracted.context()).name("post /pay").kind(Span.Kind.SERVER).start(t0 + 2_000);
    Span query = backend.tracer().newChild(server.context()).name("insert").kind(Span.Kind.CLIENT)
        .remoteServiceName("mysql").tag("error", "deadlock").start(t0 + 3_000);
    query.finish(t0 + 8_000);
    server.finish(t0 + 20_000);
    client.finish(t0 + 25_000);
    root.finish(t0 + 30_000);

    handler.flush(); // posts synchronously: the collector has answered when this returns
    backend.close();
    frontend.close();
    handler.close();
    sender.close();

    String traceId = root.context().traceIdString();
    List<zipkin2.Span> trace = SpanBytesDecoder.JSON_V2.decodeList(http.get("/api/v2/trace/" + traceId).content().array());
    assertThat(trace).hasSize(4);
    assertThat(trace).extracting(zipkin2.Span::localServiceName).containsOnly("frontend", "backend");
    assertThat(trace).filteredOn(s -> Boolean.TRUE.equals(s.shared())).singleElement()
        .satisfies(s -> assertThat(s.id()).isEqualTo(client.context().spanIdString()));

    assertThat(http.get("/api/v2/services").contentUtf8()).isEqualTo("[\"backend\",\"frontend\"]");
    assertThat(http.get("/api/v2/remoteServices?serviceName=backend").contentUtf8()).isEqualTo("[\"mysql\"]");
    assertThat(http.get("/api/v2/spans?serviceName=frontend").contentUtf8()).isEqualTo("[\"get /checkout\",\"post /pay\"]");

    List<DependencyLink> links = DependencyLinkBytesDecoder.JSON_V1.decodeList(
        http.get("/api/v2/dependencies?endTs=" + System.currentTimeMillis()).content().array());
    assertThat(links).containsExactlyInAnyOrder(
        DependencyLink.newBuilder().parent("frontend").child("backend").callCount(1).build(),
        DependencyLink.newBuilder().parent("backend").child("mysql").callCount(1).errorCount(1).build());

    Neighborhood view = ResourceCodec.json().readValue(
        http.get("/api/ooda/v1/services/backend/neighborhood?lookback=1h").content().array(), Neighborhood.class);
    assertThat(view.edges()).extracting(Neighborhood.Edge::parent, Neighborhood.Edge::child, Neighborhood.Edge::p50Ms)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("backend", "mysql", 5.0),
            org.assertj.core.groups.Tuple.tuple("frontend", "backend", 24.0)); // the client's view of the call
  }
}
