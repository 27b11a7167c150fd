package dev.ooda.kit;

import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.client.WebClientBuilder;
import com.linecorp.armeria.common.CommonPools;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.util.SafeCloseable;
import java.util.concurrent.CompletableFuture;
import dev.ooda.control.client.TokenSource;
import dev.ooda.model.ProblemException;
import com.linecorp.armeria.client.brave.BraveClient;
import com.linecorp.armeria.client.retry.Backoff;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.SessionProtocol;
import dev.ooda.model.Headers;
import dev.ooda.model.Instance;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The client of one service. It finds the service's instances through the kit's {@link Discovery}
 * and follows their changes, chooses one per attempt ({@link Balancer}: power of two choices on
 * requests in flight, same zone first), gives every call a deadline that travels to the callee,
 * retries only what is safe under a {@link RetryBudget}, keeps a circuit breaker per instance,
 * encodes and decodes bodies ({@link Codec}), reports a client span per attempt, and turns every
 * failure into one of the {@link CallException} types.
 *
 * <pre>{@code
 * OodaClient catalog = kit.client("catalog");
 * Item item = catalog.get("/items/{id}", 42).as(Item.class);
 * Item created = catalog.post("/items").body(new Item(...)).as(Item.class);
 * }</pre>
 */
public final class OodaClient implements AutoCloseable {

