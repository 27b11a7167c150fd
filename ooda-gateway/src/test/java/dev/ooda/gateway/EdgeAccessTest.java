package dev.ooda.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ooda.access.InvalidTokenException;
import dev.ooda.access.ServiceToken;
import dev.ooda.model.Headers;
import dev.ooda.model.ResourceCodec;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The gateway as a service with an identity of its own, enforcing groups at the edge. */
class EdgeAccessTest extends GatewayTestSupport {
  private final TestTokens tokens = new TestTokens();
  private TestOrigin catalog;
  private GatewayServer g;

  @BeforeEach
  void start() throws Exception {
    catalog = origin("catalog-1");
    g = gateway();
    g.identity("gateway", aud -> tokens.issue("gateway", aud));
    g.routes(yaml("""
        kind: Route
        name: catalog
        spec:
          match: {pathPrefix: /api/catalog}
          rewrite: {stripPrefix: /api}
          to: [{service: catalog}]
        """));
    g.instances("catalog", List.of(catalog.instance("catalog", "v1")));
  }

  @Test
  void theOriginReceivesTheGatewaysTokenForItself() throws Exception {
    eventually(() -> {
      assertThat(get(g, "/api/catalog/1").statusCode()).isEqualTo(200);
      assertThat(catalog.last().header(Headers.TOKEN)).isNotNull();
      return null;
    });
    TestOrigin.Seen seen = catalog.last();
    ServiceToken t = tokens.verify("catalog", seen.header(Headers.TOKEN));
    assertThat(t.service()).isEqualTo("gateway");
    assertThat(seen.header(Headers.CALLER)).isEqualTo("gateway");
    // The token names its audience: another service would refuse it.
    assertThatThrownBy(() -> tokens.verify("orders", seen.header(Headers.TOKEN)))
        .isInstanceOfSatisfying(InvalidTokenException.class, e -> assertThat(e.reason()).isEqualTo(InvalidTokenException.Reason.AUDIENCE));
  }

  @Test
  void identityHeadersFromOutsideAreDropped() throws Exception {
    String forged = tokens.issue("payments", "catalog");
    eventually(() -> {
      get(g, "/api/catalog/1", Headers.TOKEN, forged, Headers.CALLER, "payments", Headers.SUBJECT, "root");
      assertThat(catalog.last().header(Headers.TOKEN)).isNotNull();
      return null;
    });
    TestOrigin.Seen seen = catalog.last();
    assertThat(seen.headers().get(Headers.TOKEN)).hasSize(1);
    assertThat(tokens.verify("catalog", seen.header(Headers.TOKEN)).service()).isEqualTo("gateway");
    assertThat(seen.headers().get(Headers.CALLER)).containsExactly("gateway");
    assertThat(seen.header(Headers.SUBJECT)).isNull();
  }

  @Test
  void aServiceInEnforceRefusesTheGatewayUntilItIsInTheGroup() throws Exception {
    g.accessGroups(yaml("""
        kind: Service
        name: catalog
        spec: {access: {mode: enforce, callers: [{service: orders}]}}
        """));
    HttpResponse<String> refused = get(g, "/api/catalog/1");
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.headers().firstValue("content-type")).hasValue("application/problem+json");
    JsonNode p = ResourceCodec.json().readTree(refused.body());
    assertThat(p.path("type").asText()).isEqualTo("urn:ooda:problem:not-in-group");
    assertThat(p.path("detail").asText()).contains("'gateway'", "'catalog'", "not in the group", "orders");
    assertThat(catalog.seen).isEmpty();
    assertThat(management(g, "/metrics").body()).contains("ooda_access_decisions_total{service=\"catalog\",outcome=\"deny\"} 1");

    g.accessGroups(yaml("""
        kind: Service
        name: catalog
        spec: {access: {mode: enforce, callers: [{service: orders}, {service: gateway, methods: [GET], paths: ["/catalog/**"]}]}}
        """));
    eventually(() -> {
      assertThat(get(g, "/api/catalog/1").statusCode()).isEqualTo(200);
      return null;
    });
    // The group's paths are the service's own: the path after the route's rewrite.
    HttpResponse<String> post = send(g, "POST", "/api/catalog/1", "x");
    assertThat(post.statusCode()).isEqualTo(403);
    assertThat(post.body()).contains("callers[1]", "POST /catalog/1");
  }

  @Test
  void auditModeLetsTheCallThroughAndLogsWouldDeny() throws Exception {
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    // Decision lines and access-log lines go to loggers of their own; this test reads both.
    Logger log = (Logger) LoggerFactory.getLogger("ooda.decisions");
    Logger accessLog = (Logger) LoggerFactory.getLogger("ooda.access");
    log.addAppender(lines);
    accessLog.addAppender(lines);
    try {
      g.accessGroups(yaml("""
          kind: Service
          name: catalog
          spec: {access: {mode: audit, callers: [{service: orders}]}}
          """));
      assertThat(get(g, "/api/catalog/7").statusCode()).isEqualTo(200);
      ObservabilityTest.waitFor(() -> lines.list.stream().anyMatch(e -> e.getFormattedMessage().contains("\"status\"")));
      JsonNode decision = line(lines, "\"decision\"");
      assertThat(decision.path("outcome").asText()).isEqualTo("would-deny");
      assertThat(decision.path("caller").asText()).isEqualTo("gateway");
      assertThat(decision.path("service").asText()).isEqualTo("catalog");
      assertThat(decision.path("path").asText()).isEqualTo("/catalog/7");
      JsonNode access = line(lines, "\"status\"");
      assertThat(access.path("status").asInt()).isEqualTo(200);
      assertThat(access.path("error").asText()).isEqualTo("would-deny not-in-group");
      assertThat(g.accessDecisions().get("catalog")).containsEntry("would-deny", 1L);
    } finally {
      log.detachAppender(lines);
      accessLog.detachAppender(lines);
    }
  }

  @Test
  void groupsSurviveARestartThroughTheSnapshot(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path snapshot = dir.resolve("snapshot.json");
    GatewayServer first = gateway(GatewayOptions.builder().ephemeral().ioThreads(1).snapshotFile(snapshot).build());
    first.routes(yaml("kind: Route\nname: c\nspec: {match: {pathPrefix: /c}, to: [{service: catalog}]}\n"));
    first.instances("catalog", List.of(catalog.instance("catalog", "v1")));
    first.accessGroups(yaml("kind: Service\nname: catalog\nspec: {access: {mode: enforce}}\n"));
    ObservabilityTest.waitFor(() -> {
      try {
        return java.nio.file.Files.readString(snapshot).contains("enforce");
      } catch (java.io.IOException e) {
        return false;
      }
    });
    closeables.remove(first);
    first.close();
    GatewayServer second = gateway(GatewayOptions.builder().ephemeral().ioThreads(1).snapshotFile(snapshot).build());
    assertThat(get(second, "/c/1").statusCode()).isEqualTo(403);
  }

  private static JsonNode line(ListAppender<ILoggingEvent> lines, String having) throws Exception {
    for (ILoggingEvent e : lines.list) {
      if (e.getFormattedMessage().contains(having)) return ResourceCodec.json().readTree(e.getFormattedMessage());
    }
    throw new AssertionError("no line with " + having + " in " + lines.list);
  }

  static void eventually(Callable<?> check) throws Exception {
    long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      try {
        check.call();
        return;
      } catch (AssertionError | Exception e) {
        if (System.nanoTime() > end) throw e;
        Thread.sleep(20);
      }
    }
  }
}
