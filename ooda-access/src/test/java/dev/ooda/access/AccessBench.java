package dev.ooda.access;

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
import dev.ooda.model.ResourceCodec;
import dev.ooda.model.RouteSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The per-call costs of access control after the first call (goal: each under 1 µs): a decision
 * for a caller listed without limits, a cached decision for a caller limited to methods and paths,
 * a service token that verified before, and an API key match. Run by {@code bench/access/jmh.sh}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class AccessBench {
  private AccessRules rules;
  private TokenVerifier verifier;
  private String token;
  private ApiKeys keys;
  private String key;

  @Setup
  public void setUp() throws Exception {
    rules = AccessRules.services(ResourceCodec.readYaml("""
        kind: Service
        name: catalog
        spec:
          access:
            mode: enforce
            callers:
              - service: orders
              - {service: gateway, methods: [GET], paths: ["/api/catalog/**", "/items/*/price"]}
        """));
    ECKey ec = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
    KeySource.Keys snapshot = new KeySource.Keys(new JWKSet(ec.toPublicJWK()), Set.of());
    verifier = new TokenVerifier("catalog", KeySource.inProcess(() -> snapshot));
    Instant iat = Instant.ofEpochSecond(Instant.now().getEpochSecond());
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("k1").type(JOSEObjectType.JWT).build(),
        new JWTClaimsSet.Builder().issuer(TokenClaims.CONTROL).subject("orders").audience("catalog")
            .issueTime(Date.from(iat)).notBeforeTime(Date.from(iat)).expirationTime(Date.from(iat.plus(Duration.ofHours(1))))
            .jwtID(UUID.randomUUID().toString()).claim(TokenClaims.CLIENT_ID, "orders.ab12cd34").build());
    jwt.sign(new ECDSASigner(ec));
    token = jwt.serialize();
    verifier.verify(token); // the first check verifies the signature; the benchmark measures the ones after
    key = ApiKeys.generate();
    keys = ApiKeys.of(List.of(new RouteSpec.ApiKey("partner-a", ApiKeys.hash(ApiKeys.generate())),
        new RouteSpec.ApiKey("partner-b", ApiKeys.hash(key))));
    rules.decide("gateway", "catalog", "GET", "/api/catalog/items/1");
  }

  @Benchmark
  public Decision openCallerDecision() {
    return rules.decide("orders", "catalog", "POST", "/orders/1");
  }

  @Benchmark
  public Decision cachedRestrictedDecision() {
    return rules.decide("gateway", "catalog", "GET", "/api/catalog/items/1");
  }

  @Benchmark
  public ServiceToken cachedTokenCheck() {
    return verifier.verify(token);
  }

  @Benchmark
  public String apiKeyMatch() {
    return keys.match(key);
  }
}
