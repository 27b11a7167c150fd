package dev.ooda.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.ooda.gateway.GatewayOptions;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ooda.gateway.GatewayServer;
import dev.ooda.kit.flags.OodaEvents;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Flags and segments applied with {@code ooda apply} reach the gateway through the control plane,
 * as under {@code ooda up}: a route on a flag follows the flag's changes.
 */
class GatewayFlagsTest {
  static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @Test
  void aRouteOnAFlagFollowsTheFlagAndItsSegment() throws Exception {
    HttpServer origin = origin(true);
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

  /** An origin that answers with the path it was sent and, when asked, the {@code ooda-flags} it got. */
  static HttpServer origin(boolean withFlags) throws java.io.IOException {
    HttpServer origin = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    origin.createContext("/", ex -> {
      String answer = ex.getRequestURI().getPath() + (withFlags ? " " + ex.getRequestHeaders().getFirst("ooda-flags") : "");
      byte[] body = answer.getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    origin.start();
    return origin;
  }

  static HttpResponse<String> get(URI uri, String team) throws Exception {
    return http.send(HttpRequest.newBuilder(uri).header("X-Team", team).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void anExperimentOnARouteCountsTheGatewaysUnitsInItsResults() throws Exception {
    HttpServer origin = origin(false);
    try (TestControl t = TestControl.start(); Platform p = new Platform(new PrintWriter(new StringWriter()))) {
      GatewayServer g = Roles.gateway(p, t.control.zookeeper(), GatewayOptions.builder().ephemeral().build())
          .exposures(p.add(new OodaEvents(List.of(URI.create(t.control.url())))));
      String url = "http://127.0.0.1:" + origin.getAddress().getPort();
      t.client().apply("""
          kind: Flag
          name: new-checkout
          spec: {variants: {on: true, off: false}, defaultVariant: off}
          ---
          kind: Experiment
          name: one-page
          spec:
            owner: team-checkout
            flag: new-checkout
            unit: header.x-user-id
            cells: [{name: control, variant: off, weight: 50}, {name: treatment, variant: on, weight: 50}]
            layer: {name: checkout, share: 100}
            metrics: [conversion]
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
          spec: {match: {pathPrefix: /checkout}, to: [{url: "%s"}]}
          """.formatted(url, url));
      URI uri = URI.create("http://127.0.0.1:" + g.port() + "/checkout");
      Eventually.within(Duration.ofSeconds(10), () ->
          assertThat(send(uri, "X-User-Id", "probe").body()).isIn("/checkout", "/new-checkout"));
      Map<String, String> seen = new HashMap<>();
      for (int u = 0; u < 60; u++) seen.put("user-" + u, send(uri, "X-User-Id", "user-" + u).body());
      seen.put("probe", send(uri, "X-User-Id", "probe").body());
      assertThat(seen.values()).contains("/checkout", "/new-checkout");
      long treated = seen.values().stream().filter("/new-checkout"::equals).count();

      // The gateway's exposures reach the control plane's store: each unit once, in its cell.
      Eventually.within(Duration.ofSeconds(10), () -> {
        JsonNode r = t.client().experimentResults("one-page", false);
        assertThat(r.at("/srm/units/control").asLong() + r.at("/srm/units/treatment").asLong()).isEqualTo(61);
        assertThat(r.at("/srm/units/treatment").asLong()).isEqualTo(treated);
      });
    } finally {
      origin.stop(0);
    }
  }

  static HttpResponse<String> send(URI uri, String header, String value) throws Exception {
    return http.send(HttpRequest.newBuilder(uri).header(header, value).build(), HttpResponse.BodyHandlers.ofString());
  }
}
