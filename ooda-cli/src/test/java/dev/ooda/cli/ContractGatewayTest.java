package dev.ooda.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.MediaType;
import dev.ooda.contracts.OpenApiDocument;
import dev.ooda.contracts.SpanCallers;
import dev.ooda.gateway.GatewayOptions;
import dev.ooda.gateway.GatewayServer;
import dev.ooda.kit.Kit;
import dev.ooda.kit.OodaClient;
import dev.ooda.model.ProblemException;
import dev.ooda.model.ProblemType;
import dev.ooda.testing.TestControl;
import dev.ooda.trace.TraceOptions;
import dev.ooda.trace.TraceServer;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Contracts through the assembled platform: callers read from the real collector's spans, a breaking
 * contract refused with them, a deprecated operation's headers at the real gateway, a route answering
 * from a contract's example, and the CLI's view of it all.
 */
class ContractGatewayTest {
  static final String V1 = """
      openapi: 3.0.3
      info: {title: catalog, version: "1"}
      paths:
        /items/{id}:
          get:
            operationId: getItem
            parameters: [{name: id, in: path, required: true, schema: {type: string}}]
            responses:
              "200":
                description: the item
                content:
                  application/json:
                    schema: {type: object, properties: {id: {type: string}, price: {type: number}}}
                    example: {id: "7", price: 12.5}
        /items:
          delete:
            operationId: deleteItems
            responses: {"204": {description: deleted}}
      """;

  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  java.net.http.HttpResponse<String> get(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
  }

  java.net.http.HttpResponse<String> until(String url, Predicate<java.net.http.HttpResponse<String>> done) throws Exception {
    java.net.http.HttpResponse<String> r = get(url);
    for (int i = 0; i < 100 && !done.test(r); i++) {
      Thread.sleep(100);
      r = get(url);
    }
    return r;
  }

