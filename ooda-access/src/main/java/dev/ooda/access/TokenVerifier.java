package dev.ooda.access;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.BadJWSException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.ooda.access.InvalidTokenException.Reason;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Verifies service tokens for one audience (the service that receives the calls, or
 * {@link TokenClaims#CONTROL}). ES256 only; issuer, audience, {@code exp}/{@code nbf} (with
 * {@link TokenClaims#SKEW}) checked; {@code sub}, {@code exp}, {@code iat} and {@code jti} required;
 * tokens of revoked credentials refused by their {@code cid}.
 *
 * <p>A token that verified is remembered until it expires, so the steady-state check is a map
 * lookup plus the checks that can change under it (expiry, its key still published, its credential
 * not revoked) rather than an ECDSA verification. Thread-safe.
 */
public final class TokenVerifier {
  /** Tokens remembered at most; beyond it, expired ones are dropped first, then all. */
  public static final int DEFAULT_CACHE_SIZE = 10_000;

  private record Verified(ServiceToken token, String kid) {}

  /** A claims check that says why it refused, so the processor's exception carries our reason. */
  private static final class Refused extends BadJWTException {
    final Reason reason;

    Refused(Reason reason, String detail) {
      super(detail);
      this.reason = reason;
    }
  }

  private final String audience;
  private final KeySource keys;
  private final Clock clock;
  private final int cacheSize;
  private final Map<String, Verified> cache = new ConcurrentHashMap<>();

  public TokenVerifier(String audience, KeySource keys) {
    this(audience, keys, Clock.systemUTC(), DEFAULT_CACHE_SIZE);
  }

  public TokenVerifier(String audience, KeySource keys, Clock clock, int cacheSize) {
    if (audience == null || audience.isBlank()) throw new IllegalArgumentException("a verifier needs the audience it checks for");
    this.audience = audience;
    this.keys = keys;
    this.clock = clock;
    this.cacheSize = cacheSize;
  }

  public String audience() {
    return audience;
  }

  /** The token's claims when it is valid for this verifier's audience; otherwise an {@link InvalidTokenException}. */
  public ServiceToken verify(String token) {
    if (token == null || token.isBlank()) throw new InvalidTokenException(Reason.MISSING, "no service token was presented");
    Instant now = clock.instant();
    Verified hit = cache.get(token);
    if (hit != null) {
      KeySource.Keys current = keys.keys();
      if (now.isAfter(hit.token().expiresAt().plus(TokenClaims.SKEW))) {
        cache.remove(token);
        throw expired(hit.token().service(), hit.token().expiresAt());
      }
      if (current.has(hit.kid()) && !revoked(current, hit.token())) return hit.token();
      cache.remove(token); // its key was withdrawn or its credential revoked: check it in full below
    }
    Verified v = verifyFully(token, now);
    if (cache.size() >= cacheSize) trim(now);
    cache.put(token, v);
    return v.token();
  }

  private Verified verifyFully(String token, Instant now) {
    JWT jwt;
    try {
      jwt = JWTParser.parse(token.trim());
    } catch (ParseException e) {
      throw new InvalidTokenException(Reason.MALFORMED, "the service token is not a JWT: " + e.getMessage());
    }
    if (jwt instanceof PlainJWT) {
      throw new InvalidTokenException(Reason.ALGORITHM, "the service token is unsigned (alg: none); only ES256 is accepted");
    }
    if (!(jwt instanceof SignedJWT signed)) {
      throw new InvalidTokenException(Reason.MALFORMED, "the service token is encrypted, not signed; only ES256 signatures are accepted");
    }
    JWSHeader header = signed.getHeader();
    if (!JWSAlgorithm.ES256.equals(header.getAlgorithm())) {
      throw new InvalidTokenException(Reason.ALGORITHM, "the service token is signed with " + header.getAlgorithm() + "; only ES256 is accepted");
    }
    String kid = header.getKeyID();
    if (kid == null) throw new InvalidTokenException(Reason.MALFORMED, "the service token's header has no kid");
    KeySource.Keys current = keys.keys();
    if (!current.has(kid)) current = keys.refreshForUnknownKey(kid);
    if (!current.has(kid)) {
      throw new InvalidTokenException(Reason.UNKNOWN_KEY, "the service token is signed with key " + kid + ", which the control plane does not publish");
    }
    KeySource.Keys snapshot = current;
    JWKSource<SecurityContext> source = (selector, ctx) -> selector.select(snapshot.set());
    DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.ES256, source));
    processor.setJWTClaimsSetVerifier((claims, ctx) -> checkClaims(claims, now));
    JWTClaimsSet claims;
    try {
      claims = processor.process(signed, null);
    } catch (Refused r) {
      throw new InvalidTokenException(r.reason, r.getMessage());
    } catch (BadJWSException e) {
      throw new InvalidTokenException(Reason.BAD_SIGNATURE, "the service token's signature does not verify with key " + kid);
    } catch (BadJOSEException | JOSEException e) {
      throw new InvalidTokenException(Reason.MALFORMED, "the service token was refused: " + e.getMessage());
    }
    ServiceToken t = new ServiceToken(claims.getSubject(), clientId(claims), claims.getExpirationTime().toInstant());
    if (revoked(snapshot, t)) throw revoked(t);
    return new Verified(t, kid);
  }

  private void checkClaims(JWTClaimsSet c, Instant now) throws Refused {
    if (!TokenClaims.CONTROL.equals(c.getIssuer())) {
      throw new Refused(Reason.ISSUER, "the service token's issuer is " + quoted(c.getIssuer()) + ", not " + TokenClaims.CONTROL);
    }
    List<String> aud = c.getAudience();
    if (aud == null || !aud.contains(audience)) {
      throw new Refused(Reason.AUDIENCE, "the service token is for " + (aud == null || aud.isEmpty() ? "no audience" : String.join(", ", aud))
          + ", not for " + audience);
    }
    String sub = c.getSubject();
    if (sub == null || sub.isBlank()) throw new Refused(Reason.MALFORMED, "the service token has no sub (the calling service)");
    for (var required : Map.of("exp", c.getExpirationTime() == null, "iat", c.getIssueTime() == null, "jti", c.getJWTID() == null).entrySet()) {
      if (required.getValue()) throw new Refused(Reason.MALFORMED, "the service token of " + sub + " has no " + required.getKey());
    }
    Instant exp = c.getExpirationTime().toInstant();
    if (now.isAfter(exp.plus(TokenClaims.SKEW))) throw refusedExpired(sub, exp);
    Date nbf = c.getNotBeforeTime();
    if (nbf != null && now.plus(TokenClaims.SKEW).isBefore(nbf.toInstant())) {
      throw new Refused(Reason.NOT_YET_VALID, "the service token of " + sub + " is not valid before " + nbf.toInstant());
    }
    try {
      c.getStringClaim(TokenClaims.CLIENT_ID);
    } catch (ParseException e) {
      throw new Refused(Reason.MALFORMED, "the service token's cid is not a string");
    }
  }

  private static String clientId(JWTClaimsSet c) {
    try {
      return c.getStringClaim(TokenClaims.CLIENT_ID);
    } catch (ParseException e) {
      return null; // checked in checkClaims
    }
  }

  private static boolean revoked(KeySource.Keys keys, ServiceToken t) {
    return t.clientId() != null && keys.revokedClientIds().contains(t.clientId());
  }

  private static InvalidTokenException revoked(ServiceToken t) {
    return new InvalidTokenException(Reason.REVOKED, "the service token of " + t.service() + " was issued for credential "
        + t.clientId() + ", which was revoked");
  }

  private static Refused refusedExpired(String sub, Instant exp) {
    return new Refused(Reason.EXPIRED, "the service token of " + sub + " expired at " + exp);
  }

  private static InvalidTokenException expired(String sub, Instant exp) {
    return new InvalidTokenException(Reason.EXPIRED, "the service token of " + sub + " expired at " + exp);
  }

  private static String quoted(String s) {
    return s == null ? "missing" : "'" + s + "'";
  }

  private void trim(Instant now) {
    cache.values().removeIf(v -> now.isAfter(v.token().expiresAt().plus(TokenClaims.SKEW)));
    if (cache.size() >= cacheSize) cache.clear();
  }
}
