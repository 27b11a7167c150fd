package dev.ooda.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RouteAuthTest {
  private static final String HASH = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

  @Test
  void readsApiKeysAndJwtAndWritesThemBack() {
    Resource keys = ResourceCodec.readYaml("""
        kind: Route
        name: partners
        spec:
          match: {pathPrefix: /partners}
          to: [{service: partners}]
          auth: {apiKeys: [{name: partner-a, sha256: %s}]}
        """.formatted(HASH)).get(0);
    RouteSpec.Auth a = keys.spec(RouteSpec.class).auth();
    assertThat(a.apiKeys()).containsExactly(new RouteSpec.ApiKey("partner-a", HASH));
    assertThat(ResourceCodec.toJson(keys)).contains("\"apiKeys\"").doesNotContain("\"jwt\"");

    Resource jwt = ResourceCodec.readYaml("""
        kind: Route
        name: shop
        spec:
          match: {pathPrefix: /shop}
          to: [{service: shop}]
          auth: {jwt: {jwks: "https://id.example/jwks", issuer: "https://id.example/", audiences: [shop]}}
        """).get(0);
    RouteSpec.Jwt j = jwt.spec(RouteSpec.class).auth().jwt();
    assertThat(j.jwks()).isEqualTo("https://id.example/jwks");
    assertThat(j.audiences()).containsExactly("shop");
  }

  @Test
  void badAuthIsRefusedNamingTheField() {
    assertThatThrownBy(() -> ResourceCodec.readYaml("""
        kind: Route
        name: partners
        spec:
          match: {pathPrefix: /partners}
          to: [{service: partners}]
          auth:
            apiKeys: [{name: Partner, sha256: abc}, {name: b}, {name: c, sha256: %s}, {name: c, sha256: %s}]
        """.formatted(HASH, HASH.toUpperCase())))
        .isInstanceOf(InvalidResourceException.class)
        .hasMessageContainingAll("auth.apiKeys[0].name", "auth.apiKeys[0].sha256", "64 hex digits",
            "auth.apiKeys[1].sha256", "is required", "auth.apiKeys[3].name", "given twice", "auth.apiKeys[3].sha256");
    assertThatThrownBy(() -> ResourceCodec.readYaml("""
        kind: Route
        name: shop
        spec:
          match: {pathPrefix: /shop}
          to: [{service: shop}]
          auth: {jwt: {jwks: "ftp://id.example/jwks"}}
        """))
        .hasMessageContainingAll("auth.jwt.jwks", "http", "auth.jwt.issuer", "auth.jwt.audiences");
    assertThatThrownBy(() -> ResourceCodec.readYaml("""
        kind: Route
        name: shop
        spec:
          match: {pathPrefix: /shop}
          to: [{service: shop}]
          auth: {jwt: {issuer: x, audiences: [a]}, apiKeys: [{name: a, sha256: %s}]}
        """.formatted(HASH)))
        .hasMessageContainingAll("auth", "exactly one of apiKeys, jwt", "auth.jwt.jwks");
    assertThatThrownBy(() -> ResourceCodec.readYaml("""
        kind: Route
        name: shop
        spec:
          match: {pathPrefix: /shop}
          to: [{service: shop}]
          auth: {}
        """)).hasMessageContaining("exactly one of apiKeys, jwt");
  }
}
