package dev.ooda.gateway;

import dev.ooda.gateway.resilience.OriginLimits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ooda.model.Instance;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ResilienceTest extends GatewayTestSupport {

  /** Accepts connections, reads the request head, and closes without answering. */
  static final class ClosingOrigin implements AutoCloseable {
    final ServerSocket server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
    final AtomicInteger requests = new AtomicInteger();
    private final Thread thread;

    ClosingOrigin() throws Exception {
      thread = new Thread(() -> {
        while (!server.isClosed()) {
          try (Socket s = server.accept()) {
            InputStream in = s.getInputStream();
            int state = 0;
            int c;
            while ((c = in.read()) >= 0) {
              state = (c == '\r' || c == '\n') ? state + 1 : 0;
              if (state == 4) break;
            }
            if (c >= 0) requests.incrementAndGet();
          } catch (Exception e) {
            // closed
          }
        }
      });
      thread.setDaemon(true);
      thread.start();
    }

    int port() {
      return server.getLocalPort();
    }

    Instance instance(String service) {
      return new Instance("closing", service, null, "127.0.0.1", port(), null, Instance.Status.UP, Map.of(), null, 0, false);
    }

    @Override
    public void close() throws Exception {
      server.close();
    }
  }

  private static int deadPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void connectionFailuresAreRetriedOnAnotherInstanceForAnyMethod() throws Exception {
    TestOrigin good = origin("good");
    GatewayServer g = gateway();
    g.routes(yaml("kind: Route\nname: s\nspec: {match: {pathPrefix: /}, to: [{service: s}], retry: {attempts: 2, backoff: 5ms}}\n"));
    Instance dead = new Instance("dead", "s", null, "127.0.0.1", deadPort(), null, Instance.Status.UP, Map.of(), null, 0, false);
    g.instances("s", List.of(dead, good.instance("s", null)));
    for (int i = 0; i < 20; i++) {
      assertThat(get(g, "/x").statusCode()).isEqualTo(200);
      assertThat(send(g, "POST", "/x", "payload-" + i).statusCode()).isEqualTo(200);
    }
    assertThat(good.seen).hasSize(40);
    assertThat(good.seen.stream().filter(s -> s.method().equals("POST")).map(s -> new String(s.body())))
        .contains("payload-0", "payload-19");
  }

  @Test
  void failuresAfterSendingAreRetriedOnlyForIdempotentRequests() throws Exception {
    ClosingOrigin closing = new ClosingOrigin();
    closeables.add(closing);
    TestOrigin good = origin("good");
    GatewayServer g = gateway(GatewayOptions.ephemeral().withIoThreads(1)
        .withLimits(OriginLimits.DEFAULT.withEjection(1000, Duration.ofSeconds(10), Duration.ofSeconds(10))));
    g.routes(yaml("kind: Route\nname: s\nspec: {match: {pathPrefix: /}, to: [{service: s}], retry: {attempts: 1, backoff: 1ms}}\n"));
    g.instances("s", List.of(closing.instance("s")));
    // Only the closing origin: a GET is tried twice (first try and one retry), a POST once.
    ProxyTest.assertProblem(get(g, "/get"), 502, "bad-gateway");
    assertThat(closing.requests.get()).isEqualTo(2);
    ProxyTest.assertProblem(send(g, "POST", "/post", "x"), 502, "bad-gateway");
    assertThat(closing.requests.get()).isEqualTo(3);
    // With a healthy instance beside it, a PUT (idempotent, with a body) still succeeds.
    g.instances("s", List.of(closing.instance("s"), good.instance("s", null)));
    for (int i = 0; i < 10; i++) assertThat(send(g, "PUT", "/put", "body-" + i).statusCode()).isEqualTo(200);
    assertThat(good.seen).extracting(s -> new String(s.body())).contains("body-0", "body-9");
  }

  @Test
  void retriesStayWithinTheBudget() throws Exception {
    ClosingOrigin closing = new ClosingOrigin();
    closeables.add(closing);
    GatewayServer g = gateway(GatewayOptions.ephemeral().withIoThreads(1)
        .withLimits(OriginLimits.DEFAULT.withEjection(100_000, Duration.ofSeconds(10), Duration.ofSeconds(10))));
    g.routes(yaml("kind: Route\nname: s\nspec: {match: {pathPrefix: /}, to: [{service: s}], retry: {attempts: 3, backoff: 1ms}}\n"));
    g.instances("s", List.of(closing.instance("s")));
    int n = 200;
    for (int i = 0; i < n; i++) assertThat(get(g, "/x").statusCode()).isEqualTo(502);
    // Without a budget this would be 4 x 200 = 800 attempts; the budget allows 20% plus a reserve of 10.
    assertThat(closing.requests.get()).isGreaterThan(n).isLessThanOrEqualTo(n + n / 5 + 10 + 1);
  }

  @Test
  void anInstanceThatKeepsFailingIsEjected() throws Exception {
    TestOrigin good = origin("good");
    TestOrigin bad = origin("bad");
    bad.handler((ex, body) -> TestOrigin.reply(ex, 500, "broken"));
    GatewayServer g = gateway(GatewayOptions.ephemeral().withIoThreads(1)
        .withLimits(OriginLimits.DEFAULT.withEjection(3, Duration.ofMinutes(5), Duration.ofMinutes(5))));
    g.routes(yaml("kind: Route\nname: s\nspec: {match: {pathPrefix: /}, to: [{service: s}]}\n"));
    g.instances("s", List.of(good.instance("s", null), bad.instance("s", null)));
    for (int i = 0; i < 60; i++) get(g, "/x");
    assertThat(bad.seen).hasSize(3);
    assertThat(good.seen).hasSize(57);
    assertThat(management(g, "/metrics").body()).contains("ooda_gateway_ejections_total 1.0");
    // Alone, the ejected instance is below the panic threshold: it takes traffic again rather than 503.
    g.instances("s", List.of(bad.instance("s", null)));
    assertThat(get(g, "/x").statusCode()).isEqualTo(500);
    assertThat(bad.seen).hasSize(4);
  }

  @Test
  void shedsLoadWith503AndRetryAfterInsteadOfQueueing() throws Exception {
    TestOrigin slow = origin("slow");
    slow.handler((ex, body) -> {
      try {
        Thread.sleep(1500);
      } catch (InterruptedException e) {
        return;
      }
      TestOrigin.reply(ex, 200, "slow");
    });
    GatewayServer g = gateway(GatewayOptions.ephemeral().withLimits(OriginLimits.DEFAULT.withMaxConcurrent(2)));
    g.routes(yaml("kind: Route\nname: s\nspec: {match: {pathPrefix: /}, to: [{service: s}]}\n"));
    g.instances("s", List.of(slow.instance("s", null)));
    List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      calls.add(http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + g.port() + "/x")).build(),
          HttpResponse.BodyHandlers.ofString()));
    }
    int ok = 0;
    int shed = 0;
    for (var c : calls) {
      HttpResponse<String> r = c.get();
      if (r.statusCode() == 200) ok++;
      if (r.statusCode() == 503) {
        shed++;
        ProxyTest.assertProblem(r, 503, "overloaded");
        assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
      }
    }
    assertThat(ok).isBetween(1, 2);
    assertThat(shed).isEqualTo(6 - ok);

    GatewayServer tiny = gateway(GatewayOptions.ephemeral().withLimits(OriginLimits.DEFAULT.withMaxInFlight(1)));
    tiny.routes(yaml("kind: Route\nname: s\nspec: {match: {pathPrefix: /}, to: [{url: '" + slow.url() + "'}]}\n"));
    var first = http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + tiny.port() + "/x")).build(),
        HttpResponse.BodyHandlers.ofString());
    int before = slow.seen.size();
    ObservabilityTest.waitFor(() -> slow.seen.size() > before);
    ProxyTest.assertProblem(get(tiny, "/y"), 503, "overloaded");
    assertThat(first.get().statusCode()).isEqualTo(200);
  }

  @Test
  void mirrorsCopiesToAShadowAndDropsItsAnswers() throws Exception {
    TestOrigin primary = origin("primary");
    TestOrigin shadow = origin("shadow");
    shadow.handler((ex, body) -> TestOrigin.reply(ex, 500, "shadow says no"));
    GatewayServer g = gateway();
    g.routes(yaml("""
        kind: Route
        name: catalog
        spec:
          match: {pathPrefix: /c}
          to: [{service: catalog, version: v2}]
          mirror: {service: catalog, version: v3, percent: 100}
        """));
    g.instances("catalog", List.of(primary.instance("catalog", "v2"), shadow.instance("catalog", "v3")));
    for (int i = 0; i < 5; i++) {
      HttpResponse<String> r = send(g, "POST", "/c/" + i, "order-" + i);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("primary");
    }
    ObservabilityTest.waitFor(() -> shadow.seen.size() >= 5);
    assertThat(shadow.seen).hasSize(5);
    assertThat(shadow.seen).extracting(s -> new String(s.body())).contains("order-0", "order-4");
    assertThat(shadow.last().header("X-Ooda-Shadow")).isEqualTo("true");
    assertThat(primary.seen).hasSize(5);
  }
}
