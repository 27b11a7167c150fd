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
 * Flags and segments applied with {@code ooda apply} reach the gateway through the control plane,
 * as under {@code ooda up}: a route on a flag follows the flag's changes.
 */
class GatewayFlagsTest {
  static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @Test
  void aRouteOnAFlagFollowsTheFlagAndItsSegment() throws Exception {
    HttpServer origin = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    origin.createContext("/", ex -> {
      String flags = String.valueOf(ex.getRequestHeaders().getFirst("ooda-flags"));
      byte[] body = (ex.getRequestURI().getPath() + " " + flags).getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    origin.start();
    try (TestControl t = TestControl.start(); Platform p = new Platform(new PrintWriter(new StringWriter()))) {
      GatewayServer g = Roles.gateway(p, t.control.zookeeper(), GatewayOptions.builder().ephemeral().build(),
          t.control.identity().tokensOf("gateway"));
      String url = "http://127.0.0.1:" + origin.getAddress().getPort();
      t.client().apply("""
          kind: Segment
          name: staff
          spec: {constraints: [{attribute: header.x-team, operator: in, values: [checkout]}]}
          ---
          kind: Flag
          name: new-checkout
          spec:
            variants: {on: true, off: false}
            defaultVariant: off
            rules: [{id: staff, segments: [staff], variant: on}]
          ---
          kind: Route
          name: checkout-new
          spec:
            match: {pathPrefix: /checkout, flags: {new-checkout: on}}
            to: [{url: "%s"}]
            rewrite: {replacePrefix: /new-checkout}
          ---
          kind: Route
          name: checkout
          spec: {match: {pathPrefix: /checkout}, to: [{url: "%s"}], flags: [new-checkout]}
          """.formatted(url, url));
      URI uri = URI.create("http://127.0.0.1:" + g.port() + "/checkout");
      Eventually.within(Duration.ofSeconds(10), () ->
          assertThat(get(uri, "checkout").body()).isEqualTo("/new-checkout new-checkout=on"));
      assertThat(get(uri, "search").body()).isEqualTo("/checkout new-checkout=off");

      // The segment grows: the next request of its new member takes the new route.
      t.client().apply("""
          kind: Segment
          name: staff
          spec: {constraints: [{attribute: header.x-team, operator: in, values: [checkout, search]}]}
          """);
      Eventually.within(Duration.ofSeconds(10), () ->
          assertThat(get(uri, "search").body()).isEqualTo("/new-checkout new-checkout=on"));
    } finally {
      origin.stop(0);
    }
  }

  static HttpResponse<String> get(URI uri, String team) throws Exception {
    return http.send(HttpRequest.newBuilder(uri).header("X-Team", team).build(), HttpResponse.BodyHandlers.ofString());
  }
}
