package dev.ooda.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResourceCodecTest {

  static final String ROUTES = """
      kind: Route
      name: catalog
      spec:
        match: {pathPrefix: /api/catalog}
        rewrite: {stripPrefix: /api}
        to:
          - {service: catalog, version: v2, weight: 10}
          - {url: "http://127.0.0.1:3000", weight: 90}
        sticky: {cookie: uid}
        timeout: 250ms
      ---
      kind: Route
      name: reviews-stub
      spec:
        match: {pathPrefix: /api/reviews}
        respond: {status: 200, headers: {content-type: application/json}, body: '{"reviews":[]}'}
      """;

  @Test
  void readsTheIssueExampleAndWritesItBack() {
    List<Resource> rs = ResourceCodec.readYaml(ROUTES);
    assertThat(rs).extracting(Resource::name).containsExactly("catalog", "reviews-stub");
    RouteSpec catalog = rs.get(0).spec(RouteSpec.class);
    assertThat(catalog.to()).extracting(RouteSpec.Target::effectiveWeight).containsExactly(10, 90);
    assertThat(catalog.timeout()).isEqualTo(Duration.ofMillis(250));
    assertThat(rs.get(1).spec(RouteSpec.class).respond().body()).isEqualTo("{\"reviews\":[]}");

    String json = ResourceCodec.toJson(rs.get(0));
    assertThat(json).contains("\"timeout\" : \"250ms\"").doesNotContain("null");
    assertThat(ResourceCodec.readJson(json)).containsExactly(rs.get(0));
    assertThat(ResourceCodec.readYaml(ResourceCodec.toYaml(rs))).isEqualTo(rs);
  }

  @Test
  void namesTheDocumentAndFieldPathOfEveryProblem() {
    String bad = """
        kind: Route
        name: ok
        spec: {match: {pathPrefix: /a}, respond: {status: 200}}
        ---
        kind: Route
        name: Bad_Name
        spec:
          match: {pathPrefix: a}
          to: [{service: catalog, weight: "ten"}]
        """;
    assertThatThrownBy(() -> ResourceCodec.readYaml(bad))
        .isInstanceOfSatisfying(InvalidResourceException.class, e -> {
          assertThat(e.violations()).allSatisfy(v -> assertThat(v.document()).isEqualTo(2));
          assertThat(e.violations()).extracting(Violation::path).containsExactlyInAnyOrder("name", "spec.to[0].weight");
          assertThat(e.getMessage()).contains("document 2 (Route/Bad_Name): spec.to[0].weight: must be a whole number");
          assertThat(e.problem().status()).isEqualTo(400);
        });
  }

  @Test
  void refusesUnknownKindsFieldsAndBrokenSyntax() {
    assertThatThrownBy(() -> ResourceCodec.readYaml("kind: Widget\nname: w\nspec: {}\n"))
        .hasMessageContaining("kind: unknown kind 'Widget'");
    assertThatThrownBy(() -> ResourceCodec.readYaml("kind: Route\nname: r\nspec: {match: {pathPrefix: /a, colour: red}, respond: {}}\n"))
        .hasMessageContaining("spec.match.colour: unknown field");
    assertThatThrownBy(() -> ResourceCodec.readYaml("kind: Route\nname: r\nspec: {match: [\n"))
        .hasMessageContaining("invalid YAML at line");
    assertThatThrownBy(() -> ResourceCodec.readYaml("kind: Route\nname: r\nspec: {match: {pathPrefix: /a}}\n"))
        .hasMessageContaining("needs either 'to'");
    assertThatThrownBy(() -> ResourceCodec.readJson("{\"kind\":\"Service\",\"name\":\"" + "a".repeat(64) + "\",\"spec\":{}}"))
        .hasMessageContaining("at most 63");
    assertThatThrownBy(() -> ResourceCodec.readYaml("kind: Service\nname: s\nspec: {lease: {heartbeat: 5 seconds}}\n"))
        .hasMessageContaining("spec.lease.heartbeat: '5 seconds' is not a duration");
  }

  @Test
  void routesWithTheSameMatchHaveEqualKeys() {
    RouteSpec a = ResourceCodec.readYaml("kind: Route\nname: a\nspec: {match: {pathTemplate: '/items/{id}', methods: [get]}, respond: {}}\n")
        .get(0).spec(RouteSpec.class);
    RouteSpec b = ResourceCodec.readYaml("kind: Route\nname: b\nspec: {match: {pathTemplate: '/items/{sku}', methods: [GET]}, respond: {}}\n")
        .get(0).spec(RouteSpec.class);
    assertThat(Kinds.ROUTE.keyOf(a)).isEqualTo(Kinds.ROUTE.keyOf(b));
  }
}
