package dev.ooda.access;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.JWKSet;
import dev.ooda.model.ResourceCodec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control plane's published keys ({@code GET /oauth/jwks}) and revoked credentials
 * ({@code GET /oauth/revoked}), fetched over HTTP and kept for the {@code max-age} the JWKS answer
 * names. A stale snapshot is fetched again by the next check that needs it, so a withdrawn key stops
 * being trusted within max-age; a key that is not known yet is fetched at most once per
 * {@code minRefetch}. When the control plane cannot be reached the last snapshot stays in use
 * (services keep working while it is away) and the next check tries again after {@code minRefetch}.
 */
public final class RemoteKeySource implements KeySource {
  private static final Logger log = LoggerFactory.getLogger(RemoteKeySource.class);
  private static final Pattern MAX_AGE = Pattern.compile("max-age\\s*=\\s*(\\d+)");
  /** Used when an answer names no max-age. */
  public static final Duration DEFAULT_MAX_AGE = Duration.ofSeconds(60);
  /** Fetches for unknown keys and retries after failures are at least this far apart. */
  public static final Duration DEFAULT_MIN_REFETCH = Duration.ofSeconds(1);

  private final URI jwks;
  private final URI revoked;
  private final Duration minRefetch;
  private final Clock clock;
  private final HttpClient http = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(3)).build();

  private volatile Keys keys = Keys.NONE;
  private volatile Instant freshUntil = Instant.MIN;
  private volatile Instant lastAttempt = Instant.MIN;

  /** @param control the control plane's admin API base, e.g. {@code http://127.0.0.1:9900} */
  public RemoteKeySource(URI control) {
    this(control, DEFAULT_MIN_REFETCH, Clock.systemUTC());
  }

  public RemoteKeySource(URI control, Duration minRefetch, Clock clock) {
    String base = control.toString().replaceAll("/+$", "");
    this.jwks = URI.create(base + "/oauth/jwks");
    this.revoked = URI.create(base + "/oauth/revoked");
    this.minRefetch = minRefetch;
    this.clock = clock;
  }

  @Override
  public Keys keys() {
    Instant now = clock.instant();
    if (now.isBefore(freshUntil)) return keys;
    return fetch(now);
  }

  @Override
  public Keys refreshForUnknownKey(String kid) {
    return fetch(clock.instant());
  }

  private synchronized Keys fetch(Instant now) {
    if (lastAttempt.plus(minRefetch).isAfter(now)) return keys; // rate limit: fetched a moment ago (perhaps by another thread)
    lastAttempt = now;
    try {
      HttpResponse<String> k = get(jwks);
      HttpResponse<String> r = get(revoked);
      JWKSet set = JWKSet.parse(k.body());
      Set<String> ids = new HashSet<>();
      JsonNode n = ResourceCodec.json().readTree(r.body());
      for (JsonNode id : n.path("credentials")) ids.add(id.asText());
      keys = new Keys(set, ids);
      freshUntil = now.plus(maxAge(k));
    } catch (IOException | java.text.ParseException | RuntimeException e) {
      log.warn("cannot fetch the control plane's keys from {}: {}; keeping the {} known", jwks, e.getMessage(), keys.set().size());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return keys;
  }

  private HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) throw new IOException(uri + " answered " + r.statusCode());
    return r;
  }

  private static Duration maxAge(HttpResponse<?> r) {
    Matcher m = MAX_AGE.matcher(r.headers().firstValue("cache-control").orElse(""));
    return m.find() ? Duration.ofSeconds(Long.parseLong(m.group(1))) : DEFAULT_MAX_AGE;
  }
}
