package dev.ooda.control.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.ooda.access.TokenClaims;
import dev.ooda.control.client.TokenSource;
import dev.ooda.model.InvalidResourceException;
import dev.ooda.model.Names;
import dev.ooda.model.Violation;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/**
 * Signs service tokens (ES256) with the current signing key, following the token contract:
 * {@code iss} {@value TokenClaims#CONTROL}, {@code sub} the service, one {@code aud}, {@code iat} =
 * {@code nbf}, {@code exp} after the configured lifetime, a random {@code jti}, and {@code cid} when
 * the token was issued for a credential. The platform's own roles get tokens from it in-process,
 * without a credential: {@code TokenSource.of("gateway", aud -> issuer.issue("gateway", aud))}.
 */
public final class TokenIssuer {
  private final SigningKeys keys;
  private final Clock clock;

  public TokenIssuer(SigningKeys keys) {
    this(keys, Clock.systemUTC());
  }

  TokenIssuer(SigningKeys keys, Clock clock) {
    this.keys = keys;
    this.clock = clock;
  }

  /** A token of {@code service} for calls to {@code audience}, issued without a credential (no {@code cid}). */
  public TokenSource.Token issue(String service, String audience) {
    return issue(service, audience, null);
  }

  /** A token of {@code service} for calls to {@code audience}, issued for credential {@code clientId} (may be null). */
  public TokenSource.Token issue(String service, String audience, String clientId) {
    String p = Names.problem(service);
    if (p != null) throw new InvalidResourceException(List.of(Violation.of("service", p)));
    checkAudience(audience);
    SigningKeys.Key key = keys.signing();
    Instant now = clock.instant();
    Instant iat = Instant.ofEpochSecond(now.getEpochSecond()); // JWT times are whole seconds
    Instant exp = iat.plus(keys.options().lifetime());
    JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
        .issuer(TokenClaims.CONTROL).subject(service).audience(audience)
        .issueTime(Date.from(iat)).notBeforeTime(Date.from(iat)).expirationTime(Date.from(exp))
        .jwtID(UUID.randomUUID().toString());
    if (clientId != null) claims.claim(TokenClaims.CLIENT_ID, clientId);
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.kid()).type(JOSEObjectType.JWT).build(), claims.build());
    try {
      jwt.sign(new ECDSASigner(key.privateKey()));
    } catch (JOSEException e) {
      throw new IllegalStateException("signing a token with key " + key.kid() + " failed", e);
    }
    return new TokenSource.Token(jwt.serialize(), iat, exp);
  }

  /** An audience is a service's name or {@value TokenClaims#CONTROL}. */
  public static void checkAudience(String audience) {
    if (TokenClaims.CONTROL.equals(audience)) return;
    String p = Names.problem(audience);
    if (p != null) throw new InvalidResourceException(List.of(Violation.of("audience", p + " (a service's name, or " + TokenClaims.CONTROL + ")")));
  }
}
