package dev.ooda.access;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.BadJWSException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.ooda.access.InvalidTokenException.Reason;
import dev.ooda.model.RouteSpec;
import java.io.Closeable;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Verifies end users' JWTs from an external issuer (a route's {@code auth.jwt}): RS256 or ES256,
 * signed with a key of the issuer's JWK set, {@code iss} equal to the issuer, {@code aud} naming
 * one of the audiences, {@code exp} not passed and {@code nbf} reached (with {@link TokenClaims#SKEW}),
 * {@code sub} present.
 *
 * <p>The JWK set comes through Nimbus' {@link JWKSourceBuilder}: cached for {@link #JWKS_TTL},
 * refreshed ahead of expiry in the background, refetched (rate-limited) for an unknown key, and
 * kept through an outage of the issuer. A token that verified is remembered until it expires or
 * for {@link #REMEMBER} (whichever is sooner, so a withdrawn key stops being trusted), which makes
 * the steady-state check a map lookup. Thread-safe; {@link #close()} stops the background refresh.
 */
public final class ExternalJwtVerifier implements AutoCloseable {
  /** How long a fetched JWK set is used before it must be fetched again. */
  public static final Duration JWKS_TTL = Duration.ofMinutes(5);
  /** A verified token is trusted again without a signature check for at most this long. */
  public static final Duration REMEMBER = Duration.ofSeconds(60);
  /** Tokens remembered at most; past it the memory is cleared. */
  public static final int CACHE_SIZE = 10_000;
  private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256);

  /** A token that checked out: whose it is and until when it may be trusted without a new check. */
  private record Verified(String subject, Instant until, Instant expiresAt) {}

  /** A claims check that says why it refused. */
  private static final class Refused extends BadJWTException {
    final Reason reason;

    Refused(Reason reason, String detail) {
      super(detail);
      this.reason = reason;
    }
  }

  /** The issuer's keys could not be fetched, so no token can be checked now. */
  public static final class KeysUnavailableException extends RuntimeException {
    KeysUnavailableException(String detail) {
      super(detail, null, false, false);
    }
  }

  private final String jwks;
  private final String issuer;
  private final Set<String> audiences;
  private final JWKSource<SecurityContext> keys;
  private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
  private final Clock clock;
  private final Map<String, Verified> cache = new ConcurrentHashMap<>();

  /** For a route's {@code auth.jwt}: keys fetched from its {@code jwks} URL. */
  public static ExternalJwtVerifier of(RouteSpec.Jwt spec) {
    JWKSource<SecurityContext> source;
    try {
      source = JWKSourceBuilder.<SecurityContext>create(URI.create(spec.jwks()).toURL(), new DefaultResourceRetriever(2_000, 2_000, 512 * 1024))
          .cache(JWKS_TTL.toMillis(), Duration.ofSeconds(5).toMillis())
          .refreshAheadCache(Duration.ofSeconds(30).toMillis(), true)
          .rateLimited(Duration.ofSeconds(10).toMillis())
          .outageTolerant(Duration.ofHours(1).toMillis())
          .build();
    } catch (MalformedURLException | IllegalArgumentException e) {
      throw new IllegalArgumentException("auth.jwt.jwks '" + spec.jwks() + "' is not a URL: " + e.getMessage());
    }
    return new ExternalJwtVerifier(spec, source, Clock.systemUTC());
  }

  /** With any key source (tests, or keys known in advance). */
  public ExternalJwtVerifier(RouteSpec.Jwt spec, JWKSource<SecurityContext> keys, Clock clock) {
    this.jwks = spec.jwks();
    this.issuer = spec.issuer();
    this.audiences = Set.copyOf(spec.audiences());
    this.keys = keys;
    this.clock = clock;
    processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, keys));
    processor.setJWTClaimsSetVerifier((claims, ctx) -> {}); // checked by check(), with this call's clock
  }

  /**
   * Fetches the JWK set now, so the first request does not wait for it. Blocks up to the fetch
   * timeouts; call it off the request path. A failure is left for the first check to report.
   */
  public void warmUp() {
    try {
      keys.get(new JWKSelector(new JWKMatcher.Builder().build()), null);
    } catch (KeySourceException | RuntimeException e) {
      // reported by verify when a request needs the keys
    }
  }

  /**
   * The token's subject when it is valid; otherwise an {@link InvalidTokenException} whose detail
   * says what is wrong (never the token), or {@link KeysUnavailableException} when the issuer's
   * keys cannot be fetched.
   */
  public String subject(String token) {
    if (token == null || token.isBlank()) throw new InvalidTokenException(Reason.MISSING, "no bearer token was presented");
    Instant now = clock.instant();
    Verified hit = cache.get(token);
    if (hit != null) {
      if (now.isBefore(hit.until())) return hit.subject();
      cache.remove(token);
    }
    Verified v = verifyFully(token, now);
    if (cache.size() >= CACHE_SIZE) cache.clear();
    cache.put(token, v);
    return v.subject();
  }

  private Verified verifyFully(String token, Instant now) {
    JWT jwt;
    try {
      jwt = JWTParser.parse(token.trim());
    } catch (ParseException e) {
      throw new InvalidTokenException(Reason.MALFORMED, "the bearer token is not a JWT");
    }
    if (jwt instanceof PlainJWT) {
      throw new InvalidTokenException(Reason.ALGORITHM, "the bearer token is unsigned (alg: none); RS256 or ES256 is required");
    }
    if (!(jwt instanceof SignedJWT signed)) {
      throw new InvalidTokenException(Reason.MALFORMED, "the bearer token is encrypted, not signed");
    }
    JWSAlgorithm alg = signed.getHeader().getAlgorithm();
    if (!ALGORITHMS.contains(alg)) {
      throw new InvalidTokenException(Reason.ALGORITHM, "the bearer token is signed with " + alg + "; RS256 or ES256 is required");
    }
    JWTClaimsSet claims;
    try {
      claims = signed.getJWTClaimsSet();
      check(claims, now);
      claims = processor.process(signed, null);
    } catch (Refused r) {
      throw new InvalidTokenException(r.reason, r.getMessage());
    } catch (ParseException e) {
      throw new InvalidTokenException(Reason.MALFORMED, "the bearer token's claims are not a JSON object");
    } catch (BadJWSException e) {
      throw new InvalidTokenException(Reason.BAD_SIGNATURE, "the bearer token's signature does not verify with the keys of " + jwks);
    } catch (KeySourceException e) {
      throw new KeysUnavailableException("cannot fetch the issuer's keys from " + jwks + ": " + e.getMessage());
    } catch (BadJOSEException e) {
      String kid = signed.getHeader().getKeyID();
      throw new InvalidTokenException(Reason.UNKNOWN_KEY, "the bearer token is signed with "
          + (kid == null ? "a key" : "key " + kid) + " that " + jwks + " does not publish for " + alg);
    } catch (JOSEException e) {
      throw new InvalidTokenException(Reason.MALFORMED, "the bearer token was refused: " + e.getMessage());
    }
    Instant exp = claims.getExpirationTime().toInstant();
    Instant until = now.plus(REMEMBER);
    return new Verified(claims.getSubject(), until.isBefore(exp) ? until : exp, exp);
  }

  /** Issuer, audience, times and subject, checked before the signature so that the cheap refusals come first. */
  private void check(JWTClaimsSet c, Instant now) throws Refused {
    if (!issuer.equals(c.getIssuer())) {
      throw new Refused(Reason.ISSUER, "the bearer token's issuer is " + (c.getIssuer() == null ? "missing" : "'" + c.getIssuer() + "'")
          + ", not '" + issuer + "'");
    }
    List<String> aud = c.getAudience();
    if (aud == null || aud.stream().noneMatch(audiences::contains)) {
      throw new Refused(Reason.AUDIENCE, "the bearer token is for " + (aud == null || aud.isEmpty() ? "no audience" : String.join(", ", aud))
          + ", not for " + String.join(" or ", audiences.stream().sorted().toList()));
    }
    Date exp = c.getExpirationTime();
    if (exp == null) throw new Refused(Reason.MALFORMED, "the bearer token has no exp");
    if (now.isAfter(exp.toInstant().plus(TokenClaims.SKEW))) throw new Refused(Reason.EXPIRED, "the bearer token expired at " + exp.toInstant());
    Date nbf = c.getNotBeforeTime();
    if (nbf != null && now.plus(TokenClaims.SKEW).isBefore(nbf.toInstant())) {
      throw new Refused(Reason.NOT_YET_VALID, "the bearer token is not valid before " + nbf.toInstant());
    }
    if (c.getSubject() == null || c.getSubject().isBlank()) throw new Refused(Reason.MALFORMED, "the bearer token has no sub");
  }

  @Override
  public void close() {
    if (keys instanceof Closeable c) {
      try {
        c.close();
      } catch (IOException e) {
        // nothing left to release
      }
    }
  }
}
