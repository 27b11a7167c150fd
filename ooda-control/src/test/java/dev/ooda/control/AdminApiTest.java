package dev.ooda.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ooda.control.client.ControlClient;
import dev.ooda.model.Health;
import dev.ooda.model.ProblemException;
import dev.ooda.model.ResourceCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AdminApiTest {
  static TestControl t;
  static HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void start() throws Exception {
    t = TestControl.start();
  }

  @AfterAll
  static void stop() throws Exception {
    t.close();
  }

  static HttpResponse<String> post(String path, String contentType, String body, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(t.control.url() + path))
        .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) b.header("Authorization", "Bearer " + token);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(t.control.url() + path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  static long revision() throws Exception {
    return ResourceCodec.json().readTree(get("/api/v1/services").body()).get("revision").asLong();
  }

  static final String SERVICE = "kind: Service\nname: %s\nspec: {owner: team-a}\n";

  @Test
  void healthAnswersTheShapeOfEveryRole() throws Exception {
    HttpResponse<String> health = get("/health");
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(ResourceCodec.json().readValue(health.body(), Health.class)).isEqualTo(Health.UP);
  }

  @Test
  void writesNeedTheAdminTokenAndReadsDoNot() throws Exception {
    HttpResponse<String> none = post("/api/v1/apply", "application/yaml", SERVICE.formatted("s1"), null);
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.headers().firstValue("content-type")).hasValue("application/problem+json");
    assertThat(none.body()).contains("urn:ooda:problem:unauthorized", "Bearer");
    assertThat(post("/api/v1/apply", "application/yaml", SERVICE.formatted("s1"), "ooda_wrong").statusCode()).isEqualTo(401);
    assertThat(get("/api/v1/services/s1").statusCode()).isEqualTo(404);

    HttpResponse<String> ok = post("/api/v1/apply", "application/yaml", SERVICE.formatted("s1"), t.adminToken());
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.body()).contains("\"action\":\"created\"");
    assertThat(get("/api/v1/services/s1").body()).contains("\"owner\":\"team-a\"", "\"version\":1");
  }

  @Test
  void servesPrometheusMetricsPerRoute() throws Exception {
    get("/api/v1/routes");
    HttpResponse<String> m = get("/metrics");
    // A request is counted once its log completes, just after its answer was sent.
    for (int i = 0; i < 50 && !m.body().contains("ooda_control_requests_total"); i++) {
      Thread.sleep(100);
      m = get("/metrics");
    }
    assertThat(m.statusCode()).isEqualTo(200);
    assertThat(m.body()).contains("ooda_control_requests_total", "route=\"/api/v1/:plural\"");
  }

  @Test
  void appliesJsonAndYamlListsGetsAndDeletes() throws Exception {
    String json = "[{\"kind\":\"Route\",\"name\":\"j1\",\"spec\":{\"match\":{\"path\":\"/j1\"},\"respond\":{\"status\":204}}},"
        + "{\"kind\":\"Route\",\"name\":\"j2\",\"spec\":{\"match\":{\"path\":\"/j2\"},\"respond\":{\"status\":204}}}]";
    assertThat(post("/api/v1/apply", "application/json", json, t.adminToken()).statusCode()).isEqualTo(200);
    JsonNode list = ResourceCodec.json().readTree(get("/api/v1/routes").body());
    List<String> names = new ArrayList<>();
    list.get("items").forEach(n -> names.add(n.get("name").asText()));
    assertThat(names).contains("j1", "j2");
    assertThat(t.client().delete("routes", "j1").get("deleted").get("name").asText()).isEqualTo("j1");
    assertThat(get("/api/v1/routes/j1").statusCode()).isEqualTo(404);
    assertThat(get("/api/v1/widgets").body()).contains("unknown kind 'widgets'");
  }

  @Test
  void badInputIsRefusedWholeNamingDocumentAndFieldAndNothingChanges() throws Exception {
    String token = t.adminToken();
    t.client().apply(SERVICE.formatted("keep"));
    long before = revision();
    record Case(String contentType, String body, int status, String expected) {}
    List<Case> cases = List.of(
        new Case("application/yaml", "kind: Service\nname: x\nspec: {owner: [unclosed\n", 400, "invalid YAML at line"),
        new Case("application/yaml", "kind: Widget\nname: w\nspec: {}\n", 400, "document 1 (Widget/w): kind: unknown kind 'Widget'"),
        new Case("application/yaml", SERVICE.formatted("ok-one") + "---\nkind: Route\nname: r\nspec: {respond: {}}\n", 400,
            "document 2 (Route/r): spec.match: is required"),
        new Case("application/yaml", "kind: Route\nname: r\nspec: {match: {path: /r}, respond: {status: \"two hundred\"}}\n", 400,
            "spec.respond.status: must be a whole number"),
        new Case("application/yaml", "kind: Service\nname: Not_OK\nspec: {}\n", 400, "name: 'Not_OK' must be lowercase"),
        new Case("application/yaml", "kind: Service\nname: " + "a".repeat(64) + "\nspec: {}\n", 400, "at most 63"),
        new Case("application/json", "{\"kind\":\"Service\",\"name\":\"j\",\"spec\":{\"owner\":", 400, "invalid JSON"),
        new Case("application/yaml", "kind: Service\nname: big\nspec: {description: " + "x".repeat(1024 * 1024 + 10) + "}\n", 413,
            "larger than the limit"));
    for (Case c : cases) {
      HttpResponse<String> r = post("/api/v1/apply", c.contentType(), c.body(), token);
      assertThat(r.statusCode()).as(c.expected()).isEqualTo(c.status());
      assertThat(r.headers().firstValue("content-type")).as(c.expected()).hasValue("application/problem+json");
      assertThat(r.body()).as(c.expected()).contains(c.expected()).doesNotContain("at dev.ooda", "Exception");
    }
    assertThat(revision()).isEqualTo(before);
    assertThat(get("/api/v1/services/ok-one").statusCode()).isEqualTo(404);
  }

  @Test
  void aWatchDeliversEveryChangeInOrderAndResumesFromARevision() throws Exception {
    long from = revision();
    List<JsonNode> seen = new CopyOnWriteArrayList<>();
    java.util.concurrent.atomic.AtomicReference<Exception> failed = new java.util.concurrent.atomic.AtomicReference<>();
    Thread watcher = new Thread(() -> {
      try {
        t.client().watch(from, c -> {
          seen.add(c);
          return seen.size() < 3;
        });
      } catch (Exception e) {
        failed.set(e);
      }
    });
    watcher.start();
    ControlClient c = t.client();
    c.apply(SERVICE.formatted("w1"));
    c.apply(SERVICE.formatted("w2") + "---\n" + SERVICE.formatted("w3"));
    c.delete("services", "w1");
    watcher.join(10_000);
    assertThat(failed.get()).isNull();
    assertThat(seen).extracting(n -> n.get("resource").get("name").asText()).containsExactly("w1", "w2", "w3");

    // A client that reconnects with the last revision it saw misses nothing.
    long last = seen.get(2).get("revision").asLong();
    List<JsonNode> rest = new ArrayList<>();
    c.watch(last, n -> {
      rest.add(n);
      return false;
    });
    assertThat(rest).singleElement().satisfies(n -> {
      assertThat(n.get("type").asText()).isEqualTo("DELETED");
      assertThat(n.get("resource").get("name").asText()).isEqualTo("w1");
    });
  }
}
