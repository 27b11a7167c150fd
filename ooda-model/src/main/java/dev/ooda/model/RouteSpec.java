package dev.ooda.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A gateway route: what requests it matches, and either the targets they go to or a static answer.
 *
 * <pre>
 * kind: Route
 * name: catalog
 * spec:
 *   match: {pathPrefix: /api/catalog}
 *   rewrite: {stripPrefix: /api}
 *   to:
 *     - {service: catalog, version: v2, weight: 10}
 *     - {url: "http://127.0.0.1:3000", weight: 90}
 *   sticky: {cookie: uid}
 *   flags: [new-checkout]
 * </pre>
 *
 * @param versionHeader the request header that pins a target version; default {@code X-Api-Version}
 * @param timeout       the whole exchange with the origin; default 30s
 * @param sampleRate    fraction of new traces sampled, 0 to 1; default: the gateway's own limit of new traces per second
 * @param auth          end-user credentials the route requires (an API key or an external JWT); none by default
 * @param flags         flags the gateway evaluates for each request of the route and sends to the origin, with
 *                      those of {@code match.flags}, in the {@code ooda-flags} header ({@code key=variant,...})
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record RouteSpec(
    Match match,
    Rewrite rewrite,
    List<Target> to,
    Sticky sticky,
    String versionHeader,
    Respond respond,
    Mirror mirror,
    Duration timeout,
    Retry retry,
    Double sampleRate,
    Auth auth,
    List<String> flags) implements Spec {

  public static final String DEFAULT_VERSION_HEADER = "X-Api-Version";

  public static final Kind<RouteSpec> KIND =
      Kind.of("Route", "routes", RouteSpec.class, RouteSpec::check).withUniqueKey("spec.match", RouteSpec::matchKey);

  public RouteSpec {
    to = to == null ? List.of() : List.copyOf(to);
    flags = flags == null ? List.of() : List.copyOf(flags);
  }

  /** This route with another answer (a contract's example resolved into a static one). */
  public RouteSpec withRespond(Respond answer) {
    return new RouteSpec(match, rewrite, to, sticky, versionHeader, answer, mirror, timeout, retry, sampleRate, auth, flags);
  }

  /** This route with other targets (a deployment moving traffic between versions). */
  public RouteSpec withTo(List<Target> targets) {
    return new RouteSpec(match, rewrite, targets, sticky, versionHeader, respond, mirror, timeout, retry, sampleRate, auth, flags);
  }

  /**
   * Which requests the route takes. Exactly one of {@code path} (exact), {@code pathTemplate}
   * ({@code /items/{id}}) and {@code pathPrefix}; the other conditions must all hold too.
   *
   * @param flags flag key to variant: the route takes a request only when the flag gives it that variant
   *              (evaluated on the request's method, path, host and {@code header.}, {@code cookie.},
   *              {@code query.} attributes)
   */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record Match(
      String path,
      String pathPrefix,
      String pathTemplate,
      String host,
      List<String> methods,
      Map<String, String> headers,
      Map<String, String> query,
      Map<String, String> cookies,
      Map<String, String> flags) {
    public Match {
      methods = methods == null ? List.of() : List.copyOf(methods);
      headers = headers == null ? Map.of() : Map.copyOf(headers);
      query = query == null ? Map.of() : Map.copyOf(query);
      cookies = cookies == null ? Map.of() : Map.copyOf(cookies);
      flags = flags == null ? Map.of() : Map.copyOf(flags);
    }
  }

  /** How the request is changed before it goes to the origin. */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record Rewrite(String stripPrefix, String replacePrefix, Map<String, String> setHeaders, List<String> removeHeaders) {
    public Rewrite {
      setHeaders = setHeaders == null ? Map.of() : Map.copyOf(setHeaders);
      removeHeaders = removeHeaders == null ? List.of() : List.copyOf(removeHeaders);
    }
  }

  /** A registered service (optionally one version of it) or a fixed origin URL, with a weight. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Target(String service, String version, String url, Integer weight, String function) {
    public Target(String service, String version, String url, Integer weight) {
      this(service, version, url, weight, null);
    }

    @JsonIgnore
    public int effectiveWeight() {
      return weight == null ? 1 : weight;
    }

    /**
     * The service the gateway sends to: {@code service}, or the function's name (a function's
     * instances register as a service of its name).
     */
    @JsonIgnore
    public String destination() {
      return service != null ? service : function;
    }

    @Override
    public String toString() {
      return service != null ? service + (version == null ? "" : "@" + version) : function != null ? "function " + function : url;
    }
  }

  /** Where the key that pins a user to a target comes from. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Sticky(String cookie, String header) {}

  /**
   * A static answer given by the gateway itself: {@code status}, {@code headers} and {@code body}, or
   * the example of operation {@code operation} (its operationId) in the active contract of service
   * {@code fromContract} (of the major version of {@code version}, else the highest), which the
   * assembler turns into a static answer (docs/contracts.md).
   */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record Respond(Integer status, Map<String, String> headers, String body, String fromContract, String operation,
                        String version) {
    public Respond {
      headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    public Respond(Integer status, Map<String, String> headers, String body) {
      this(status, headers, body, null, null, null);
    }

    /** Whether the answer is to come from a contract's example. */
    @JsonIgnore
    public boolean fromContractExample() {
      return fromContract != null;
    }
  }

  /** A shadow target that receives a copy of some requests; its answers are dropped. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Mirror(String service, String version, String url, Double percent) {}

  /** Retries of safe requests; default 2 attempts after the first. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Retry(Integer attempts, Duration backoff) {}

  /**
   * End-user credentials a route requires: exactly one of {@code apiKeys} and {@code jwt}. The
   * subject (the key's name, or the JWT's {@code sub}) reaches the origin in {@link Headers#SUBJECT}.
   *
   * <pre>
   * auth: {apiKeys: [{name: partner-a, sha256: 9f86d0...}]}
   * auth: {jwt: {jwks: "https://issuer.example/.well-known/jwks.json", issuer: "https://issuer.example/", audiences: [shop]}}
   * </pre>
   */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record Auth(List<ApiKey> apiKeys, Jwt jwt) {
    public Auth {
      apiKeys = apiKeys == null ? List.of() : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(apiKeys));
    }
  }

  /**
   * An API key the route accepts, stored as the hex SHA-256 of the key ({@code ooda apikey hash}),
   * never the key itself. Sent as {@code x-api-key: KEY} or {@code Authorization: Bearer KEY}.
   *
   * @param name   who holds the key; becomes the request's subject
   * @param sha256 64 hex digits
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ApiKey(String name, String sha256) {}

  /**
   * A JWT from an external issuer in {@code Authorization: Bearer}, signed RS256 or ES256 with a
   * key from {@code jwks}; {@code iss} must equal {@code issuer} and {@code aud} name one of
   * {@code audiences}.
   */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record Jwt(String jwks, String issuer, List<String> audiences) {
    public Jwt {
      audiences = audiences == null ? List.of() : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(audiences));
    }
  }

  /** What decides which route is more specific, and what two routes may not share. */
  public record MatchKey(String pathKind, String path, String host, TreeSet<String> methods,
                         TreeMap<String, String> headers, TreeMap<String, String> query,
                         TreeMap<String, String> cookies, TreeMap<String, String> flags) {
    @Override
    public String toString() {
      StringBuilder b = new StringBuilder(pathKind).append(' ').append(path);
      if (host != null) b.append(" host ").append(host);
      if (!methods.isEmpty()) b.append(" methods ").append(methods);
      if (!headers.isEmpty()) b.append(" headers ").append(headers);
      if (!query.isEmpty()) b.append(" query ").append(query);
      if (!cookies.isEmpty()) b.append(" cookies ").append(cookies);
      if (!flags.isEmpty()) b.append(" flags ").append(flags);
      return b.toString();
    }
  }

  @JsonIgnore
  public String effectiveVersionHeader() {
    return versionHeader == null ? DEFAULT_VERSION_HEADER : versionHeader;
  }

  public MatchKey matchKey() {
    Match m = match;
    String kind = m.path() != null ? "path" : m.pathTemplate() != null ? "pathTemplate" : "pathPrefix";
    String path = m.path() != null ? m.path() : m.pathTemplate() != null ? templateShape(m.pathTemplate()) : m.pathPrefix();
    TreeSet<String> methods = new TreeSet<>();
    m.methods().forEach(x -> methods.add(x.toUpperCase(java.util.Locale.ROOT)));
    TreeMap<String, String> headers = new TreeMap<>();
    m.headers().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v));
    return new MatchKey(kind, path, m.host() == null ? null : m.host().toLowerCase(java.util.Locale.ROOT),
        methods, headers, new TreeMap<>(m.query()), new TreeMap<>(m.cookies()), new TreeMap<>(m.flags()));
  }

  /** {@code /items/{id}} and {@code /items/{sku}} match the same requests. */
  private static String templateShape(String template) {
    return template.replaceAll("\\{[^}/]*}", "{}");
  }

  private static final java.util.regex.Pattern TEMPLATE =
      java.util.regex.Pattern.compile("(/([^/{}]+|\\{[A-Za-z_][A-Za-z0-9_]*}))+/?|/");
  private static final java.util.Set<String> METHODS =
      java.util.Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT");

  static void check(RouteSpec s, Violations v) {
    Match m = s.match();
    if (m == null) {
      v.add("match", "is required");
    } else {
      Violations mv = v.at("match");
      int paths = (m.path() != null ? 1 : 0) + (m.pathPrefix() != null ? 1 : 0) + (m.pathTemplate() != null ? 1 : 0);
      mv.check(paths == 1, "", "needs exactly one of path, pathPrefix, pathTemplate");
      checkPath(mv, "path", m.path());
      checkPath(mv, "pathPrefix", m.pathPrefix());
      checkPath(mv, "pathTemplate", m.pathTemplate());
      if (m.pathTemplate() != null && !TEMPLATE.matcher(m.pathTemplate()).matches())
        mv.add("pathTemplate", "'" + m.pathTemplate() + "' must be segments like /items/{id}");
      for (int i = 0; i < m.methods().size(); i++) {
        String meth = m.methods().get(i);
        mv.check(meth != null && METHODS.contains(meth.toUpperCase(java.util.Locale.ROOT)), "methods[" + i + "]",
            "'" + meth + "' is not an HTTP method");
      }
      m.flags().forEach((key, variant) -> {
        String bad = Names.problem(key);
        if (bad != null) mv.add("flags", bad);
        else mv.check(variant != null && !variant.isBlank(), "flags." + key, "needs the variant the route takes");
      });
    }
    boolean proxies = !s.to().isEmpty();
    v.check(proxies != (s.respond() != null), "", "needs either 'to' (targets) or 'respond' (a static answer), not both");
    int weighted = 0;
    long total = 0;
    for (int i = 0; i < s.to().size(); i++) {
      Target t = s.to().get(i);
      Violations tv = v.at("to[" + i + "]");
      if (t == null) { tv.add("", "is empty"); continue; }
      if (t.function() != null) {
        if (t.service() != null || t.url() != null) tv.add("", "needs exactly one of service, url, function");
        String bad = Names.problem(t.function());
        if (bad != null) tv.add("function", bad);
        if (t.version() != null) tv.add("version", "does not apply to a function");
      } else {
        checkTarget(tv, t.service(), t.url());
      }
      if (t.weight() != null) {
        weighted++;
        tv.check(t.weight() >= 0 && t.weight() <= 10_000, "weight", "must be between 0 and 10000");
        total += Math.max(0, t.weight());
      }
    }
    if (weighted > 0 && weighted < s.to().size()) v.add("to", "give every target a weight, or none");
    if (weighted > 0 && weighted == s.to().size() && total == 0) v.add("to", "weights add up to 0: no target would get traffic");
    if (s.sticky() != null) {
      v.check((s.sticky().cookie() != null) != (s.sticky().header() != null), "sticky", "needs exactly one of cookie, header");
      v.check(proxies, "sticky", "only applies to routes with 'to'");
    }
    if (s.respond() != null) {
      Integer st = s.respond().status();
      v.check(st == null || (st >= 200 && st <= 599), "respond.status", "must be between 200 and 599");
      Respond r = s.respond();
      if (r.fromContract() != null || r.operation() != null) {
        String bad = Names.problem(r.fromContract());
        if (bad != null) v.add("respond.fromContract", bad);
        v.check(r.operation() != null && !r.operation().isBlank(), "respond.operation",
            "is required with fromContract: the operationId whose example answers");
        v.check(r.status() == null && r.body() == null && r.headers().isEmpty(), "respond",
            "takes either fromContract and operation, or status, headers and body, not both");
      }
    }
    if (s.mirror() != null) {
      Mirror mi = s.mirror();
      checkTarget(v.at("mirror"), mi.service(), mi.url());
      v.check(mi.percent() == null || (mi.percent() >= 0 && mi.percent() <= 100), "mirror.percent", "must be between 0 and 100");
    }
    if (s.rewrite() != null) {
      Rewrite r = s.rewrite();
      v.check(r.stripPrefix() == null || r.replacePrefix() == null, "rewrite", "use stripPrefix or replacePrefix, not both");
      if (r.stripPrefix() != null) checkPath(v.at("rewrite"), "stripPrefix", r.stripPrefix());
      if (r.replacePrefix() != null) checkPath(v.at("rewrite"), "replacePrefix", r.replacePrefix());
    }
    if (s.timeout() != null) v.check(!s.timeout().isNegative() && !s.timeout().isZero(), "timeout", "must be positive");
    if (s.retry() != null && s.retry().attempts() != null)
      v.check(s.retry().attempts() >= 0 && s.retry().attempts() <= 5, "retry.attempts", "must be between 0 and 5");
    if (s.sampleRate() != null)
      v.check(s.sampleRate() >= 0 && s.sampleRate() <= 1, "sampleRate", "must be between 0 and 1");
    if (s.versionHeader() != null)
      v.check(s.versionHeader().matches("[A-Za-z0-9-]+"), "versionHeader", "must be a header name");
    if (s.auth() != null) checkAuth(s.auth(), v.at("auth"));
    for (int i = 0; i < s.flags().size(); i++) {
      String bad = Names.problem(s.flags().get(i));
      if (bad != null) v.add("flags[" + i + "]", bad);
    }
  }

  private static final java.util.regex.Pattern SHA256_HEX = java.util.regex.Pattern.compile("[0-9a-fA-F]{64}");

  private static void checkAuth(Auth a, Violations v) {
    boolean keys = !a.apiKeys().isEmpty();
    if (keys == (a.jwt() != null)) {
      v.add("", "needs exactly one of apiKeys, jwt");
    }
    java.util.Set<String> names = new java.util.HashSet<>();
    java.util.Set<String> hashes = new java.util.HashSet<>();
    for (int i = 0; i < a.apiKeys().size(); i++) {
      ApiKey k = a.apiKeys().get(i);
      Violations kv = v.at("apiKeys[" + i + "]");
      if (k == null) { kv.add("", "is empty"); continue; }
      String bad = Names.problem(k.name());
      if (bad != null) kv.add("name", bad);
      else kv.check(names.add(k.name()), "name", "'" + k.name() + "' is given twice");
      if (k.sha256() == null) kv.add("sha256", "is required: the hex SHA-256 of the key (ooda apikey hash), never the key");
      else if (!SHA256_HEX.matcher(k.sha256()).matches())
        kv.add("sha256", "must be 64 hex digits (the SHA-256 of the key, from ooda apikey hash), has " + k.sha256().length() + " characters");
      else kv.check(hashes.add(k.sha256().toLowerCase(java.util.Locale.ROOT)), "sha256", "the same key is listed twice");
    }
    if (a.jwt() != null) {
      Jwt j = a.jwt();
      Violations jv = v.at("jwt");
      String bad = ServiceSpec.Urls.problem(j.jwks());
      if (bad != null) jv.add("jwks", bad.equals("is required") ? "is required: the URL of the issuer's JWK set" : bad);
      jv.check(j.issuer() != null && !j.issuer().isBlank(), "issuer", "is required: the exact iss of the tokens");
      jv.check(!j.audiences().isEmpty(), "audiences", "needs at least one: tokens must name one of them in aud");
      for (int i = 0; i < j.audiences().size(); i++) {
        String aud = j.audiences().get(i);
        jv.check(aud != null && !aud.isBlank(), "audiences[" + i + "]", "is empty");
      }
    }
  }

  private static void checkPath(Violations v, String field, String path) {
    if (path != null && !path.startsWith("/")) v.add(field, "'" + path + "' must start with '/'");
  }

  private static void checkTarget(Violations v, String service, String url) {
    if ((service == null) == (url == null)) {
      v.add("", "needs exactly one of service, url");
    } else if (service != null) {
      String bad = Names.problem(service);
      if (bad != null) v.add("service", bad);
    } else {
      String bad = ServiceSpec.Urls.problem(url);
      if (bad != null) v.add("url", bad);
    }
  }
}
