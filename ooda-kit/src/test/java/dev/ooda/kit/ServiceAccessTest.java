package dev.ooda.kit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.HttpMethod;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.ooda.access.KeySource;
import dev.ooda.access.TokenClaims;
import dev.ooda.control.client.ServiceCredentials;
import dev.ooda.control.client.TokenSource;
import dev.ooda.model.Headers;
import dev.ooda.model.ResourceCodec;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The kit's access stage against a real control plane with real credentials and tokens: the
 * callee follows its Service resource, callers carry tokens without any code of their own.
 */
class ServiceAccessTest {
  static final String GROUP = """
      kind: Service
      name: catalog
      spec:
        access:
          mode: %s
          callers:%s
            - {service: edge, methods: [GET], paths: ["/items/*"]}
      """;

  TestPlatform platform;
  final ListAppender<ILoggingEvent> decisionLines = new ListAppender<>();
  final Logger accessLogger = (Logger) LoggerFactory.getLogger("ooda.decisions");

  @BeforeEach
  void start() throws Exception {
    platform = TestPlatform.withControlPlane();
    decisionLines.start();
    accessLogger.addAppender(decisionLines);
    accessLogger.setLevel(ch.qos.logback.classic.Level.INFO);
    accessLogger.setAdditive(false); // captured, not printed
  }

  @AfterEach
  void stop() throws Exception {
    accessLogger.detachAppender(decisionLines);
    accessLogger.setLevel(ch.qos.logback.classic.Level.WARN);
    accessLogger.setAdditive(true);
    platform.close();
  }

  void group(String mode, boolean withOrders) {
    platform.control.client().apply(GROUP.formatted(mode, withOrders ? "\n      - service: orders" : ""));
  }

  ServiceCredentials credentials(String service) {
    JsonNode c = platform.control.client().createCredential(service);
    return new ServiceCredentials(service, c.get("client_id").asText(), c.get("client_secret").asText(),
        TokenSource.tokenUrl(URI.create(platform.control.control.url())));
  }

  /** A caller with its credential, and nothing else: no token code. */
  OodaClient caller(String service) {
    return platform.kit(service, b -> b.credentials(credentials(service))).client("catalog");
  }

  /** catalog, following its group through the control plane's watch alone (no ZooKeeper). */
  OodaService catalog() {
    Kit kit = platform.add(Kit.builder("catalog").controlPlane(platform.control.control.url())
        .credentials(credentials("catalog")).start());
    return platform.serve(kit, b -> b.service("/items/{id}", (ctx, req) -> HttpResponse.of("item " + ctx.pathParam("id"))));
  }

  static RemoteProblemException refusal(OodaClient c, String path) {
    try {
      c.get(path).as(String.class);
    } catch (RemoteProblemException e) {
      return e;
    }
    throw new AssertionError("the call to " + path + " went through");
  }

  @Test
  void anEnforcedGroupLetsItsCallersInAndExplainsEveryRefusal() {
    group("enforce", true);
    OodaService catalog = catalog();
    assertThat(catalog.accessMode()).isEqualTo("enforce");

    assertThat(caller("orders").get("/items/{id}", 1).as(String.class)).isEqualTo("item 1");

    RemoteProblemException missing = refusal(platform.kit("anonymous").client("catalog"), "/items/1");
    assertThat(missing.status()).isEqualTo(401);
    assertThat(missing.type()).isEqualTo("urn:ooda:problem:token-missing");
    assertThat(missing.detail()).contains("'catalog'", "ooda-token");

    RemoteProblemException stranger = refusal(caller("reports"), "/items/1");
    assertThat(stranger.status()).isEqualTo(403);
    assertThat(stranger.type()).isEqualTo("urn:ooda:problem:not-in-group");
    assertThat(stranger.detail()).contains("'reports'", "'catalog'", "edge, orders", "[decision ");

    // edge is listed for GET /items/* only: the nearest rule is named
    OodaClient edge = caller("edge");
    assertThat(edge.get("/items/{id}", 2).as(String.class)).isEqualTo("item 2");
    RemoteProblemException post = refusal(edge, "/items/2/stock");
    assertThat(post.detail()).contains("'edge'", "'catalog'", "callers[1]", "/items/*", "GET /items/2/stock");

    assertThat(catalog.accessDecisions()).containsEntry("allow", 2L).containsEntry("deny", 3L);
    String metrics = WebClient.of("http://127.0.0.1:" + catalog.port()).get("/metrics").aggregate().join().contentUtf8();
    assertThat(metrics).contains("ooda_access_decisions_total{service=\"catalog\",outcome=\"deny\"} 3");
    String decision = stranger.detail().replaceAll(".*\\[decision ([0-9a-f]+)\\].*", "$1");
    assertThat(lines()).anySatisfy(l -> assertThat(l).contains("\"decision\":\"" + decision + "\"", "\"caller\":\"reports\""));
  }

