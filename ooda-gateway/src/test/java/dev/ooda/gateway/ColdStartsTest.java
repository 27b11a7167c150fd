package dev.ooda.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ColdStartsTest extends GatewayTestSupport {

  @Test
  void aRequestForAServiceAtZeroIsHeldUntilItsInstancesArePushed() throws Exception {
    TestOrigin v1 = origin("v1");
    GatewayServer g = gateway();
    g.routes(yaml("""
        kind: Route
        name: catalog
        spec: {match: {pathPrefix: /catalog}, to: [{service: catalog}]}
        ---
        kind: Route
        name: orders
        spec: {match: {pathPrefix: /orders}, to: [{service: orders}]}
        """));
    List<String> wakes = new CopyOnWriteArrayList<>();
    g.coldStarts().onWake(wakes::add);
    g.coldStarts().services(Set.of("catalog"));

    // a service that does not scale to zero answers at once, as before
    HttpResponse<String> none = get(g, "/orders");
    assertThat(none.statusCode()).isEqualTo(503);
    assertThat(none.body()).contains("has no instances that take traffic");

    CompletableFuture<HttpResponse<String>> held = http.sendAsync(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + g.port() + "/catalog")).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (wakes.isEmpty() && System.nanoTime() < end) Thread.onSpinWait();
    assertThat(wakes).containsExactly("catalog");
    assertThat(held).isNotDone();
    assertThat(g.coldStarts().activity()).singleElement().satisfies(a -> assertThat(a.lastRequestMillis()).isPositive());

    g.instances("catalog", List.of(v1.instance("catalog", "v1")));
    HttpResponse<String> r = held.get(10, TimeUnit.SECONDS);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("v1");
    assertThat(management(g, "/metrics").body()).contains("ooda_gateway_cold_start_seconds_count{service=\"catalog\"} 1");
    assertThat(g.coldStarts().activity()).singleElement().satisfies(a -> assertThat(a.coldStartMillis()).isGreaterThanOrEqualTo(0));

    // with instances, requests go straight on, and are noted
    assertThat(get(g, "/catalog").body()).isEqualTo("v1");
    assertThat(wakes).hasSize(1);
  }

  @Test
  void aRequestHeldLongerThanTheHoldIsAnswered503WithAProblem() throws Exception {
    GatewayServer g = gateway(GatewayOptions.builder().ephemeral().coldStartHold(Duration.ofMillis(300)).build());
    g.routes(yaml("""
        kind: Route
        name: catalog
        spec: {match: {pathPrefix: /catalog}, to: [{service: catalog}]}
        """));
    g.coldStarts().services(Set.of("catalog"));
    HttpResponse<String> r = get(g, "/catalog");
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.headers().firstValue("content-type")).hasValue("application/problem+json");
    assertThat(r.body()).contains("service 'catalog' is at zero and no instance of it was ready within 300 ms");
    // no cold start was measured: none happened
    assertThat(g.coldStarts().activity()).singleElement().satisfies(a -> assertThat(a.coldStartMillis()).isEqualTo(-1));
  }
}
