package dev.ooda.control.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ooda.model.Problem;
import dev.ooda.model.ProblemException;
import dev.ooda.model.ProblemType;
import dev.ooda.model.ResourceCodec;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tokens of one service, one per audience (the called service, or {@code urn:ooda:control}),
 * fetched on first use, cached, and refreshed in the background at about half their lifetime, so
 * that a call seldom waits for one. A token that expires within {@link #MIN_REMAINING} is never
 * handed out: it is fetched again first. Thread-safe.
 */
public final class TokenSource implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TokenSource.class);
  /** Tokens are handed out only while they have at least this long to live (the verifiers' clock skew). */
  public static final Duration MIN_REMAINING = Duration.ofSeconds(30);
  /** The audience of calls to the control plane itself (registry, secrets). */
  public static final String CONTROL = "urn:ooda:control";
  private static final Duration RETRY = Duration.ofSeconds(5);

  /** A token and when it expires. */
  public record Token(String value, Instant issuedAt, Instant expiresAt) {}

  /** How a token for an audience is obtained: over HTTP with a credential, or from an issuer in the same JVM. */
  @FunctionalInterface
  public interface Exchange {
    Token fetch(String audience);
  }

  private final String service;
  private final Exchange exchange;
  private final Clock clock;
  private final Map<String, Token> tokens = new ConcurrentHashMap<>();
  private final Map<String, Object> locks = new ConcurrentHashMap<>();
  /** Audiences asked for since their last refresh: the others are left to lapse. */
  private final Map<String, Boolean> used = new ConcurrentHashMap<>();
  private final ScheduledExecutorService refresher;

  private TokenSource(String service, Exchange exchange, Clock clock) {
    this.service = service;
    this.exchange = exchange;
    this.clock = clock;
    this.refresher = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "ooda-tokens-" + service);
      t.setDaemon(true);
      return t;
    });
  }

  /** Tokens exchanged for a credential at its token URL (OAuth 2 client credentials). */
  public static TokenSource forCredentials(ServiceCredentials c) {
    return new TokenSource(c.service(), new ClientCredentials(c), Clock.systemUTC());
  }

  /** Tokens from any exchange, e.g. the control plane's issuer for roles in its own JVM. */
  public static TokenSource of(String service, Exchange exchange) {
    return new TokenSource(service, exchange, Clock.systemUTC());
  }

  /** The service whose tokens these are. */
  public String service() {
    return service;
  }

  /** A token for calls to {@code audience}, valid for at least {@link #MIN_REMAINING}. */
  public String token(String audience) {
    used.put(audience, Boolean.TRUE);
    Token t = tokens.get(audience);
    if (fresh(t)) return t.value();
    synchronized (locks.computeIfAbsent(audience, a -> new Object())) {
      t = tokens.get(audience);
      if (fresh(t)) return t.value();
      return fetchAndSchedule(audience).value();
    }
  }

  /**
   * The token for {@code audience} when one is at hand and fresh, else null, without waiting: for
   * callers on an event loop, which fetch with {@link #token} elsewhere when this answers null.
   */
  public String cached(String audience) {
    Token t = tokens.get(audience);
    if (!fresh(t)) return null;
    used.put(audience, Boolean.TRUE);
    return t.value();
  }

  private boolean fresh(Token t) {
    return t != null && t.expiresAt().isAfter(clock.instant().plus(MIN_REMAINING));
  }

  private Token fetchAndSchedule(String audience) {
    Token t = exchange.fetch(audience);
    tokens.put(audience, t);
    Duration half = Duration.between(t.issuedAt(), t.expiresAt()).dividedBy(2);
    schedule(audience, half.isNegative() ? Duration.ZERO : half);
    return t;
  }

  private void schedule(String audience, Duration in) {
    if (refresher.isShutdown()) return;
    refresher.schedule(() -> refresh(audience), Math.max(0, in.toMillis()), TimeUnit.MILLISECONDS);
  }

  private void refresh(String audience) {
    if (used.remove(audience) == null) {
      tokens.remove(audience); // nobody asked since the last refresh: let it lapse
      return;
    }
    synchronized (locks.computeIfAbsent(audience, a -> new Object())) {
      try {
        fetchAndSchedule(audience);
      } catch (RuntimeException e) {
        log.warn("{}: refreshing the token for {} failed: {}", service, audience, e.getMessage());
        used.put(audience, Boolean.TRUE);
        if (fresh(tokens.get(audience))) schedule(audience, RETRY);
      }
    }
  }

  @Override
  public void close() {
    refresher.shutdownNow();
  }

  /** The RFC 6749 client-credentials exchange, on the JDK's HTTP client. */
  private static final class ClientCredentials implements Exchange {
    private final ServiceCredentials c;
    private final HttpClient http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(3)).build();

    ClientCredentials(ServiceCredentials c) {
      this.c = c;
    }

    @Override
    public Token fetch(String audience) {
      String form = "grant_type=client_credentials&client_id=" + enc(c.clientId()) + "&client_secret=" + enc(c.clientSecret())
          + "&audience=" + enc(audience);
      HttpRequest req = HttpRequest.newBuilder(c.tokenUrl()).timeout(Duration.ofSeconds(10))
          .header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString(form)).build();
      Instant sent = Instant.now();
      HttpResponse<String> r;
      try {
        r = http.send(req, HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        throw new ProblemException(Problem.of(ProblemType.UNREACHABLE, "cannot reach the token endpoint " + c.tokenUrl() + ": "
            + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ProblemException(Problem.of(ProblemType.INTERRUPTED, "interrupted while fetching a token from " + c.tokenUrl()));
      }
      JsonNode body;
      try {
        body = ResourceCodec.json().readTree(r.body());
      } catch (IOException e) {
        body = null;
      }
      if (r.statusCode() != 200 || body == null || !body.path("access_token").isTextual()) {
        String error = body == null ? "HTTP " + r.statusCode() : body.path("error").asText("HTTP " + r.statusCode());
        String why = body == null ? r.body() : body.path("error_description").asText("");
        ProblemType type = r.statusCode() == 400 || r.statusCode() == 401 ? ProblemType.UNAUTHORIZED : ProblemType.UNAVAILABLE;
        throw new ProblemException(Problem.of(type, "the token endpoint " + c.tokenUrl() + " refused credential " + c.clientId()
            + " for audience " + audience + ": " + error + (why.isBlank() ? "" : " (" + why + ")")));
      }
      long expiresIn = body.path("expires_in").asLong(0);
      return new Token(body.get("access_token").asText(), sent, sent.plusSeconds(expiresIn));
    }

    private static String enc(String s) {
      return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
  }

  /** The token endpoint of a control plane. */
  public static URI tokenUrl(URI control) {
    return URI.create(control.toString().replaceAll("/+$", "") + "/oauth/token");
  }
}