  @Test
  void auditModeLetsAWouldBeRefusalThroughAndLogsIt() {
    group("audit", true);
    OodaService catalog = catalog();
    assertThat(caller("reports").get("/items/{id}", 3).as(String.class)).isEqualTo("item 3");
    assertThat(catalog.accessDecisions()).containsEntry("would-deny", 1L);
    assertThat(lines()).anySatisfy(l -> assertThat(l).contains("\"outcome\":\"would-deny\"", "\"caller\":\"reports\""));
  }

  @Test
  void removingACallerFromTheGroupRefusesItsNextCall() {
    group("enforce", true);
    catalog();
    OodaClient orders = caller("orders");
    assertThat(orders.get("/items/{id}", 1).as(String.class)).isEqualTo("item 1");
    long start = System.nanoTime();
    group("enforce", false);
    Eventually.until("orders is refused", () -> {
      try {
        orders.get("/items/{id}", 1).as(String.class);
        return false;
      } catch (RemoteProblemException e) {
        return e.status() == 403;
      }
    });
    System.out.printf("catalog refused orders %d ms after its group changed%n", (System.nanoTime() - start) / 1_000_000);
  }

  @Test
  void aKitWithZooKeeperFollowsItsGroupThereAndModeOffChecksNothing() {
    Kit kit = platform.kit("catalog", b -> b.credentials(credentials("catalog")));
    OodaService catalog = platform.serve(kit, b -> b.service("/items/{id}", (ctx, req) -> HttpResponse.of("item")));
    assertThat(catalog.accessMode()).isEqualTo("off");
    OodaClient anonymous = platform.kit("anonymous").client("catalog");
    assertThat(anonymous.get("/items/1").as(String.class)).isEqualTo("item");
    group("enforce", true);
    Eventually.until("catalog enforces", () -> catalog.accessMode().equals("enforce"));
    assertThat(refusal(anonymous, "/items/1").status()).isEqualTo(401);
    group("off", true);
    Eventually.until("catalog is off", () -> catalog.accessMode().equals("off"));
    assertThat(anonymous.get("/items/1").as(String.class)).isEqualTo("item");
  }

  @Test
  void expiredForeignAndWrongAudienceTokensAreRefused() throws Exception {
    group("enforce", true);
    ECKey key = new ECKeyGenerator(Curve.P_256).keyID("test-key").generate();
    Kit kit = platform.add(Kit.builder("catalog").controlPlane(platform.control.control.url())
        .keys(KeySource.inProcess(() -> new KeySource.Keys(new JWKSet(key.toPublicJWK()), Set.of()))).start());
    OodaService catalog = platform.serve(kit, b -> b.service("/items/{id}", (ctx, req) -> HttpResponse.of("item")));
    WebClient raw = WebClient.of("http://127.0.0.1:" + catalog.port());
    Instant now = Instant.now();

    assertThat(call(raw, sign(key, "orders", "catalog", now, now.plusSeconds(600))).status().code()).isEqualTo(200);
    AggregatedHttpResponse expired = call(raw, sign(key, "orders", "catalog", now.minusSeconds(3600), now.minusSeconds(600)));
    assertThat(expired.status().code()).isEqualTo(401);
    assertThat(expired.contentUtf8()).contains("token-invalid", "expired");
    AggregatedHttpResponse audience = call(raw, sign(key, "orders", "payments", now, now.plusSeconds(600)));
    assertThat(audience.status().code()).isEqualTo(401);
    assertThat(audience.contentUtf8()).contains("token-invalid", "payments", "not for catalog");
    ECKey other = new ECKeyGenerator(Curve.P_256).keyID("test-key").generate();
    AggregatedHttpResponse forged = call(raw, sign(other, "orders", "catalog", now, now.plusSeconds(600)));
    assertThat(forged.status().code()).isEqualTo(401);
    assertThat(forged.contentUtf8()).contains("signature");
  }

  static AggregatedHttpResponse call(WebClient raw, String token) {
    return raw.execute(RequestHeaders.builder(HttpMethod.GET, "/items/1").add(Headers.TOKEN, token).build()).aggregate().join();
  }

  static String sign(ECKey key, String sub, String aud, Instant iat, Instant exp) throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(),
        new JWTClaimsSet.Builder().issuer(TokenClaims.CONTROL).subject(sub).audience(aud).issueTime(Date.from(iat))
            .notBeforeTime(Date.from(iat)).expirationTime(Date.from(exp)).jwtID(UUID.randomUUID().toString()).build());
    jwt.sign(new ECDSASigner(key));
    return jwt.serialize();
  }

  java.util.List<String> lines() {
    return decisionLines.list.stream().map(ILoggingEvent::getFormattedMessage).filter(m -> m.contains("\"decision\"")).toList();
  }
}