  /**
   * How a client calls.
   *
   * @param timeout                default deadline of a call, sooner if the request being served has less time left
   * @param attemptTimeout         deadline of each attempt, so that a retry can still succeed in time; null for none
   * @param maxAttempts            attempts per call, the first included
   * @param retryRatio             retries allowed per call on average (the retry budget), 0..1
   * @param minRetriesPerSecond    retries allowed each second whatever the budget
   * @param backoff                wait before retrying a failed idempotent call (jittered)
   * @param breakerFailureRate     share of failed attempts that opens an instance's circuit
   * @param breakerMinimumRequests attempts in the breaker's 10 s window before it may open
   * @param breakerOpenWindow      how long an open circuit stays open before a trial request
   * @param codec                  the form of request bodies and the preferred form of answers
   * @param maxResponseBytes       largest answer accepted
   */
  public record Options(Duration timeout, Duration attemptTimeout, int maxAttempts, double retryRatio,
                        int minRetriesPerSecond, Backoff backoff, double breakerFailureRate,
                        int breakerMinimumRequests, Duration breakerOpenWindow, Codec codec, int maxResponseBytes) {
    /**
     * Two seconds per call, three attempts, 20% retry budget with 10 a second to spare, backoff
     * from 20 ms doubling to 500 ms with 30% jitter, circuits open at 50% failures over 20
     * attempts for 10 s, CBOR bodies, answers up to 10 MiB.
     */
    public static final Options DEFAULT = new Options(Duration.ofSeconds(2), null, 3, 0.2, 10,
        Backoff.exponential(20, 500).withJitter(0.3), 0.5, 20, Duration.ofSeconds(10), Codec.CBOR, 10 << 20);

    public Options {
      if (timeout == null || timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("timeout must be positive");
      if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be >= 1: " + maxAttempts);
      if (codec == null) throw new IllegalArgumentException("codec is required");
    }

    public Options withTimeout(Duration d) {
      return new Options(d, attemptTimeout, maxAttempts, retryRatio, minRetriesPerSecond, backoff, breakerFailureRate, breakerMinimumRequests, breakerOpenWindow, codec, maxResponseBytes);
    }

    public Options withAttemptTimeout(Duration d) {
      return new Options(timeout, d, maxAttempts, retryRatio, minRetriesPerSecond, backoff, breakerFailureRate, breakerMinimumRequests, breakerOpenWindow, codec, maxResponseBytes);
    }

    public Options withMaxAttempts(int n) {
      return new Options(timeout, attemptTimeout, n, retryRatio, minRetriesPerSecond, backoff, breakerFailureRate, breakerMinimumRequests, breakerOpenWindow, codec, maxResponseBytes);
    }

    public Options withRetryBudget(double ratio, int minPerSecond) {
      return new Options(timeout, attemptTimeout, maxAttempts, ratio, minPerSecond, backoff, breakerFailureRate, breakerMinimumRequests, breakerOpenWindow, codec, maxResponseBytes);
    }

    public Options withBackoff(Backoff b) {
      return new Options(timeout, attemptTimeout, maxAttempts, retryRatio, minRetriesPerSecond, b, breakerFailureRate, breakerMinimumRequests, breakerOpenWindow, codec, maxResponseBytes);
    }

    public Options withBreaker(double failureRate, int minimumRequests, Duration openWindow) {
      return new Options(timeout, attemptTimeout, maxAttempts, retryRatio, minRetriesPerSecond, backoff, failureRate, minimumRequests, openWindow, codec, maxResponseBytes);
    }

    public Options withCodec(Codec c) {
      return new Options(timeout, attemptTimeout, maxAttempts, retryRatio, minRetriesPerSecond, backoff, breakerFailureRate, breakerMinimumRequests, breakerOpenWindow, c, maxResponseBytes);
    }

    public Options withMaxResponseBytes(int n) {
      return new Options(timeout, attemptTimeout, maxAttempts, retryRatio, minRetriesPerSecond, backoff, breakerFailureRate, breakerMinimumRequests, breakerOpenWindow, codec, n);
    }
  }

  /** How long an instance's outcomes count towards opening its circuit, and how often the count moves on. */
  static final Duration BREAKER_WINDOW = Duration.ofSeconds(10);
  static final Duration BREAKER_STEP = Duration.ofSeconds(1);

  private final String service;
  private final Options options;
  private final Discovery discovery;
  private final InstanceEndpointGroup endpoints;
  private final RetryBudget budget;
  private final Retries retries;
  private final ScheduledExecutorService retryTimer;
  private final WebClient web;

  OodaClient(Kit kit, String service, Options options) {
    String p = dev.ooda.model.Names.problem(service);
    if (p != null) throw new IllegalArgumentException("service name " + p);
    this.service = service;
    this.options = options;
    this.discovery = kit.discovery();
    long openNanos = options.breakerOpenWindow().toNanos();
    Balancer balancer = new Balancer(kit.zone(), endpoint -> new Breaker(service + "@" + endpoint.authority(),
        options.breakerFailureRate(), options.breakerMinimumRequests(), options.breakerOpenWindow(), BREAKER_WINDOW, BREAKER_STEP));
    this.endpoints = new InstanceEndpointGroup(discovery, service, balancer);
    this.budget = new RetryBudget(options.retryRatio(), options.minRetriesPerSecond());
    this.retries = new Retries(budget, options.backoff(), options.maxAttempts());
    this.retryTimer = kit.clientFactory().eventLoopGroup();
    // Decorators run outermost last: the breaker and balancer bookkeeping around each attempt,
    // and one client span per attempt that is sent, as each goes to its own instance. Retries
    // are the Call's own loop, so that a call that succeeds at once pays nothing for them.
    WebClientBuilder b = WebClient.builder(SessionProtocol.HTTP, endpoints)
        .factory(kit.clientFactory())
        .responseTimeout(options.timeout())
        .maxResponseLength(options.maxResponseBytes())
        .setHeader(Headers.CALLER, kit.service())
        .decorator(BraveClient.newDecorator(kit.httpTracing().clientOf(service)))
        .decorator(new Attempts(service, balancer, openNanos));
    TokenSource tokens = kit.tokens();
    if (tokens != null) {
      // Each attempt carries a token for the called service; the source hands out a cached one
      // and refreshes it in the background, so this seldom waits.
      b.decorator((delegate, ctx, req) -> {
        String token = tokens.cached(service);
        if (token != null) {
          ctx.setAdditionalRequestHeader(Headers.TOKEN, token);
          return delegate.execute(ctx, req);
        }
        // The first token (or one after a long idle spell) is fetched over HTTP: never on an
        // event loop, which may be the very one the token endpoint's answer needs.
        return HttpResponse.of(CompletableFuture.supplyAsync(() -> fetchToken(tokens), CommonPools.blockingTaskExecutor())
            .thenApplyAsync(t -> {
              ctx.setAdditionalRequestHeader(Headers.TOKEN, t);
              try (SafeCloseable ignored = ctx.push()) {
                return delegate.execute(ctx, req);
              } catch (Exception e) {
                return HttpResponse.ofFailure(e);
              }
            }, ctx.eventLoop()));
      });
    }
    this.web = b.build();
  }

  public String service() {
    return service;
  }

  private String fetchToken(TokenSource tokens) {
    try {
      return tokens.token(service);
    } catch (ProblemException e) {
      throw new NetworkException(service, "no service token for calls to " + service + ": " + e.problem().detail(), e);
    }
  }

  public Options options() {
    return options;
  }

  /** The instances the client knows now, including those that take no traffic. */
  public List<Instance> instances() {
    return discovery.instances(service);
  }

  /**
   * A {@code GET}. In {@code path}, each {@code {name}} is replaced by the next of {@code params},
   * percent-encoded as one path segment.
   */
  public Call get(String path, Object... params) {
    return request(HttpMethod.GET, path, params);
  }

  public Call post(String path, Object... params) {
    return request(HttpMethod.POST, path, params);
  }

  public Call put(String path, Object... params) {
    return request(HttpMethod.PUT, path, params);
  }

  public Call patch(String path, Object... params) {
    return request(HttpMethod.PATCH, path, params);
  }

  public Call delete(String path, Object... params) {
    return request(HttpMethod.DELETE, path, params);
  }

  public Call request(HttpMethod method, String path, Object... params) {
    return new Call(this, method, expand(path, params));
  }

  /**
   * The decorated Armeria client underneath, for what {@link Call} does not cover (streaming).
   * Requests made with it get discovery, balancing, breakers and tracing, but neither retries nor
   * the deadline of the request being served; use {@link Call} for those.
   */
  public WebClient webClient() {
    return web;
  }

  RetryBudget budget() {
    return budget;
  }

  Retries retries() {
    return retries;
  }

  ScheduledExecutorService retryTimer() {
    return retryTimer;
  }

  static String expand(String path, Object... params) {
    if (!path.startsWith("/")) throw new IllegalArgumentException("path must start with '/': " + path);
    if (params.length == 0) return path;
    StringBuilder b = new StringBuilder(path.length() + 16);
    int p = 0;
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '{') {
        int end = path.indexOf('}', i);
        if (end < 0) throw new IllegalArgumentException("unclosed '{' in " + path);
        if (p >= params.length) throw new IllegalArgumentException("too few parameters for " + path);
        b.append(URLEncoder.encode(String.valueOf(params[p++]), StandardCharsets.UTF_8).replace("+", "%20"));
        i = end;
      } else {
        b.append(c);
      }
    }
    if (p != params.length) throw new IllegalArgumentException("too many parameters for " + path);
    return b.toString();
  }

  @Override
  public void close() {
    endpoints.close();
  }
}
