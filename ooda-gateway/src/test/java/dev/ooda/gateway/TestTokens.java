package dev.ooda.gateway;

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
import dev.ooda.access.ServiceToken;
import dev.ooda.access.TokenClaims;
import dev.ooda.access.TokenVerifier;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Set;
import java.util.UUID;

/** Service tokens as the control plane signs them (ES256, the token contract's claims), and their verification. */
final class TestTokens {
  private final ECKey key;

  TestTokens() {
    try {
      key = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A token of {@code service} for calls to {@code audience}, valid ten minutes. */
  String issue(String service, String audience) {
    try {
      Instant iat = Instant.ofEpochSecond(Instant.now().getEpochSecond());
      JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(TokenClaims.CONTROL).subject(service).audience(audience)
          .issueTime(Date.from(iat)).notBeforeTime(Date.from(iat)).expirationTime(Date.from(iat.plus(Duration.ofMinutes(10))))
          .jwtID(UUID.randomUUID().toString()).build();
      SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(), claims);
      jwt.sign(new ECDSASigner(key));
      return jwt.serialize();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Verifies a token as the called service {@code audience} would. */
  ServiceToken verify(String audience, String token) {
    KeySource.Keys keys = new KeySource.Keys(new JWKSet(key.toPublicJWK()), Set.of());
    return new TokenVerifier(audience, KeySource.inProcess(() -> keys)).verify(token);
  }
}
