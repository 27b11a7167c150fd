package dev.ooda.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RouteSwapTest extends GatewayTestSupport {

  /**
   * Route tables and instance lists are swapped in a loop under load. Each table version sends /api to origin A and /api/v to origin B, or the other way round; a
   * half-applied table would send a request to the wrong one or answer 404.
   */
  @Test
  void routeChangesInALoopDropNoRequest() throws Exception {
    TestOrigin a = origin("a");
    TestOrigin b = origin("b");
    for (TestOrigin o : List.of(a, b)) {
      o.handler((ex, body) -> {
        ex.getResponseHeaders().set("X-Table", String.valueOf(ex.getRequestHeaders().getFirst("X-Table")));
        TestOrigin.reply(ex, 200, o.name);
      });
    }
    GatewayServer g = gateway();
    String even = routes(a, b);
    String odd = routes(b, a);
    g.routes(yaml(even));
    g.instances("s", List.of(a.instance("s", null)));
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger ok = new AtomicInteger();
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int id = t;
      Thread th = new Thread(() -> {
        int i = 0;
        while (running.get() && i < 3000) {
          String path = switch ((i++ + id) % 3) {
            case 0 -> "/api/x";
            case 1 -> "/api/v/x";
            default -> "/svc/x";
          };
          try {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + g.port() + path))
                .header("X-Check", "1").build(), HttpResponse.BodyHandlers.ofString());
            String want = path.startsWith("/svc") ? r.body() : r.headers().firstValue("X-Table").orElse("?");
            if (r.statusCode() != 200 || !(r.body().equals("a") || r.body().equals("b")) || !want.equals(r.body()))
              failures.add(path + " -> " + r.statusCode() + " " + r.body() + " table " + want);
            else ok.incrementAndGet();
          } catch (Exception e) {
            failures.add(path + " -> " + e);
          }
        }
      });
      th.start();
      threads.add(th);
    }
    int swaps = 0;
    long end = System.nanoTime() + 3_000_000_000L;
    while (System.nanoTime() < end) {
      g.routes(yaml(swaps % 2 == 0 ? odd : even));
      g.instances("s", List.of((swaps % 2 == 0 ? a : b).instance("s", null)));
      swaps++;
    }
    running.set(false);
    for (Thread th : threads) th.join();
    assertThat(failures).isEmpty();
    assertThat(ok.get()).isGreaterThan(100);
    assertThat(swaps).isGreaterThan(10);
  }

  /** Both routes of a table version name the same origin, and tell the response which one through a header. */
  private static String routes(TestOrigin first, TestOrigin second) {
    return """
        kind: Route
        name: svc
        spec: {match: {pathPrefix: /svc}, to: [{service: s}]}
        ---
        kind: Route
        name: outer
        spec:
          match: {pathPrefix: /api, headers: {X-Check: '1'}}
          rewrite: {setHeaders: {X-Table: %s}}
          to: [{url: "%s"}]
        ---
        kind: Route
        name: inner
        spec:
          match: {pathPrefix: /api/v}
          rewrite: {setHeaders: {X-Table: %s}}
          to: [{url: "%s"}]
        """.formatted(first.name, first.url(), second.name, second.url());
  }
}
