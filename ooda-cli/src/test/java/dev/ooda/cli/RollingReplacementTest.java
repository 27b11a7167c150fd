package dev.ooda.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.ooda.control.client.InstanceLease;
import dev.ooda.control.client.InstanceRegistration;
import dev.ooda.control.client.RegistryClient;
import dev.ooda.gateway.GatewayOptions;
import dev.ooda.gateway.GatewayServer;
import dev.ooda.model.Instance;
import dev.ooda.testing.Eventually;
import dev.ooda.testing.TestControl;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Replacing every instance of a service, one by one, under steady load through the gateway. */
class RollingReplacementTest {

  record Origin(HttpServer server, String name) {
    static Origin start(String name) throws Exception {
      HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
      s.setExecutor(Executors.newFixedThreadPool(8));
      s.createContext("/", ex -> {
        byte[] b = name.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(200, b.length);
        ex.getResponseBody().write(b);
        ex.close();
      });
      s.start();
      return new Origin(s, name);
    }

    int port() {
      return server.getAddress().getPort();
    }
  }

  @Test
  void drainingAndReplacingEveryInstanceUnderLoadFailsNoRequest() throws Exception {
    try (TestControl t = TestControl.start(); Platform p = new Platform(new PrintWriter(Writer.nullWriter()))) {
      GatewayServer gateway = Roles.gateway(p, t.control.zookeeper(), GatewayOptions.ephemeral());
      t.client().apply("kind: Route\nname: catalog\nspec: {match: {pathPrefix: /}, to: [{service: catalog}]}\n");
      RegistryClient registry = new RegistryClient(URI.create(t.control.url()));

      List<Origin> origins = new ArrayList<>();
      List<InstanceLease> leases = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        Origin o = Origin.start("old-" + i);
        origins.add(o);
        leases.add(registry.register("catalog", InstanceRegistration.of("127.0.0.1", o.port())));
      }
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      URI uri = URI.create("http://127.0.0.1:" + gateway.port() + "/items");
      for (int i = 0; i < 100 && http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).statusCode() != 200; i++) {
        Thread.sleep(100);
      }

      AtomicBoolean running = new AtomicBoolean(true);
      AtomicInteger ok = new AtomicInteger();
      List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
      Set<String> answeredBy = ConcurrentHashMap.newKeySet();
      List<Thread> load = new ArrayList<>();
      for (int c = 0; c < 4; c++) {
        Thread th = new Thread(() -> {
          while (running.get()) {
            try {
              HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                  HttpResponse.BodyHandlers.ofString());
              if (r.statusCode() == 200) {
                ok.incrementAndGet();
                answeredBy.add(r.body());
              } else {
                failures.add(r.statusCode() + " " + r.body());
              }
            } catch (Exception e) {
              failures.add(e.toString());
            }
          }
        });
        th.start();
        load.add(th);
      }

      // Replace each instance: start the new one, drain the old, let in-flight requests finish, stop it.
      for (int i = 0; i < 3; i++) {
        Origin fresh = Origin.start("new-" + i);
        InstanceLease freshLease = registry.register("catalog", InstanceRegistration.of("127.0.0.1", fresh.port()));
        String name = "new-" + i;
        Eventually.within(Duration.ofSeconds(20), () -> assertThat(answeredBy).contains(name));
        InstanceLease old = leases.get(i);
        registry.setStatus("catalog", old.id(), Instance.Status.DRAINING);
        Thread.sleep(500);
        old.close();
        origins.get(i).server().stop(1);
        origins.set(i, fresh);
        leases.set(i, freshLease);
      }
      int before = ok.get();
      Eventually.within(Duration.ofSeconds(20), () -> assertThat(ok.get()).isGreaterThan(before + 100));
      running.set(false);
      for (Thread th : load) th.join();

      assertThat(failures).isEmpty();
      assertThat(ok.get()).isGreaterThan(100);
      assertThat(answeredBy).contains("new-0", "new-1", "new-2");
      // After the replacement only the new instances answer.
      Set<String> after = ConcurrentHashMap.newKeySet();
      for (int i = 0; i < 30; i++) after.add(http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body());
      assertThat(after).allMatch(n -> n.startsWith("new-"));
      leases.forEach(InstanceLease::close);
      origins.forEach(o -> o.server().stop(0));
    }
  }
}
