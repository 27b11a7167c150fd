package dev.ooda.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ooda.model.Health;
import dev.ooda.model.ResourceCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class ObservabilityTest extends GatewayTestSupport {

  @Test
  void writesOneJsonAccessLogLinePerRequest() throws Exception {
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    Logger access = (Logger) LoggerFactory.getLogger("ooda.access");
    access.addAppender(lines);
    try {
      TestOrigin o = origin("catalog-1");
      GatewayServer g = gateway();
      g.routes(yaml("kind: Route\nname: catalog\nspec: {match: {pathPrefix: /c}, to: [{service: catalog}]}\n"));
      g.instances("catalog", List.of(o.instance("catalog", "v1")));
      get(g, "/c/1", "traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
      get(g, "/nope");
      // the writer hands the logger bursts of lines, one message each
      java.util.function.Supplier<List<String>> all = () -> lines.list.stream()
          .flatMap(e -> java.util.Arrays.stream(e.getFormattedMessage().split("\n"))).toList();
      waitFor(() -> all.get().size() >= 2);
      assertThat(all.get()).hasSize(2);
      JsonNode ok = ResourceCodec.json().readTree(all.get().get(0));
      assertThat(ok.path("route").asText()).isEqualTo("catalog");
      assertThat(ok.path("service").asText()).isEqualTo("catalog");
      assertThat(ok.path("instance").asText()).isEqualTo("catalog-1");
      assertThat(ok.path("status").asInt()).isEqualTo(200);
      assertThat(ok.path("method").asText()).isEqualTo("GET");
      assertThat(ok.path("trace_id").asText()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
      assertThat(ok.path("caller").asText()).isEqualTo("127.0.0.1");
      assertThat(ok.path("bytes_out").asLong()).isEqualTo(9);
      assertThat(ok.has("duration_ms")).isTrue();
      JsonNode miss = ResourceCodec.json().readTree(all.get().get(1));
      assertThat(miss.path("status").asInt()).isEqualTo(404);
      assertThat(miss.path("route").isNull()).isTrue();
    } finally {
      access.detachAppender(lines);
    }
  }

  @Test
  void exposesPrometheusMetricsPerRouteTargetAndVersion() throws Exception {
    TestOrigin o = origin("o");
    GatewayServer g = gateway();
    g.routes(yaml("""
        kind: Route
        name: catalog
        spec: {match: {pathPrefix: /c}, to: [{service: catalog, version: v2}]}
        ---
        kind: Route
        name: down
        spec: {match: {pathPrefix: /d}, to: [{service: ghost}]}
        """));
    g.instances("catalog", List.of(o.instance("catalog", "v2")));
    for (int i = 0; i < 3; i++) get(g, "/c");
    get(g, "/d");
    var r = management(g, "/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body())
        .contains("ooda_gateway_requests_seconds_count{route=\"catalog\",status=\"2xx\",target=\"catalog\",version=\"v2\"} 3")
        .contains("ooda_gateway_requests_seconds_count{route=\"down\",status=\"5xx\",target=\"ghost\",version=\"\"} 1")
        .contains("ooda_gateway_requests_seconds_bucket{route=\"catalog\",status=\"2xx\",target=\"catalog\",version=\"v2\",le=\"0.1\"}")
        .contains("ooda_gateway_in_flight");
    var health = management(g, "/health");
    assertThat(health.statusCode()).isEqualTo(200);
    Health h = ResourceCodec.json().readValue(health.body(), Health.class);
    assertThat(h.status()).isEqualTo(Health.UP.status());
    assertThat(h.details()).containsEntry("routes", 2).containsKeys("services", "inFlight");
    var routes = management(g, "/routes");
    assertThat(routes.body()).contains("\"catalog\"").contains("\"down\"");
    // A route that is gone leaves /metrics.
    g.routes(yaml("kind: Route\nname: catalog\nspec: {match: {pathPrefix: /c}, to: [{service: catalog, version: v2}]}\n"));
    assertThat(management(g, "/metrics").body()).contains("route=\"catalog\"").doesNotContain("route=\"down\"");
  }

  @Test
  void restartsFromItsSnapshotWhenTheControlPlaneIsAway(@TempDir Path dir) throws Exception {
    TestOrigin o = origin("o");
    Path file = dir.resolve("gateway-snapshot.json");
    GatewayOptions opts = GatewayOptions.builder().ephemeral().ioThreads(1).snapshotFile(file).build();
    GatewayServer first = new GatewayServer(opts).start();
    try {
      first.routes(yaml("kind: Route\nname: c\nspec: {match: {pathPrefix: /c}, to: [{service: catalog}]}\n"));
      first.instances("catalog", List.of(o.instance("catalog", "v1")));
      assertThat(get(first, "/c").body()).isEqualTo("o");
    } finally {
      first.close();
    }
    assertThat(Files.readString(file)).contains("\"catalog\"");
    // Nothing is pushed to the second one: it serves what the first one was given.
    GatewayServer second = gateway(opts);
    assertThat(get(second, "/c").body()).isEqualTo("o");
  }

  @Test
  void aPortInUseFailsTheStartCleanly() throws Exception {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      GatewayServer g = new GatewayServer(GatewayOptions.builder().ephemeral().port(taken.getLocalPort()).build());
      org.assertj.core.api.Assertions.assertThatThrownBy(g::start).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("cannot start the gateway");
    }
  }

  static void waitFor(java.util.function.BooleanSupplier cond) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!cond.getAsBoolean() && System.nanoTime() < end) Thread.sleep(20);
  }
}
