package dev.ooda.access;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.ooda.access.InvalidTokenException.Reason;
import java.time.Instant;
import java.util.Date;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Refusals that need tokens the control plane would never sign; the control plane's tests cover the rest with real tokens. */
class TokenVerifierTest {
  static final ECKey KEY = generate("k1");
  static final ECKey OTHER = generate("k1"); // same kid, different key: a forger's
  final AtomicReference<KeySource.Keys> keys = new AtomicReference<>(new KeySource.Keys(new JWKSet(KEY), Set.of()));
  final TokenVerifier verifier = new TokenVerifier("catalog", KeySource.inProcess(keys::get));

  static ECKey generate(String kid) {
    try {
      return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static JWTClaimsSet.Builder claims() {
    Instant now = Instant.now();
    return new JWTClaimsSet.Builder().issuer(TokenClaims.CONTROL).subject("orders").audience("catalog")
        .issueTime(Date.from(now)).notBeforeTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(600)))
        .jwtID(UUID.randomUUID().toString()).claim(TokenClaims.CLIENT_ID, "orders.abcdefgh");
  }

  static String sign(ECKey key, UnaryOperator<JWTClaimsSet.Builder> change) throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(),
        change.apply(claims()).build());
    jwt.sign(new ECDSASigner(key));
    return jwt.serialize();
  }

  Reason reason(String token) {
    try {
      verifier.verify(token);
    } catch (InvalidTokenException e) {
      assertThat(e.getMessage()).isNotBlank();
      return e.reason();
    }
    throw new AssertionError("accepted");
  }

  @Test
  void aGoodTokenVerifiesAndIsRememberedUntilItsKeyIsWithdrawn() throws Exception {
    String token = sign(KEY, c -> c);
    ServiceToken t = verifier.verify(token);
    assertThat(t.service()).isEqualTo("orders");
    assertThat(t.clientId()).isEqualTo("orders.abcdefgh");
    assertThat(verifier.verify(token)).isSameAs(t);

    keys.set(new KeySource.Keys(new JWKSet(generate("k2")), Set.of()));
    assertThat(reason(token)).isEqualTo(Reason.UNKNOWN_KEY);
  }

  @Test
  void forgedUnsignedAndSymmetricTokensAreRefused() throws Exception {
    assertThat(reason(sign(OTHER, c -> c))).isEqualTo(Reason.BAD_SIGNATURE);
    assertThat(reason(new PlainJWT(claims().build()).serialize())).isEqualTo(Reason.ALGORITHM);
    SignedJWT hs = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("k1").build(), claims().build());
    hs.sign(new MACSigner(new byte[32]));
    assertThat(reason(hs.serialize())).isEqualTo(Reason.ALGORITHM);
    assertThat(reason(sign(generate("nobody"), c -> c))).isEqualTo(Reason.UNKNOWN_KEY);
  }

  @Test
  void claimsAreChecked() throws Exception {
    assertThat(reason(sign(KEY, c -> c.issuer("https://elsewhere")))).isEqualTo(Reason.ISSUER);
    assertThat(reason(sign(KEY, c -> c.audience("payments")))).isEqualTo(Reason.AUDIENCE);
    assertThat(reason(sign(KEY, c -> c.expirationTime(Date.from(Instant.now().minusSeconds(31)))))).isEqualTo(Reason.EXPIRED);
    assertThat(reason(sign(KEY, c -> c.notBeforeTime(Date.from(Instant.now().plusSeconds(60)))))).isEqualTo(Reason.NOT_YET_VALID);
    assertThat(reason(sign(KEY, c -> c.jwtID(null)))).isEqualTo(Reason.MALFORMED);
    // Within the 30 s of skew, a token just past exp still verifies.
    assertThat(verifier.verify(sign(KEY, c -> c.expirationTime(Date.from(Instant.now().minusSeconds(5))))).service()).isEqualTo("orders");
  }

  @Test
  void tokensOfARevokedCredentialAreRefusedEvenWhenRemembered() throws Exception {
    String token = sign(KEY, c -> c);
    verifier.verify(token);
    keys.set(new KeySource.Keys(new JWKSet(KEY), Set.of("orders.abcdefgh")));
    assertThat(reason(token)).isEqualTo(Reason.REVOKED);
  }
}
