package dev.ooda.kit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.HttpResponse;
import dev.ooda.model.AccessLogLine;
import dev.ooda.model.Health;
import dev.ooda.model.Instance;
import dev.ooda.model.ResourceCodec;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every service gets: registration, health, metrics, access log, drain (the access check: ServiceAccessTest). */
class OodaServiceTest {
  TestPlatform platform;
  Kit kit;
  final LinkedBlockingQueue<AccessLogLine> accessLog = new LinkedBlockingQueue<>();
  final CompletableFuture<Void> slowArrived = new CompletableFuture<>();

  @BeforeEach
  void start() {
    platform = new TestPlatform();
    kit = platform.kit("catalog", o -> o.zone("zone-a"));
  }

  @AfterEach
  void stop() throws Exception {
    platform.close();
  }

  OodaService serve(Duration drainDelay) {
    return platform.add(kit.server("v3").metadata("team", "shop").accessLog(accessLog::add)
        .drainDelay(drainDelay)
        .service("/items/{id}", (ctx, req) -> HttpResponse.of("item " + ctx.pathParam("id")))
        .service("/slow", (ctx, req) -> {
          slowArrived.complete(null);
          return HttpResponse.delayed(HttpResponse.of("slow"), Duration.ofMillis(600));
        })
        .start());
  }

  WebClient raw(OodaService s) {
    return WebClient.of("http://127.0.0.1:" + s.port());
  }

  @Test
  void registersItselfWithWhatItIs() {
    OodaService s = serve(Duration.ofMillis(50));
    Instance i = platform.registry.instances("catalog").get(0);
    assertThat(i.id()).isEqualTo(s.instanceId());
    assertThat(i.version()).isEqualTo("v3");
    assertThat(i.port()).isEqualTo(s.port());
    assertThat(i.zone()).isEqualTo("zone-a");
    assertThat(i.metadata()).containsEntry("team", "shop");
    assertThat(i.healthPath()).isEqualTo("/health");
    assertThat(i.status()).isEqualTo(Instance.Status.UP);
  }

  @Test
  void writesOneAccessLogLinePerRequestAndRedMetricsPerRouteAndCaller() throws Exception {
    OodaService s = serve(Duration.ofMillis(50));
    assertThat(platform.kit("checkout").client("catalog").get("/items/{id}", 9).as(String.class)).isEqualTo("item 9");
    AccessLogLine line = accessLog.poll(10, TimeUnit.SECONDS);
    assertThat(line.service()).isEqualTo("catalog");
    assertThat(line.instance()).isEqualTo(s.instanceId());
    assertThat(line.caller()).isEqualTo("checkout");
    assertThat(line.method()).isEqualTo("GET");
    assertThat(line.route()).isEqualTo("/items/:id");
    assertThat(line.status()).isEqualTo(200);
    assertThat(line.traceId()).hasSize(32);
    assertThat(line.spanId()).hasSize(16);
    assertThat(line.bytesOut()).isEqualTo(6);
    JsonNode json = ResourceCodec.json().readTree(line.toJson());
    assertThat(json.get("route").asText()).isEqualTo("/items/:id");

    var health = raw(s).get("/health").aggregate().join();
    assertThat(health.status().code()).isEqualTo(200);
    assertThat(ResourceCodec.json().readValue(health.contentUtf8(), Health.class)).isEqualTo(Health.UP);
    String metrics = raw(s).get("/metrics").aggregate().join().contentUtf8();
    assertThat(metrics).containsPattern("ooda_server_requests_total\\{[^}]*caller=\"checkout\"[^}]*route=\"/items/:id\"");
    // health checks and scrapes are not logged
    assertThat(accessLog.poll(200, TimeUnit.MILLISECONDS)).isNull();
  }

  @Test
  void closingDrainsLeavesTheRegistryAndFinishesRequestsInFlight() throws Exception {
    OodaService s = serve(Duration.ofMillis(400));
    CompletableFuture<String> inFlight = platform.kit("checkout").client("catalog").get("/slow").asAsync(String.class);
    slowArrived.get(10, TimeUnit.SECONDS);
    CompletableFuture<Void> closing = CompletableFuture.runAsync(s::close);

    Eventually.until("the instance is draining", () ->
        platform.registry.instances("catalog").stream().anyMatch(i -> i.status() == Instance.Status.DRAINING));
    var health = raw(s).get("/health").aggregate().join();
    assertThat(health.status().code()).isEqualTo(503);
    assertThat(ResourceCodec.json().readValue(health.contentUtf8(), Health.class)).isEqualTo(Health.DRAINING);
    closing.get(20, TimeUnit.SECONDS);
    assertThat(inFlight.get(5, TimeUnit.SECONDS)).isEqualTo("slow");
    assertThat(platform.registry.instances("catalog")).isEmpty();
  }
}
