package dev.ooda.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ooda.model.Resource;
import dev.ooda.model.ResourceCodec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RouteTableTest {
  private final RouteResources res = RouteResources.standalone();

  /** A request as the matcher sees it. */
  record Req(String method, String host, String path, Map<String, String> headers, Map<String, String> params,
             Map<String, String> cookies) implements RequestView {
    static Req get(String path) {
      return new Req("GET", "example.com", path, Map.of(), Map.of(), Map.of());
    }

    Req method(String m) {
      return new Req(m, host, path, headers, params, cookies);
    }

    Req host(String h) {
      return new Req(method, h, path, headers, params, cookies);
    }

    Req header(String k, String v) {
      Map<String, String> h = new HashMap<>(headers);
      h.put(k.toLowerCase(), v);
      return new Req(method, host, path, h, params, cookies);
    }

    Req param(String k, String v) {
      Map<String, String> p = new HashMap<>(params);
      p.put(k, v);
      return new Req(method, host, path, headers, p, cookies);
    }

    Req cookie(String k, String v) {
      Map<String, String> c = new HashMap<>(cookies);
      c.put(k, v);
      return new Req(method, host, path, headers, params, c);
    }

    @Override
    public String header(CharSequence name) {
      return headers.get(name.toString().toLowerCase());
    }

    @Override
    public String query(String name) {
      return params.get(name);
    }

    @Override
    public String cookie(String name) {
      return cookies.get(name);
    }
  }

  private static String route(String name, String match) {
    return "---\nkind: Route\nname: " + name + "\nspec:\n  match: " + match + "\n  respond: {body: " + name + "}\n";
  }

  private RouteTable table(String... routes) {
    return RouteTable.compile(ResourceCodec.readYaml(String.join("", routes)), res);
  }

  private static String name(CompiledRoute r) {
    return r == null ? null : r.name;
  }

  @Test
  void exactBeatsTemplateBeatsLongestPrefix() {
    RouteTable t = table(
        route("root", "{pathPrefix: /}"),
        route("api", "{pathPrefix: /api}"),
        route("items", "{pathPrefix: /api/items}"),
        route("item", "{pathTemplate: '/api/items/{id}'}"),
        route("special", "{path: /api/items/special}"),
        route("reviews", "{pathTemplate: '/api/items/{id}/reviews'}"),
        route("literal-first", "{pathTemplate: '/api/items/new/{x}'}"));
    assertThat(name(t.match(Req.get("/api/items/special")))).isEqualTo("special");
    assertThat(name(t.match(Req.get("/api/items/42")))).isEqualTo("item");
    assertThat(name(t.match(Req.get("/api/items/42/reviews")))).isEqualTo("reviews");
    assertThat(name(t.match(Req.get("/api/items/42/other")))).isEqualTo("items");
    assertThat(name(t.match(Req.get("/api/items/new/1")))).isEqualTo("literal-first");
    assertThat(name(t.match(Req.get("/api/items")))).isEqualTo("items");
    assertThat(name(t.match(Req.get("/api/itemsx")))).isEqualTo("api");
    assertThat(name(t.match(Req.get("/api")))).isEqualTo("api");
    assertThat(name(t.match(Req.get("/other")))).isEqualTo("root");
    assertThat(name(t.match(Req.get("/")))).isEqualTo("root");
  }

  @Test
  void conditionsNarrowAndTheMoreSpecificRouteWins() {
    RouteTable t = table(
        route("plain", "{pathPrefix: /api}"),
        route("host", "{pathPrefix: /api, host: api.example.com}"),
        route("wild", "{pathPrefix: /api, host: '*.beta.example.com'}"),
        route("post", "{pathPrefix: /api, methods: [POST]}"),
        route("canary", "{pathPrefix: /api, headers: {X-Canary: 'on'}}"),
        route("beta", "{pathPrefix: /api, query: {beta: '1'}}"),
        route("cohort", "{pathPrefix: /api, cookies: {cohort: '*'}}"));
    assertThat(name(t.match(Req.get("/api/x")))).isEqualTo("plain");
    assertThat(name(t.match(Req.get("/api/x").host("api.example.com").method("POST")))).isEqualTo("host");
    assertThat(name(t.match(Req.get("/api/x").host("a.beta.example.com")))).isEqualTo("wild");
    assertThat(name(t.match(Req.get("/api/x").method("POST").header("X-Canary", "on")))).isEqualTo("post");
    assertThat(name(t.match(Req.get("/api/x").header("X-Canary", "on")))).isEqualTo("canary");
    assertThat(name(t.match(Req.get("/api/x").header("X-Canary", "off")))).isEqualTo("plain");
    assertThat(name(t.match(Req.get("/api/x").param("beta", "1")))).isEqualTo("beta");
    assertThat(name(t.match(Req.get("/api/x").cookie("cohort", "b")))).isEqualTo("cohort");
  }

  @Test
  void noRouteIsNull() {
    RouteTable t = table(route("a", "{path: /a}"), route("b", "{pathPrefix: /b, methods: [GET]}"));
    assertThat(t.match(Req.get("/c"))).isNull();
    assertThat(t.match(Req.get("/b").method("DELETE"))).isNull();
    assertThat(RouteTable.empty().match(Req.get("/"))).isNull();
  }

  @Test
  void compilingIsDeterministicWhateverTheInputOrder() {
    List<String> routes = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      routes.add(route("r" + i, switch (i % 4) {
        case 0 -> "{pathPrefix: /s/" + (i % 7) + ", headers: {h" + (i % 3) + ": v}}";
        case 1 -> "{pathTemplate: '/s/" + (i % 7) + "/{id}', methods: [GET, PUT]}";
        case 2 -> "{pathPrefix: /s/" + (i % 7) + ", host: h" + i + ".example.com}";
        default -> "{pathPrefix: /s/" + (i % 7) + ", query: {q" + i + ": '*'}}";
      }));
    }
    List<Req> probes = new ArrayList<>();
    Random rnd = new Random(1);
    for (int i = 0; i < 500; i++) {
      Req r = Req.get("/s/" + rnd.nextInt(8) + (rnd.nextBoolean() ? "/" + rnd.nextInt(5) : ""))
          .host("h" + rnd.nextInt(40) + ".example.com").header("h" + rnd.nextInt(3), "v").param("q" + rnd.nextInt(40), "x");
      probes.add(rnd.nextBoolean() ? r : r.method("PUT"));
    }
    List<Resource> resources = new ArrayList<>(ResourceCodec.readYaml(String.join("", routes)));
    List<String> first = null;
    for (int round = 0; round < 5; round++) {
      Collections.shuffle(resources, new Random(round));
      RouteTable t = RouteTable.compile(resources, res);
      List<String> got = probes.stream().map(p -> name(t.match(p))).toList();
      if (first == null) first = got;
      assertThat(got).isEqualTo(first);
    }
    assertThat(first.stream().filter(java.util.Objects::nonNull).count()).isGreaterThan(300);
  }
}
