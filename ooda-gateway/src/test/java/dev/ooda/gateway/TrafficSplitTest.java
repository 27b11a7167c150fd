package dev.ooda.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrafficSplitTest extends GatewayTestSupport {

  @Test
  void stickyHeaderKeepsEachUserOnOneVersionAndWeightsHold() throws Exception {
    TestOrigin v1 = origin("v1");
    TestOrigin v2 = origin("v2");
    GatewayServer g = gateway();
    g.routes(yaml("""
        kind: Route
        name: catalog
        spec:
          match: {pathPrefix: /catalog}
          to:
            - {service: catalog, version: v1, weight: 80}
            - {service: catalog, version: v2, weight: 20}
          sticky: {header: X-User-Id}
        """));
    g.instances("catalog", List.of(v1.instance("catalog", "v1"), v2.instance("catalog", "v2")));
    Map<String, String> first = new HashMap<>();
    int toV2 = 0;
    for (int u = 0; u < 300; u++) {
      String body = get(g, "/catalog", "X-User-Id", "user-" + u).body();
      first.put("user-" + u, body);
      if (body.equals("v2")) toV2++;
    }
    for (int u = 0; u < 300; u += 7) {
      HttpResponse<String> again = get(g, "/catalog", "X-User-Id", "user-" + u);
      assertThat(again.body()).isEqualTo(first.get("user-" + u));
      assertThat(again.headers().firstValue("Set-Cookie")).isEmpty();
    }
    // 20% of 300 = 60; a stable hash cannot be far off on this many users.
    assertThat(toV2).isBetween(30, 90);
  }

  @Test
  void withoutAStickyKeyTheGatewayCookieKeepsTheAssignment() throws Exception {
    TestOrigin a = origin("a");
    TestOrigin b = origin("b");
    GatewayServer g = gateway();
    g.routes(yaml("""
        kind: Route
        name: ab
        spec:
          match: {pathPrefix: /ab}
          to: [{url: "%s", weight: 50}, {url: "%s", weight: 50}]
        """.formatted(a.url(), b.url())));
    int sawA = 0;
    for (int i = 0; i < 20; i++) {
      HttpResponse<String> r = get(g, "/ab");
      String cookie = r.headers().firstValue("Set-Cookie").orElseThrow();
      assertThat(cookie).startsWith("ooda-split-ab=").contains("Path=/");
      String pair = cookie.substring(0, cookie.indexOf(';'));
      for (int k = 0; k < 5; k++) {
        HttpResponse<String> again = get(g, "/ab", "Cookie", pair);
        assertThat(again.body()).isEqualTo(r.body());
        assertThat(again.headers().firstValue("Set-Cookie")).isEmpty();
      }
      if (r.body().equals("a")) sawA++;
    }
    assertThat(sawA).isBetween(1, 19);
  }

  @Test
  void aVersionHeaderPinsTheVersionAndWeightsDecideWithoutIt() throws Exception {
    TestOrigin v1 = origin("v1");
    TestOrigin v2 = origin("v2");
    TestOrigin v3 = origin("v3");
    GatewayServer g = gateway();
    g.routes(yaml("""
        kind: Route
        name: api
        spec:
          match: {pathPrefix: /api}
          to:
            - {service: api, version: v1, weight: 100}
            - {service: api, version: v2, weight: 0}
        ---
        kind: Route
        name: legacy
        spec: {match: {pathPrefix: /legacy}, to: [{url: "%s"}]}
        ---
        kind: Route
        name: orders
        spec:
          match: {pathPrefix: /orders}
          versionHeader: X-Orders-Version
          to: [{service: api}]
        """.formatted(v1.url())));
    g.instances("api", List.of(v1.instance("api", "v1"), v2.instance("api", "v2"), v3.instance("api", "v3")));
    for (int i = 0; i < 10; i++) assertThat(get(g, "/api").body()).isEqualTo("v1");
    assertThat(get(g, "/api", "X-Api-Version", "v2").body()).isEqualTo("v2");
    ProxyTest.assertProblem(get(g, "/api", "X-Api-Version", "v9"), 404, "no-such-version");
    // A target without a version: the pinned version picks among the service's instances.
    assertThat(get(g, "/orders", "X-Orders-Version", "v3").body()).isEqualTo("v3");
    ProxyTest.assertProblem(get(g, "/orders", "X-Orders-Version", "v7"), 503, "no-instances");
    // A route without versions ignores the header (and passes it on).
    assertThat(get(g, "/legacy", "X-Api-Version", "v5").body()).isEqualTo("v1");
    assertThat(v1.last().header("X-Api-Version")).isEqualTo("v5");
  }

  @Test
  void onlyInstancesThatTakeTrafficGetIt() throws Exception {
    TestOrigin up = origin("up");
    TestOrigin draining = origin("draining");
    GatewayServer g = gateway();
    g.routes(yaml("kind: Route\nname: s\nspec: {match: {pathPrefix: /}, to: [{service: s}]}\n"));
    g.instances("s", List.of(up.instance("s", null),
        draining.instance("s", null).withStatus(dev.ooda.model.Instance.Status.DRAINING)));
    for (int i = 0; i < 20; i++) assertThat(get(g, "/").body()).isEqualTo("up");
    g.instances("s", List.of(up.instance("s", null).withStatus(dev.ooda.model.Instance.Status.DOWN)));
    ProxyTest.assertProblem(get(g, "/"), 503, "no-instances");
  }
}
