package dev.ooda.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import dev.ooda.model.ResourceCodec;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ProxyTest extends GatewayTestSupport {

  @Test
  void proxiesToAServiceInstanceWithForwardedHeadersAndNoHopByHopHeaders() throws Exception {
    TestOrigin catalog = origin("catalog-1");
    catalog.handler((ex, body) -> {
      ex.getResponseHeaders().add("Connection", "X-Origin-Private");
      ex.getResponseHeaders().add("X-Origin-Private", "secret");
      ex.getResponseHeaders().add("Keep-Alive", "timeout=5");
      TestOrigin.reply(ex, 200, "items");
    });
    GatewayServer g = gateway();
    g.routes(yaml("""
        kind: Route
        name: catalog
        spec:
          match: {pathPrefix: /api/catalog}
          rewrite: {stripPrefix: /api}
          to: [{service: catalog}]
        """));
    g.instances("catalog", List.of(catalog.instance("catalog", "v1")));

    HttpResponse<String> r = get(g, "/api/catalog/items?page=2", "X-Hop", "1", "Connection", "X-Hop",
        "X-Forwarded-For", "10.1.1.1", "Proxy-Authorization", "Basic eA==");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("items");
    assertThat(r.headers().firstValue("X-Origin-Private")).isEmpty();
    assertThat(r.headers().firstValue("Keep-Alive")).isEmpty();
    TestOrigin.Seen s = catalog.last();
    assertThat(s.uri()).isEqualTo("/catalog/items?page=2");
    assertThat(s.header("X-Forwarded-For")).isEqualTo("10.1.1.1, 127.0.0.1");
    assertThat(s.header("X-Forwarded-Proto")).isEqualTo("http");
    assertThat(s.header("X-Forwarded-Host")).isEqualTo("127.0.0.1:" + g.port());
    assertThat(s.header("Host")).isEqualTo("127.0.0.1:" + catalog.port());
    assertThat(s.header("X-Hop")).isNull();
    assertThat(s.header("Proxy-Authorization")).isNull();
    assertThat(s.header("traceparent")).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
  }

  @Test
  void reusesOriginConnectionsAcrossRequests() throws Exception {
    TestOrigin o = origin("o");
    GatewayServer g = gateway(GatewayOptions.builder().ephemeral().ioThreads(1).build());
    g.routes(yaml("kind: Route\nname: all\nspec: {match: {pathPrefix: /}, to: [{url: '" + o.url() + "'}]}\n"));
    for (int i = 0; i < 50; i++) assertThat(get(g, "/x/" + i).statusCode()).isEqualTo(200);
    assertThat(o.seen).hasSize(50);
    // One loop, requests one after another: one pooled connection carries them all.
    assertThat(o.clientPorts).hasSize(1);
  }

  @Test
  void streamsLargeBodiesBothWays() throws Exception {
    TestOrigin o = origin("echo");
    o.handler((ex, body) -> {
      ex.sendResponseHeaders(200, 0); // chunked
      try (OutputStream out = ex.getResponseBody()) {
        for (int i = 0; i < 3; i++) out.write(body);
      }
    });
    GatewayServer g = gateway();
    g.routes(yaml("kind: Route\nname: echo\nspec: {match: {path: /echo}, to: [{url: '" + o.url() + "'}]}\n"));
    byte[] payload = new byte[3 << 20];
    new Random(7).nextBytes(payload);
    HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + g.port() + "/echo"))
        .POST(HttpRequest.BodyPublishers.ofByteArray(payload)).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body().length).isEqualTo(payload.length * 3);
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    for (int i = 0; i < 3; i++) md.update(payload);
    assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(r.body())))
        .isEqualTo(HexFormat.of().formatHex(md.digest()));
  }

  @Test
  void answersStubsItself() throws Exception {
    GatewayServer g = gateway();
    g.routes(yaml("""
        kind: Route
        name: stub
        spec:
          match: {path: /api/new-thing}
          respond: {status: 202, headers: {X-Stub: "yes"}, body: '{"ok":true}'}
        """));
    HttpResponse<String> r = get(g, "/api/new-thing");
    assertThat(r.statusCode()).isEqualTo(202);
    assertThat(r.body()).isEqualTo("{\"ok\":true}");
    assertThat(r.headers().firstValue("X-Stub")).hasValue("yes");
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
  }

  @Test
  void resolvesOriginNamesAndAnswers502ForANameThatDoesNotResolve() throws Exception {
    TestOrigin o = origin("named");
    GatewayServer g = gateway();
    g.routes(yaml("""
        kind: Route
        name: named
        spec: {match: {pathPrefix: /named}, to: [{url: "http://localhost:%d"}]}
        ---
        kind: Route
        name: nowhere
        spec: {match: {pathPrefix: /nowhere}, to: [{url: "http://no-such-origin.invalid:80"}], retry: {attempts: 0}}
        """.formatted(o.port())));
    assertThat(get(g, "/named/a").statusCode()).isEqualTo(200);
    assertThat(o.seen).hasSize(1);
    assertProblem(get(g, "/nowhere"), 502, "bad-gateway");
  }

  @Test
  void errorsAreProblemJson() throws Exception {
    TestOrigin slow = origin("slow");
    slow.handler((ex, body) -> {
      try {
        Thread.sleep(3000);
      } catch (InterruptedException e) {
        return;
      }
      TestOrigin.reply(ex, 200, "late");
    });
    int deadPort;
    try (var s = new java.net.ServerSocket(0)) {
      deadPort = s.getLocalPort();
    }
    GatewayServer g = gateway();
    g.routes(yaml("""
        kind: Route
        name: nobody
        spec: {match: {pathPrefix: /nobody}, to: [{service: ghost}]}
        ---
        kind: Route
        name: down
        spec: {match: {pathPrefix: /down}, to: [{url: "http://127.0.0.1:%d"}], retry: {attempts: 0}}
        ---
        kind: Route
        name: slow
        spec: {match: {pathPrefix: /slow}, to: [{url: "%s"}], timeout: 300ms}
        """.formatted(deadPort, slow.url())));

    HttpResponse<String> none = get(g, "/missing");
    assertProblem(none, 404, "no-route");
    assertThat(none.body()).contains("GET /missing");

    HttpResponse<String> ghost = get(g, "/nobody");
    assertProblem(ghost, 503, "no-instances");
    assertThat(ghost.body()).contains("ghost");
    assertThat(ghost.headers().firstValue("Retry-After")).isPresent();

    assertProblem(get(g, "/down"), 502, "bad-gateway");
    assertProblem(get(g, "/slow"), 504, "gateway-timeout");
  }

  @Test
  void malformedRequestsGet400WithoutTouchingAnOrigin() throws Exception {
    TestOrigin o = origin("o");
    GatewayServer g = gateway();
    g.routes(yaml("kind: Route\nname: all\nspec: {match: {pathPrefix: /}, to: [{url: '" + o.url() + "'}]}\n"));
    assertThat(raw(g, "GET /a/../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n")).startsWith("HTTP/1.1 400").contains(
        "application/problem+json").doesNotContain("Exception");
    assertThat(raw(g, "GET /a%zz HTTP/1.1\r\nHost: x\r\n\r\n")).startsWith("HTTP/1.1 400");
    assertThat(raw(g, "GET /a HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 400");
    assertThat(raw(g, "GARBAGE\r\n\r\n")).startsWith("HTTP/1.1 400");
    assertThat(raw(g, "GET /a HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n")).startsWith("HTTP/1.1 431");
    assertThat(raw(g, "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n\r\n")).startsWith("HTTP/1.1 413");
    assertThat(o.seen).isEmpty();
  }

  @Test
  void streamedBodiesPastTheLimitGet413() throws Exception {
    TestOrigin o = origin("o");
    GatewayServer g = gateway(GatewayOptions.builder().ephemeral().ioThreads(1).maxBodySize(1024).build());
    g.routes(yaml("kind: Route\nname: all\nspec: {match: {pathPrefix: /}, to: [{url: '" + o.url() + "'}]}\n"));
    String chunk = "x".repeat(800);
    String res = raw(g, "POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "320\r\n" + chunk + "\r\n320\r\n" + chunk + "\r\n0\r\n\r\n");
    assertThat(res).startsWith("HTTP/1.1 413").contains("urn:ooda:problem:too-large");
    // Within the limit it goes through.
    assertThat(send(g, "POST", "/up", "y".repeat(1000)).statusCode()).isEqualTo(200);
  }

  @Test
  void answersPipelinedRequestsInOrderAndHttp10() throws Exception {
    TestOrigin o = origin("o");
    o.handler((ex, body) -> TestOrigin.reply(ex, 200, "path=" + ex.getRequestURI()));
    GatewayServer g = gateway();
    g.routes(yaml("kind: Route\nname: all\nspec: {match: {pathPrefix: /}, to: [{url: '" + o.url() + "'}]}\n"));
    try (Socket s = new Socket("127.0.0.1", g.port())) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(("GET /one HTTP/1.1\r\nHost: x\r\n\r\nGET /two HTTP/1.1\r\nHost: x\r\n\r\n"
          + "GET /three HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      assertThat(all.indexOf("path=/one")).isPositive().isLessThan(all.indexOf("path=/two"));
      assertThat(all.indexOf("path=/two")).isLessThan(all.indexOf("path=/three"));
    }
    String old = raw(g, "GET /old HTTP/1.0\r\n\r\n");
    assertThat(old).startsWith("HTTP/1.1 200").contains("path=/old");
  }

  static String raw(GatewayServer g, String request) throws Exception {
    try (Socket s = new Socket("127.0.0.1", g.port())) {
      s.setSoTimeout(5000);
      s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      s.getOutputStream().flush();
      InputStream in = s.getInputStream();
      byte[] buf = new byte[8192];
      StringBuilder b = new StringBuilder();
      int n;
      try {
        while ((n = in.read(buf)) > 0) {
          b.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
          if (b.indexOf("\r\n\r\n") > 0 && complete(b)) break;
        }
      } catch (java.net.SocketTimeoutException e) {
        // return what came
      }
      return b.toString();
    }
  }

  private static boolean complete(StringBuilder b) {
    int head = b.indexOf("\r\n\r\n");
    String h = b.substring(0, head).toLowerCase();
    int i = h.indexOf("content-length:");
    if (i < 0) return true;
    int len = Integer.parseInt(h.substring(i + 15, h.indexOf("\r\n", i) < 0 ? h.length() : h.indexOf("\r\n", i)).trim());
    return b.length() - head - 4 >= len;
  }

  static void assertProblem(HttpResponse<String> r, int status, String slug) throws Exception {
    assertThat(r.statusCode()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    var node = ResourceCodec.json().readTree(r.body());
    assertThat(node.path("type").asText()).isEqualTo("urn:ooda:problem:" + slug);
    assertThat(node.path("status").asInt()).isEqualTo(status);
    assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  static String header(HttpExchange ex, String name) {
    return ex.getRequestHeaders().getFirst(name);
  }
}
