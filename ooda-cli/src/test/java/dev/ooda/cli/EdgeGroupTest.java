package dev.ooda.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.ooda.gateway.GatewayOptions;
import dev.ooda.gateway.GatewayServer;
import dev.ooda.testing.Eventually;
import dev.ooda.testing.TestControl;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A group changed with {@code ooda apply} reaches the gateway through the control plane, as under
 * {@code ooda up}: taking the gateway out of a monolith's group refuses its next calls.
 */
class EdgeGroupTest {
  static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @Test
  void removingTheGatewayFromAGroupRefusesItsNextCall() throws Exception {
    HttpServer monolith = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    monolith.createContext("/", ex -> {
      byte[] body = "{\"lamp\": 12}".getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    monolith.start();
    try (TestControl t = TestControl.start(); Platform p = new Platform(new PrintWriter(new StringWriter()))) {
      GatewayServer g = Roles.gateway(p, t.control.zookeeper(), GatewayOptions.builder().ephemeral().build(),
          t.control.identity().tokensOf("gateway"));
      String service = """
          kind: Service
          name: shop
          spec:
            endpoints: [{url: "http://127.0.0.1:%d"}]
            access: {mode: enforce, callers: [%s]}
          ---
          kind: Route
          name: shop
          spec: {match: {pathPrefix: /api/catalog}, to: [{service: shop}]}
          """;
      int port = monolith.getAddress().getPort();
      t.client().apply(service.formatted(port, "{service: orders}, {service: gateway}"));
      URI uri = URI.create("http://127.0.0.1:" + g.port() + "/api/catalog/items");
      Eventually.within(Duration.ofSeconds(10), () -> assertThat(get(uri).statusCode()).isEqualTo(200));

      t.client().apply(service.formatted(port, "{service: orders}"));
      long applied = System.nanoTime();
      Eventually.within(Duration.ofSeconds(10), () -> assertThat(get(uri).statusCode()).isEqualTo(403));
      System.out.printf("the gateway refused its first call %d ms after the apply%n", (System.nanoTime() - applied) / 1_000_000);
      HttpResponse<String> refused = get(uri);
      assertThat(refused.body()).contains("urn:ooda:problem:not-in-group", "'gateway' is not in the group of 'shop' (it has orders)");
    } finally {
      monolith.stop(0);
    }
  }

  static HttpResponse<String> get(URI uri) throws Exception {
    return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
  }
}
