package dev.ooda.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ooda.access.InvalidTokenException;
import dev.ooda.access.InvalidTokenException.Reason;
import dev.ooda.access.RemoteKeySource;
import dev.ooda.access.ServiceToken;
import dev.ooda.access.TokenClaims;
import dev.ooda.access.TokenVerifier;
import dev.ooda.control.client.InstanceLease;
import dev.ooda.control.client.InstanceRegistration;
import dev.ooda.control.client.RegistryClient;
import dev.ooda.control.client.ServiceCredentials;
import dev.ooda.control.client.TokenSource;
import dev.ooda.control.identity.Identity;
import dev.ooda.control.identity.KeySealer;
import dev.ooda.control.identity.SigningKeys;
import dev.ooda.model.ProblemException;
import dev.ooda.model.ResourceCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class IdentityTest {
  static TestControl t;
  static HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void start() throws Exception {
    // A JWKS max-age of 1 s, so that verifiers see revocations and new keys quickly.
    t = TestControl.start(null, new Identity.Options(
        new SigningKeys.Options(Duration.ofHours(1), Duration.ofMinutes(10), Duration.ofSeconds(1)), KeySealer.IDENTITY));
  }

  @AfterAll
  static void stop() throws Exception {
    t.close();
  }

  static ServiceCredentials credential(String service) {
    JsonNode c = t.client().createCredential(service);
    return new ServiceCredentials(service, c.get("client_id").asText(), c.get("client_secret").asText(),
        TokenSource.tokenUrl(URI.create(t.control.url())));
  }

  static HttpResponse<String> tokenRequest(String form) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(t.control.url() + "/oauth/token"))
        .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> post(String path, String contentType, String body, String token) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(t.control.url() + path)).header("Content-Type", contentType)
        .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static TokenVerifier verifier(String audience) {
    return new TokenVerifier(audience, new RemoteKeySource(URI.create(t.control.url())));
  }

  static String form(ServiceCredentials c, String secret, String audience) {
    return "grant_type=client_credentials&client_id=" + c.clientId() + "&client_secret=" + secret + "&audience=" + audience;
  }

  @Test
  void credentialsAreExchangedForTokensThatVerify() throws Exception {
    ServiceCredentials orders = credential("orders");
    assertThat(orders.clientId()).matches("orders\\.[a-z2-7]{8}");
    assertThat(orders.clientSecret()).startsWith("ooda_cs_");

    HttpResponse<String> r = tokenRequest(form(orders, orders.clientSecret(), "catalog"));
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode body = ResourceCodec.json().readTree(r.body());
    assertThat(body.get("token_type").asText()).isEqualTo("Bearer");
    assertThat(body.get("expires_in").asLong()).isEqualTo(600);

    ServiceToken v = verifier("catalog").verify(body.get("access_token").asText());
    assertThat(v.service()).isEqualTo("orders");
    assertThat(v.clientId()).isEqualTo(orders.clientId());

    try (TokenSource tokens = TokenSource.forCredentials(orders)) {
      String first = tokens.token("catalog");
      assertThat(tokens.token("catalog")).as("cached").isEqualTo(first);
      assertThat(verifier("catalog").verify(first).service()).isEqualTo("orders");
    }

    // Listing shows no secret.
    JsonNode list = t.client().credentials("orders");
    assertThat(list.get("items")).hasSize(1);
    assertThat(list.toString()).doesNotContain(orders.clientSecret()).doesNotContain("sha256");

    HttpResponse<String> jwks = http.send(HttpRequest.newBuilder(URI.create(t.control.url() + "/.well-known/jwks.json")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(jwks.headers().firstValue("cache-control")).contains("max-age=1");
    assertThat(jwks.body()).contains("\"crv\":\"P-256\"").doesNotContain("\"d\"");
  }

  @Test
  void tokenEndpointRefusesBadSecretUnknownClientAndOtherGrants() throws Exception {
    ServiceCredentials c = credential("refused");
    HttpResponse<String> bad = tokenRequest(form(c, "ooda_cs_wrong", "catalog"));
    assertThat(bad.statusCode()).isEqualTo(401);
    assertThat(ResourceCodec.json().readTree(bad.body()).get("error").asText()).isEqualTo("invalid_client");
    assertThat(bad.body()).contains("wrong secret");

    HttpResponse<String> unknown = tokenRequest("grant_type=client_credentials&client_id=nobody.aaaaaaaa&client_secret=x&audience=catalog");
    assertThat(unknown.statusCode()).isEqualTo(401);
    assertThat(unknown.body()).contains("invalid_client").contains("unknown client nobody.aaaaaaaa");

    HttpResponse<String> grant = tokenRequest("grant_type=password&client_id=" + c.clientId() + "&client_secret=" + c.clientSecret() + "&audience=catalog");
    assertThat(grant.statusCode()).isEqualTo(400);
    assertThat(grant.body()).contains("unsupported_grant_type");

    HttpResponse<String> noAudience = tokenRequest("grant_type=client_credentials&client_id=" + c.clientId() + "&client_secret=" + c.clientSecret());
    assertThat(noAudience.statusCode()).isEqualTo(400);
    assertThat(noAudience.body()).contains("invalid_request").contains("audience");

    try (TokenSource tokens = TokenSource.forCredentials(new ServiceCredentials("refused", c.clientId(), "ooda_cs_wrong", c.tokenUrl()))) {
      assertThatThrownBy(() -> tokens.token("catalog")).isInstanceOf(ProblemException.class).hasMessageContaining("invalid_client");
    }
  }

  @Test
  void verifierRefusesExpiredNotYetValidAndOtherAudiences() {
    String token = t.control.identity().issuer().issue("orders", "catalog").value();
    RemoteKeySource keys = new RemoteKeySource(URI.create(t.control.url()));
    Clock later = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(11));
    Clock earlier = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-1));
    assertThat(reason(() -> new TokenVerifier("catalog", keys, later, 100).verify(token))).isEqualTo(Reason.EXPIRED);
    assertThat(reason(() -> new TokenVerifier("catalog", keys, earlier, 100).verify(token))).isEqualTo(Reason.NOT_YET_VALID);
    assertThat(reason(() -> verifier("payments").verify(token))).isEqualTo(Reason.AUDIENCE);
    assertThat(reason(() -> verifier(TokenClaims.CONTROL).verify(token))).isEqualTo(Reason.AUDIENCE);
    assertThat(reason(() -> verifier("catalog").verify(null))).isEqualTo(Reason.MISSING);
    assertThat(reason(() -> verifier("catalog").verify("not.a.jwt"))).isEqualTo(Reason.MALFORMED);
  }

  @Test
  void aTokenIssuedBeforeARevokeIsRefusedOnceTheRevocationIsSeen() throws Exception {
    ServiceCredentials c = credential("replayer");
    String token;
    try (TokenSource tokens = TokenSource.forCredentials(c)) {
      token = tokens.token("catalog");
    }
    TokenVerifier v = verifier("catalog");
    assertThat(v.verify(token).service()).isEqualTo("replayer");

    t.client().revokeCredential(c.clientId());
    Eventually.within(Duration.ofSeconds(10), () -> assertThat(reason(() -> v.verify(token))).isEqualTo(Reason.REVOKED));
    assertThat(tokenRequest(form(c, c.clientSecret(), "catalog")).body()).contains("invalid_client").contains("revoked");
    assertThat(t.client().credentials("replayer").get("items").get(0).has("revoked")).isTrue();
  }

  @Test
  void onceAServiceHasACredentialOnlyItsTokenRegistersIt() throws Exception {
    InstanceRegistration r = new InstanceRegistration("v1", "127.0.0.1", 7001, null, Map.of(), null, null);
    RegistryClient anyone = t.registry();
    // No credential yet: dev mode, anyone registers.
    try (InstanceLease open = anyone.register("payments", r)) {
      assertThat(open.id()).isNotBlank();
    }

    ServiceCredentials payments = credential("payments");
    assertThatThrownBy(() -> anyone.register("payments", r))
        .isInstanceOfSatisfying(ProblemException.class, e -> {
          assertThat(e.problem().type()).isEqualTo("urn:ooda:problem:identity-required");
          assertThat(e.problem().status()).isEqualTo(403);
          assertThat(e.problem().detail()).contains("payments");
        });

    ServiceCredentials impostor = credential("impostor");
    try (TokenSource other = TokenSource.forCredentials(impostor)) {
      assertThatThrownBy(() -> anyone.withTokens(other).register("payments", r))
          .isInstanceOfSatisfying(ProblemException.class, e -> assertThat(e.problem().detail()).contains("the token is of service impostor"));
    }

    try (TokenSource own = TokenSource.forCredentials(payments);
         InstanceLease lease = anyone.withTokens(own).register("payments", r)) {
      assertThat(anyone.instances("payments")).extracting(i -> i.id()).contains(lease.id());
      assertThatThrownBy(() -> anyone.deregister("payments", lease.id())).isInstanceOf(ProblemException.class);
    }

    // An admin-scope admin token may act for it (the platform's own roles do).
    try (InstanceLease admin = anyone.withAdminToken(t.adminToken()).register("payments", r)) {
      assertThat(admin.id()).isNotBlank();
    }
  }

  @Test
  void adminTokenScopesAreEnforced() throws Exception {
    String read = t.client().createAdminToken("viewer", "read").get("token").asText();
    String write = t.client().createAdminToken("deployer", "write").get("token").asText();
    String service = "kind: Service\nname: scoped\nspec: {owner: team-a}\n";

    HttpResponse<String> refused = post("/api/v1/apply", "application/yaml", service, read);
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.body()).contains("urn:ooda:problem:scope-missing").contains("viewer").contains("needs scope write");

    assertThat(new dev.ooda.control.client.ControlClient(URI.create(t.control.url()), read).credentials(null).get("items").isArray()).isTrue();
    assertThat(post("/api/v1/apply", "application/yaml", service, write).statusCode()).isEqualTo(200);
    assertThatThrownBy(() -> new dev.ooda.control.client.ControlClient(URI.create(t.control.url()), write).createCredential("x"))
        .isInstanceOfSatisfying(ProblemException.class, e -> assertThat(e.problem().status()).isEqualTo(403));

    JsonNode tokens = t.client().adminTokens();
    assertThat(tokens.toString()).contains("bootstrap").contains("viewer").doesNotContain(read);
    t.client().revokeAdminToken("deployer");
    assertThat(post("/api/v1/apply", "application/yaml", service, write).statusCode()).isEqualTo(401);
  }

  private static Reason reason(Runnable r) {
    try {
      r.run();
    } catch (InvalidTokenException e) {
      return e.reason();
    }
    throw new AssertionError("the token was accepted");
  }

  static Set<String> kids(String jwks) throws Exception {
    Set<String> out = new HashSet<>();
    for (JsonNode k : ResourceCodec.json().readTree(jwks).path("keys")) out.add(k.get("kid").asText());
    return out;
  }
}
