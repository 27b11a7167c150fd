package dev.ooda.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.ooda.access.ApiKeys;
import dev.ooda.model.Headers;
import dev.ooda.model.ResourceCodec;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;

/** End-user credentials on routes: API keys and an external issuer's JWTs. */
class RouteAuthTest extends GatewayTestSupport {
  private static final String ISSUER = "https://id.example.test/";

  @Test
  void apiKeyRoutesRefuseMissingAndWrongKeysAndPassTheSubject() throws Exception {
    String key = ApiKeys.generate();
    TestOrigin partners = origin("partners-1");
    GatewayServer g = gateway();
    g.routes(yaml("""
        kind: Route
        name: partners
        spec:
          match: {pathPrefix: /partners}
          to: [{service: partners}]
          auth: {apiKeys: [{name: partner-a, sha256: %s}, {name: partner-b, sha256: %s}]}
        """.formatted(ApiKeys.hash(key), ApiKeys.hash("another key"))));
    g.instances("partners", List.of(partners.instance("partners", "v1")));

    HttpResponse<String> none = get(g, "/partners/1");
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.headers().firstValue("www-authenticate")).hasValue("Bearer");
    assertThat(problem(none).path("detail").asText()).contains("route 'partners'", "requires an API key", "none was sent");

    HttpResponse<String> wrong = get(g, "/partners/1", "x-api-key", "ooda_ak_guessed-value");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(problem(wrong).path("detail").asText()).contains("route 'partners'", "does not accept the API key");
    assertThat(wrong.body()).doesNotContain("guessed");
    assertThat(partners.seen).isEmpty();

    HttpResponse<String> right = get(g, "/partners/1", "x-api-key", key, Headers.SUBJECT, "someone-else");
    assertThat(right.statusCode()).isEqualTo(200);
    TestOrigin.Seen seen = partners.last();
    assertThat(seen.headers().get(Headers.SUBJECT)).containsExactly("partner-a");
    assertThat(seen.header("x-api-key")).isNull();

    assertThat(get(g, "/partners/2", "Authorization", "Bearer another key").statusCode()).isEqualTo(200);
    assertThat(partners.last().header(Headers.SUBJECT)).isEqualTo("partner-b");
    assertThat(partners.last().header("Authorization")).isNull();
  }

  @Test
  void jwtRoutesCheckSignatureIssuerAudienceAndExpiry() throws Exception {
    RSAKey rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
    ECKey ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
    RSAKey impostor = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
    HttpServer jwks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    byte[] set = new JWKSet(List.of(rsa.toPublicJWK(), ec.toPublicJWK())).toString().getBytes(StandardCharsets.UTF_8);
    jwks.createContext("/jwks", ex -> {
      ex.getResponseHeaders().set("Content-Type", "application/json");
      ex.sendResponseHeaders(200, set.length);
      ex.getResponseBody().write(set);
      ex.close();
    });
    jwks.start();
    closeables.add(() -> jwks.stop(0));
    TestOrigin shop = origin("shop-1");
    GatewayServer g = gateway();
    g.routes(yaml("""
        kind: Route
        name: shop
        spec:
          match: {pathPrefix: /shop}
          to: [{service: shop}]
          auth: {jwt: {jwks: "http://127.0.0.1:%d/jwks", issuer: "%s", audiences: [shop, store]}}
        """.formatted(jwks.getAddress().getPort(), ISSUER)));
    g.instances("shop", List.of(shop.instance("shop", "v1")));
    Instant now = Instant.now();

    HttpResponse<String> good = get(g, "/shop/cart", "Authorization", "Bearer " + jwt(new RSASSASigner(rsa), JWSAlgorithm.RS256, "rsa-1",
        ISSUER, "shop", "alice", now.plusSeconds(300)));
    assertThat(good.statusCode()).isEqualTo(200);
    assertThat(shop.last().header(Headers.SUBJECT)).isEqualTo("alice");
    assertThat(shop.last().header("Authorization")).startsWith("Bearer "); // the user's own token goes on to the origin

    assertThat(get(g, "/shop/cart", "Authorization", "Bearer " + jwt(new ECDSASigner(ec), JWSAlgorithm.ES256, "ec-1",
        ISSUER, "store", "bob", now.plusSeconds(300))).statusCode()).isEqualTo(200);
    assertThat(shop.last().header(Headers.SUBJECT)).isEqualTo("bob");

    int before = shop.seen.size();
    assertRefused(g, null, "requires a JWT from " + ISSUER);
    assertRefused(g, jwt(new RSASSASigner(rsa), JWSAlgorithm.RS256, "rsa-1", ISSUER, "shop", "alice", now.minusSeconds(3600)),
        "expired");
    assertRefused(g, jwt(new RSASSASigner(rsa), JWSAlgorithm.RS256, "rsa-1", "https://evil.example/", "shop", "alice",
        now.plusSeconds(300)), "issuer", "evil.example");
    assertRefused(g, jwt(new RSASSASigner(rsa), JWSAlgorithm.RS256, "rsa-1", ISSUER, "billing", "alice", now.plusSeconds(300)),
        "audience", "billing");
    assertRefused(g, jwt(new RSASSASigner(impostor), JWSAlgorithm.RS256, "rsa-1", ISSUER, "shop", "alice", now.plusSeconds(300)),
        "bad-signature");
    assertRefused(g, jwt(new RSASSASigner(rsa), JWSAlgorithm.RS256, "unknown", ISSUER, "shop", "alice", now.plusSeconds(300)),
        "unknown-key");
    assertRefused(g, "not.a.jwt", "malformed");
    assertThat(shop.seen).hasSize(before);
  }

  private void assertRefused(GatewayServer g, String token, String... detail) throws Exception {
    HttpResponse<String> r = token == null ? get(g, "/shop/cart") : get(g, "/shop/cart", "Authorization", "Bearer " + token);
    assertThat(r.statusCode()).isEqualTo(401);
    JsonNode p = problem(r);
    assertThat(p.path("type").asText()).isEqualTo("urn:ooda:problem:unauthorized");
    assertThat(p.path("detail").asText()).contains("route 'shop'").contains(detail);
  }

  private static String jwt(JWSSigner signer, JWSAlgorithm alg, String kid, String issuer, String audience, String subject, Instant exp)
      throws Exception {
    JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(issuer).audience(audience).subject(subject)
        .issueTime(Date.from(exp.minus(Duration.ofMinutes(10)))).expirationTime(Date.from(exp)).build();
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(kid).build(), claims);
    jwt.sign(signer);
    return jwt.serialize();
  }

  private static JsonNode problem(HttpResponse<String> r) throws Exception {
    assertThat(r.headers().firstValue("content-type")).hasValue("application/problem+json");
    return ResourceCodec.json().readTree(r.body());
  }
}