  @Test
  void callersDeprecationAndStubsThroughTheGateway() throws Exception {
    try (TestControl t = TestControl.start();
         TraceServer collector = new TraceServer(TraceOptions.builder().port(0).build()).start();
         Platform p = new Platform(new PrintWriter(Writer.nullWriter()))) {
      String zipkin = "http://127.0.0.1:" + collector.port();
      String zk = t.zookeeper.getConnectString();
      t.control.contracts().useCallers(new SpanCallers(URI.create(zipkin)));
      t.client().apply("kind: Service\nname: catalog\nspec:\n  contract: {mode: enforce, unusedOk: true}\n");
      GatewayServer gateway = Roles.gateway(p, t.control.zookeeper(), GatewayOptions.builder().ephemeral().zipkinUrl(zipkin).build());
      String gw = "http://127.0.0.1:" + gateway.port();
      Kit catalog = p.add(Kit.builder("catalog").controlPlane(t.control.url()).zookeeper(zk).zipkin(zipkin).start());
      p.add(catalog.server("v1.0.0").openapi(V1)
          .service("/items/{id}", (ctx, req) -> HttpResponse.of(MediaType.JSON, "{\"id\":\"7\",\"price\":12.5}")).start());
      t.client().apply("""
          kind: Route
          name: catalog
          spec:
            match: {pathPrefix: /api/catalog}
            rewrite: {stripPrefix: /api/catalog}
            to: [{service: catalog}]
          """);
      assertThat(until(gw + "/api/catalog/items/7", r -> r.statusCode() == 200).statusCode()).isEqualTo(200);
      Kit orders = p.add(Kit.builder("orders").controlPlane(t.control.url()).zookeeper(zk).zipkin(zipkin).start());
      OodaClient toCatalog = orders.client("catalog");
      java.util.Map<String, Object> item = null;
      RuntimeException last = null;
      for (int i = 0; i < 100 && item == null; i++) {
        try {
          @SuppressWarnings("unchecked") java.util.Map<String, Object> m = toCatalog.get("/items/8").as(java.util.Map.class);
          item = m;
        } catch (RuntimeException notYet) {
          last = notYet;
          Thread.sleep(100);
        }
      }
      assertThat(item).as("orders' call to catalog: %s", last).containsKey("price");

      // Spans reach the collector a moment after the calls: wait until both callers are seen.
      SpanCallers spans = new SpanCallers(URI.create(zipkin));
      java.util.List<dev.ooda.contracts.CallerUse> seen = java.util.List.of();
      for (int i = 0; i < 100; i++) {
        seen = spans.calls("catalog", java.time.Duration.ofHours(1));
        if (seen.stream().map(dev.ooda.contracts.CallerUse::caller).collect(java.util.stream.Collectors.toSet())
            .containsAll(java.util.Set.of("orders", "gateway"))) break;
        Thread.sleep(100);
      }
      assertThat(seen).extracting(dev.ooda.contracts.CallerUse::caller).contains("orders", "gateway");
      assertThat(seen).extracting(dev.ooda.contracts.CallerUse::path).contains("/items/8", "/items/7");

      // Removing price breaks getItem, which the gateway and orders called: refused, naming both.
      String withoutPrice = V1.replace(", price: {type: number}}", "}").replace(", price: 12.5}", "}");
      ProblemException refused = null;
      try {
        t.client().pushContract("catalog", "v1.1.0", withoutPrice);
      } catch (ProblemException e) {
        refused = e;
      }
      assertThat(refused).isNotNull();
      assertThat(refused.problem().is(ProblemType.CONTRACT_BREAKING)).isTrue();
      assertThat(refused.problem().errors()).singleElement().satisfies(v -> {
        assertThat(v.path()).isEqualTo("GET /items/{id}");
        assertThat(v.message()).contains("called by").containsPattern("orders \\d+ requests?, last ").containsPattern("gateway \\d+ requests?, last ");
      });
      // deleteItems was never called: removing it passes with unusedOk.
      String withoutDelete = V1.replaceAll("(?s)  /items:\\n.*", "");
      assertThat(t.client().pushContract("catalog", "v1.2.0", withoutDelete).get("outcome").asText()).isEqualTo("breaking-unused");

      // Deprecating getItem (compatible) puts Deprecation and Sunset on its answers at the gateway.
      String deprecated = withoutDelete.replace("operationId: getItem", "operationId: getItem\n      deprecated: true\n      x-sunset: 2027-06-30");
      var pushed = t.client().pushContract("catalog", "v1.3.0", deprecated);
      assertThat(pushed.get("outcome").asText()).isEqualTo("compatible");
      var answer = until(gw + "/api/catalog/items/7", r -> r.headers().firstValue("Deprecation").isPresent());
      assertThat(answer.headers().firstValue("Deprecation")).get().asString().matches("@\\d+");
      assertThat(answer.headers().firstValue("Sunset")).hasValue("Wed, 30 Jun 2027 00:00:00 GMT");
      assertThat(get(gw + "/api/catalog/other").headers().firstValue("Deprecation")).isEmpty();

      // A route answers from getItem's example.
      t.client().apply("""
          kind: Route
          name: item-stub
          spec:
            match: {path: /stub/item}
            respond: {fromContract: catalog, operation: getItem}
          """);
      var stub = until(gw + "/stub/item", r -> r.statusCode() == 200);
      assertThat(stub.body()).isEqualTo("{\"id\":\"7\",\"price\":12.5}");
      assertThat(stub.headers().firstValue("content-type")).hasValue("application/json");
      assertThatThrownBy(() -> t.client().apply("kind: Route\nname: bad-stub\nspec:\n  match: {path: /stub/none}\n"
          + "  respond: {fromContract: catalog, operation: getNothing}\n"))
          .isInstanceOfSatisfying(ProblemException.class, e -> assertThat(e.problem().detail()).contains("has no operation getNothing"));

      // The CLI: who still calls the deprecated operation, and the diff with its callers.
      String server = "--server=" + t.control.url();
      UpTest.Result callers = UpTest.ooda(null, "contract", "callers", "catalog", server, "--token=" + t.adminToken());
      assertThat(callers.code()).as(callers.err()).isZero();
      assertThat(callers.out()).contains("GET /items/{id}").contains("sunset 2027-06-30").contains("orders").contains("gateway");
      UpTest.Result diff = UpTest.ooda(null, "contract", "diff", "catalog", "v1.0.0", "v1.2.0", server, "--token=" + t.adminToken());
      assertThat(diff.code()).as(diff.err()).isZero();
      assertThat(diff.out()).contains("catalog v1.0.0 -> v1.2.0: 1 change, 1 breaking")
          .contains("! DELETE /items: operation removed").contains("no callers in the window");
      UpTest.Result show = UpTest.ooda(null, "contract", "show", "catalog", server, "--token=" + t.adminToken());
      assertThat(show.out()).contains("v1.3.0").contains("breaking v1.2.0 (unused, 1 change)");
      UpTest.Result services = UpTest.ooda(null, "get", "services", server, "--token=" + t.adminToken());
      assertThat(services.out()).contains("CONTRACT").contains("v1=v1.3.0 [breaking v1.2.0 (unused, 1 change)]");
      assertThat(OpenApiDocument.httpDate("2027-06-30")).isEqualTo("Wed, 30 Jun 2027 00:00:00 GMT");
    }
  }
}
