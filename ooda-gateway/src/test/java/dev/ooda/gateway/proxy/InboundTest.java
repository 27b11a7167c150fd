package dev.ooda.gateway.proxy;

import dev.ooda.model.ResourceCodec;
import dev.ooda.gateway.GatewayOptions;
import dev.ooda.gateway.routing.RouteResources;
import dev.ooda.gateway.routing.RouteTable;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ooda.model.Problem;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import org.junit.jupiter.api.Test;

/** The inbound stage on request heads alone: no sockets, no event loops. */
class InboundTest {
  private final RouteResources res = RouteResources.standalone();
  private final RouteTable table = RouteTable.compile(ResourceCodec.readYaml("""
      kind: Route
      name: catalog
      spec:
        match: {pathPrefix: /catalog}
        to: [{service: catalog, version: v1, weight: 50}, {service: catalog, version: v2, weight: 50}]
        sticky: {header: X-User}
      ---
      kind: Route
      name: stub
      spec:
        match: {path: /stub}
        respond: {status: 200, body: ok}
      """), res);
  private final Inbound inbound = new Inbound(GatewayOptions.defaults().withMaxBodySize(1000));

  private static HttpRequest get(String uri, String... headers) {
    HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
    r.headers().set("Host", "example.com");
    for (int i = 0; i < headers.length; i += 2) r.headers().add(headers[i], headers[i + 1]);
    return r;
  }

  private InboundRequest request(HttpRequest head) {
    return new InboundRequest(head, false, table);
  }

  private Problem run(HttpRequest head) {
    return inbound.run(request(head));
  }

  private static void assertProblem(Problem p, int status, String type) {
    assertThat(p).isNotNull();
    assertThat(p.status()).isEqualTo(status);
    assertThat(p.type()).isEqualTo("urn:ooda:problem:" + type);
  }

  @Test
  void decoderFailuresBecome414431Or400AndCloseTheConnection() {
    HttpRequest longLine = get("/catalog");
    longLine.setDecoderResult(DecoderResult.failure(new TooLongHttpLineException("long")));
    assertProblem(run(longLine), 414, "uri-too-long");
    HttpRequest bigHeaders = get("/catalog");
    bigHeaders.setDecoderResult(DecoderResult.failure(new TooLongHttpHeaderException("big")));
    Problem p = run(bigHeaders);
    assertProblem(p, 431, "headers-too-large");
    assertThat(Inbound.closes(p)).isTrue();
    HttpRequest broken = get("/catalog");
    broken.setDecoderResult(DecoderResult.failure(new IllegalArgumentException("bad")));
    assertProblem(run(broken), 400, "bad-request");
  }

  @Test
  void requestTargetsAreTakenToOriginFormOrRefused() {
    InboundRequest absolute = request(get("http://example.com/catalog/items?x=1"));
    assertThat(inbound.run(absolute)).isNull();
    assertThat(absolute.uri()).isEqualTo("/catalog/items?x=1");
    assertThat(absolute.path()).isEqualTo("/catalog/items");
    assertThat(absolute.rawQuery()).isEqualTo("x=1");
    assertProblem(run(get("/catalog/../admin")), 400, "bad-request");
    assertProblem(run(get("/catalog/%zz")), 400, "bad-request");
    assertProblem(run(get("*")), 400, "bad-request");
  }

  @Test
  void http11NeedsAHostHttp10DoesNot() {
    HttpRequest noHost = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/catalog");
    assertProblem(run(noHost), 400, "bad-request");
    assertThat(run(new DefaultHttpRequest(HttpVersion.HTTP_1_0, HttpMethod.GET, "/catalog"))).isNull();
  }

  @Test
  void exactlyOneValidHostIsAccepted() {
    assertProblem(run(get("/catalog", "Host", "other.example")), 400, "bad-request");
    HttpRequest bad = get("/catalog");
    for (String host : new String[] {"a b", "a/b", "a:8x", "[::1", "a@b"}) {
      bad.headers().set("Host", host);
      assertProblem(run(bad), 400, "bad-request");
    }
    HttpRequest good = get("/catalog");
    for (String host : new String[] {"example.com", "example.com:8080", "[::1]:80", "10.0.0.1", ""}) {
      good.headers().set("Host", host);
      assertThat(run(good)).isNull();
    }
  }

  @Test
  void theVersionIsUpperCaseHttp10Or11() {
    assertProblem(run(new DefaultHttpRequest(HttpVersion.valueOf("http/1.1"), HttpMethod.GET, "/catalog")), 400, "bad-request");
    assertProblem(run(new DefaultHttpRequest(HttpVersion.valueOf("HTTP/1.2"), HttpMethod.GET, "/catalog")), 400, "bad-request");
  }

  @Test
  void declaredBodyLengthIsCheckedBeforeRouting() {
    assertProblem(run(get("/catalog", "Content-Length", "1001")), 413, "too-large");
    assertProblem(run(get("/catalog", "Content-Length", "ten")), 400, "bad-request");
    InboundRequest ok = request(get("/catalog", "Content-Length", "1000"));
    assertThat(inbound.run(ok)).isNull();
    assertThat(ok.contentLength).isEqualTo(1000);
  }

  @Test
  void routingDecidesRouteTargetTraceAndBucketCookie() {
    Problem none = run(get("/nothing"));
    assertProblem(none, 404, "no-route");
    assertThat(Inbound.closes(none)).isFalse();

    InboundRequest sticky = request(get("/catalog/1", "X-User", "alice"));
    assertThat(inbound.run(sticky)).isNull();
    assertThat(sticky.route.name).isEqualTo("catalog");
    assertThat(sticky.target.service).isEqualTo("catalog");
    assertThat(sticky.setCookie).isNull();
    assertThat(sticky.trace).isNotNull();
    // The same user lands on the same version every time.
    for (int i = 0; i < 5; i++) {
      InboundRequest again = request(get("/catalog/" + i, "X-User", "alice"));
      inbound.run(again);
      assertThat(again.target).isSameAs(sticky.target);
    }

    InboundRequest anonymous = request(get("/catalog/1"));
    assertThat(inbound.run(anonymous)).isNull();
    assertThat(anonymous.setCookie).startsWith("ooda-split-catalog=").contains("HttpOnly");
  }

  @Test
  void aPinnedVersionTheRouteLacksIs404() {
    InboundRequest pinned = request(get("/catalog", "X-Api-Version", "v2"));
    assertThat(inbound.run(pinned)).isNull();
    assertThat(pinned.pinned).isEqualTo("v2");
    assertThat(pinned.target.version).isEqualTo("v2");
    assertProblem(run(get("/catalog", "X-Api-Version", "v9")), 404, "no-such-version");
  }

  @Test
  void stubRoutesHaveNoTarget() {
    InboundRequest stub = request(get("/stub"));
    assertThat(inbound.run(stub)).isNull();
    assertThat(stub.route.stub).isNotNull();
    assertThat(stub.target).isNull();
    assertThat(stub.meters).isSameAs(stub.route.stubMeters);
  }
}
