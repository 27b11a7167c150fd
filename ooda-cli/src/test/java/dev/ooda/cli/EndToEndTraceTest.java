package dev.ooda.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.server.annotation.Get;
import dev.ooda.testing.TestControl;
import dev.ooda.gateway.GatewayOptions;
import dev.ooda.gateway.GatewayServer;
import dev.ooda.kit.Kit;
import dev.ooda.kit.OodaClient;
import dev.ooda.kit.OodaService;
import dev.ooda.model.ResourceCodec;
import dev.ooda.trace.TraceOptions;
import dev.ooda.trace.TraceServer;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A request through the gateway into two kit services is one trace with the right parents. */
class EndToEndTraceTest {

  public static class Front {
    final OodaClient back;

    Front(OodaClient back) {
      this.back = back;
    }

    @Get("/page")
    public String page() {
      return "page with " + back.get("/part").as(String.class);
    }
  }

  @Test
  void aRequestThroughTheGatewayIntoTwoServicesIsOneTrace() throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    try (TestControl t = TestControl.start();
         TraceServer collector = new TraceServer(TraceOptions.builder().port(0).build()).start();
         Platform p = new Platform(new PrintWriter(Writer.nullWriter()))) {
      String zipkin = "http://127.0.0.1:" + collector.port();
      String zk = t.zookeeper.getConnectString();
      GatewayServer gateway = Roles.gateway(p, t.control.zookeeper(), GatewayOptions.builder().ephemeral().zipkinUrl(zipkin).build());
      Kit back = p.add(Kit.builder("back").controlPlane(t.control.url()).zookeeper(zk).zipkin(zipkin).start());
      p.add(back.server("v1").service("/part", (ctx, req) -> HttpResponse.of("part")).start());
      Kit front = p.add(Kit.builder("front").controlPlane(t.control.url()).zookeeper(zk).zipkin(zipkin).start());
      p.add(front.server("v1").annotatedService(new Front(front.client("back"))).start());
      t.client().apply("kind: Route\nname: front\nspec: {match: {pathPrefix: /page}, to: [{service: front}]}\n");

      String body = null;
      for (int i = 0; i < 100 && !"page with part".equals(body); i++) {
        Thread.sleep(100);
        body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/page")).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString()).body();
      }
      assertThat(body).isEqualTo("page with part");

      // Spans arrive asynchronously: wait for a trace that holds all three services.
      JsonNode trace = null;
      for (int i = 0; i < 100 && trace == null; i++) {
        Thread.sleep(100);
        String traces = http.send(HttpRequest.newBuilder(URI.create(zipkin + "/api/v2/traces?serviceName=back&limit=10")).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        for (JsonNode tr : ResourceCodec.json().readTree(traces)) {
          Set<String> services = new HashSet<>();
          tr.forEach(s -> services.add(s.path("localEndpoint").path("serviceName").asText()));
          if (services.containsAll(Set.of("gateway", "front", "back"))) trace = tr;
        }
      }
      assertThat(trace).as("a trace with spans of the gateway, front and back").isNotNull();

      Map<String, JsonNode> byId = new HashMap<>();
      trace.forEach(s -> byId.put(s.get("id").asText() + s.path("kind").asText(), s));
      JsonNode gatewaySpan = null;
      JsonNode gatewayClient = null;
      JsonNode frontServer = null;
      JsonNode backServer = null;
      for (JsonNode s : trace) {
        String svc = s.path("localEndpoint").path("serviceName").asText();
        if (svc.equals("gateway") && s.path("kind").asText().equals("SERVER")) gatewaySpan = s;
        if (svc.equals("gateway") && s.path("kind").asText().equals("CLIENT")) gatewayClient = s;
        if (svc.equals("front") && s.path("kind").asText().equals("SERVER")) frontServer = s;
        if (svc.equals("back") && s.path("kind").asText().equals("SERVER")) backServer = s;
      }
      assertThat(gatewaySpan.has("parentId")).as("the gateway starts the trace").isFalse();
      // The gateway's call to front is its CLIENT span, under its SERVER span; front's server span is its child.
      assertThat(gatewayClient.get("parentId").asText()).isEqualTo(gatewaySpan.get("id").asText());
      assertThat(frontServer.get("parentId").asText()).isEqualTo(gatewayClient.get("id").asText());
      // back's server span descends from front: its parent is front's client span, a child of front's server span.
      String backParent = backServer.get("parentId").asText();
      JsonNode frontClient = null;
      for (JsonNode s : trace) {
        if (s.get("id").asText().equals(backParent) && s.path("kind").asText().equals("CLIENT")) frontClient = s;
      }
      assertThat(frontClient).as("back's parent is a client span").isNotNull();
      assertThat(frontClient.path("localEndpoint").path("serviceName").asText()).isEqualTo("front");
      assertThat(frontClient.get("parentId").asText()).isEqualTo(frontServer.get("id").asText());
    }
  }
}
