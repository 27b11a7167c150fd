package dev.ooda.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.server.Server;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The console's server side on a real server: pages, assets, sign-in, pass-throughs, decisions. */
class ConsoleTest {
  Server collector;
  Server server;
  Console console;
  WebClient client;
  final RecentDecisions decisions = new RecentDecisions(3);

  @BeforeEach
  void start() {
    collector = Server.builder().http(0)
        .service("/api/v2/services", (ctx, req) -> HttpResponse.ofJson(List.of("gateway", "shop")))
        .build();
    collector.start().join();
    console = new Console(decisions);
    var sb = Server.builder().http(0);
    console.mount(sb);
    server = sb.build();
    server.start().join();
    client = WebClient.of("http://127.0.0.1:" + server.activeLocalPort());
  }

  @AfterEach
  void stop() {
    server.stop().join();
    collector.stop().join();
  }

  AggregatedHttpResponse get(String path) {
    return client.get(path).aggregate().join();
  }

  @Test
  void everyPagePathAnswersTheShellAndAssetsComeFromTheJar() {
    assertThat(get("/").headers().get(HttpHeaderNames.LOCATION)).isEqualTo("/console/");
    for (String page : List.of("/console/", "/console/services/catalog", "/console/traces/abc?span=1", "/console/routes")) {
      AggregatedHttpResponse r = get(page);
      assertThat(r.status().code()).as(page).isEqualTo(200);
      assertThat(r.contentUtf8()).as(page).contains("<title>ooda console</title>");
    }
    assertThat(get("/console/assets/core.js").contentUtf8()).contains("Ooda.render");
    assertThat(get("/console/vendor/cytoscape/cytoscape.min.js").status().code()).isEqualTo(200);
    assertThat(get("/console/assets/none.js").status().code()).isEqualTo(404);
  }

  @Test
  void signInTellsTheTokensNameAndScope() {
    console.use(token -> token.equals("ooda_good") ? new AdminSessions.Session("alice", "read") : null);
    AggregatedHttpResponse none = get("/console/api/session");
    assertThat(none.status().code()).isEqualTo(401);
    assertThat(none.contentType().toString()).startsWith("application/problem+json");
    AggregatedHttpResponse bad = client.execute(RequestHeaders.builder(HttpMethod.GET, "/console/api/session")
        .add(HttpHeaderNames.AUTHORIZATION, "Bearer ooda_bad").build()).aggregate().join();
    assertThat(bad.status().code()).isEqualTo(401);
    assertThat(bad.contentUtf8()).contains("not valid");
    AggregatedHttpResponse good = client.execute(RequestHeaders.builder(HttpMethod.GET, "/console/api/session")
        .add(HttpHeaderNames.AUTHORIZATION, "Bearer ooda_good").build()).aggregate().join();
    assertThat(good.contentUtf8()).contains("\"name\":\"alice\"").contains("\"scope\":\"read\"");
  }

  @Test
  void theCollectorIsReadThroughTheConsolesOrigin() {
    AggregatedHttpResponse early = get("/console/collector/api/v2/services");
    assertThat(early.status().code()).isEqualTo(503);
    assertThat(early.contentUtf8()).contains("span collector");
    console.useCollector(URI.create("http://127.0.0.1:" + collector.activeLocalPort()));
    assertThat(get("/console/collector/api/v2/services").contentUtf8()).isEqualTo("[\"gateway\",\"shop\"]");
    AggregatedHttpResponse post = client.execute(HttpRequest.of(HttpMethod.POST, "/console/collector/api/v2/spans",
        MediaType.JSON, "[]")).aggregate().join();
    assertThat(post.status().code()).isEqualTo(405);
    assertThat(post.contentUtf8()).contains("only reads");
  }

  @Test
  void recentDecisionsAreTheLastOnesNewestFirst() {
    for (int i = 1; i <= 4; i++) decisions.add("{\"decision\":\"d" + i + "\"}");
    assertThat(get("/console/api/decisions").contentUtf8())
        .isEqualTo("{\"items\":[{\"decision\":\"d4\"},{\"decision\":\"d3\"},{\"decision\":\"d2\"}]}");
    assertThat(get("/console/api/decisions?limit=1").contentUtf8()).isEqualTo("{\"items\":[{\"decision\":\"d4\"}]}");
    AggregatedHttpResponse bad = get("/console/api/decisions?limit=x");
    assertThat(bad.status().code()).isEqualTo(400);
    assertThat(bad.contentUtf8()).contains("limit");
  }

  @Test
  void theNewPagesShipAndTheRollbackNeedsASignedInToken() {
    for (String asset : List.of("experiments.js", "contracts.js", "deployments.js")) {
      assertThat(get("/console/assets/" + asset).status().code()).as(asset).isEqualTo(200);
    }
    assertThat(get("/console/deployments/catalog").contentUtf8()).contains("/console/assets/deployments.js");
    AggregatedHttpResponse r = client.execute(RequestHeaders.of(HttpMethod.POST, "/console/api/deployments/catalog/rollback")).aggregate().join();
    assertThat(r.status().code()).isEqualTo(401);
    assertThat(r.contentType().toString()).startsWith("application/problem+json");
    assertThat(r.contentUtf8()).contains("sign in with an admin token");
  }
}
