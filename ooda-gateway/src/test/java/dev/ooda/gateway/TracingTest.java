package dev.ooda.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import zipkin2.DependencyLink;
import zipkin2.Span;
import zipkin2.codec.SpanBytesDecoder;
import zipkin2.internal.DependencyLinker;

class TracingTest extends GatewayTestSupport {

  private final List<Span> spans = new CopyOnWriteArrayList<>();

  private String collector() throws Exception {
    HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    s.createContext("/api/v2/spans", ex -> {
      var in = "gzip".equals(ex.getRequestHeaders().getFirst("Content-Encoding"))
          ? new java.util.zip.GZIPInputStream(ex.getRequestBody()) : ex.getRequestBody();
      spans.addAll(SpanBytesDecoder.JSON_V2.decodeList(in.readAllBytes()));
      ex.sendResponseHeaders(202, -1);
      ex.close();
    });
    s.start();
    closeables.add(() -> s.stop(0));
    return "http://127.0.0.1:" + s.getAddress().getPort();
  }

  @Test
  void acceptsB3ForwardsW3cAndReportsTheGatewaySpan() throws Exception {
    TestOrigin o = origin("o");
    GatewayServer g = gateway(GatewayOptions.builder().ephemeral().ioThreads(1).zipkinUrl(collector()).build());
    g.routes(yaml("kind: Route\nname: catalog\nspec: {match: {pathPrefix: /c}, to: [{url: '" + o.url() + "'}]}\n"));
    get(g, "/c/1", "X-B3-TraceId", "463ac35c9f6413ad", "X-B3-SpanId", "a2fb4a1d1a96d312", "X-B3-Sampled", "1");
    String tp = o.last().header("traceparent");
    assertThat(tp).startsWith("00-0000000000000000463ac35c9f6413ad-").endsWith("-01");
    assertThat(o.last().header("X-B3-TraceId")).isNull();
    String originsParent = tp.substring(36, 52);
    ObservabilityTest.waitFor(() -> spans.size() >= 2);
    assertThat(spans).hasSize(2);
    Span s = only(Span.Kind.SERVER);
    assertThat(s.traceId()).isEqualTo("463ac35c9f6413ad");
    assertThat(s.parentId()).isEqualTo("a2fb4a1d1a96d312");
    assertThat(s.localServiceName()).isEqualTo("gateway");
    assertThat(s.tags()).containsEntry("http.status_code", "200").containsEntry("ooda.route", "catalog");
    // The call to the origin is a CLIENT span, child of the SERVER span, and the origin's parent.
    Span c = only(Span.Kind.CLIENT);
    assertThat(c.traceId()).isEqualTo("463ac35c9f6413ad");
    assertThat(c.parentId()).isEqualTo(s.id());
    assertThat(c.id()).isEqualTo(originsParent);
    assertThat(c.localServiceName()).isEqualTo("gateway");
    assertThat(c.remoteEndpoint().ipv4()).isEqualTo("127.0.0.1");
    assertThat(c.remoteEndpoint().portAsInt()).isEqualTo(o.port());
    assertThat(c.tags()).containsEntry("http.status_code", "200");
  }

  private Span only(Span.Kind kind) {
    List<Span> of = spans.stream().filter(s -> s.kind() == kind).toList();
    assertThat(of).hasSize(1);
    return of.get(0);
  }

  @Test
  void theGatewaysClientSpanLinksItToAServiceThatDoesNotTraceAndOnceToOneThatDoes() throws Exception {
    TestOrigin monolith = origin("monolith");
    TestOrigin catalog = origin("catalog");
    GatewayServer g = gateway(GatewayOptions.builder().ephemeral().ioThreads(1).zipkinUrl(collector()).build());
    g.routes(yaml("""
        kind: Route
        name: catalog
        spec: {match: {pathPrefix: /catalog}, to: [{service: catalog}]}
        ---
        kind: Route
        name: rest
        spec: {match: {pathPrefix: /}, to: [{service: monolith}]}
        """));
    g.instances("monolith", List.of(monolith.instance("monolith", null)));
    g.instances("catalog", List.of(catalog.instance("catalog", null)));

    get(g, "/orders");
    ObservabilityTest.waitFor(() -> spans.size() >= 2);
    assertThat(new DependencyLinker().putTrace(List.copyOf(spans)).link())
        .containsExactly(DependencyLink.newBuilder().parent("gateway").child("monolith").callCount(1).build());

    // An instrumented service reports its own SERVER span, child of the gateway's CLIENT span.
    spans.clear();
    get(g, "/catalog/1");
    String[] tp = catalog.last().header("traceparent").split("-");
    ObservabilityTest.waitFor(() -> spans.size() >= 2);
    List<Span> trace = new ArrayList<>(spans);
    trace.add(Span.newBuilder().traceId(tp[1]).parentId(tp[2]).id("00000000000000c1").kind(Span.Kind.SERVER)
        .name("get /catalog/1").localEndpoint(zipkin2.Endpoint.newBuilder().serviceName("catalog").build())
        .timestamp(trace.get(0).timestampAsLong() + 10).duration(5).build());
    assertThat(new DependencyLinker().putTrace(trace).link())
        .containsExactly(DependencyLink.newBuilder().parent("gateway").child("catalog").callCount(1).build());
  }

  @Test
  void acceptsW3cAndStartsATraceWhenThereIsNone() throws Exception {
    TestOrigin o = origin("o");
    GatewayServer g = gateway(GatewayOptions.builder().ephemeral().ioThreads(1).zipkinUrl(collector()).build());
    g.routes(yaml("""
        kind: Route
        name: traced
        spec: {match: {pathPrefix: /t}, to: [{url: '%s'}]}
        ---
        kind: Route
        name: quiet
        spec: {match: {pathPrefix: /q}, to: [{url: '%s'}], sampleRate: 0}
        """.formatted(o.url(), o.url())));
    get(g, "/t", "traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    assertThat(o.last().header("traceparent")).startsWith("00-4bf92f3577b34da6a3ce929d0e0e4736-").endsWith("-01")
        .doesNotContain("00f067aa0ba902b7");
    get(g, "/t");
    String fresh = o.last().header("traceparent");
    assertThat(fresh).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01").doesNotContain("4bf92f3577b34da6a3ce929d0e0e4736");
    get(g, "/q");
    assertThat(o.last().header("traceparent")).endsWith("-00");
    // A last sampled request: its spans leave the one reporter after any of /q's would have.
    String marker = "0af7651916cd43dd8448eb211c80319c";
    get(g, "/t", "traceparent", "00-" + marker + "-b7ad6b7169203331-01");
    ObservabilityTest.waitFor(() -> spans.stream().filter(s -> s.traceId().equals(marker)).count() == 2);
    // The route with sampleRate 0 reported nothing.
    assertThat(spans).hasSize(6);
    assertThat(spans).filteredOn(s -> s.kind() == Span.Kind.SERVER).extracting(Span::parentId)
        .containsExactlyInAnyOrder("00f067aa0ba902b7", null, "b7ad6b7169203331");
  }
}
