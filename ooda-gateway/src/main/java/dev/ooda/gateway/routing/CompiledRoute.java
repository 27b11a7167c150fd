package dev.ooda.gateway.routing;

import dev.ooda.gateway.observe.Sampler;
import dev.ooda.gateway.observe.TargetMeters;
import dev.ooda.gateway.resilience.Endpoint;
import dev.ooda.gateway.resilience.Origin;
import dev.ooda.gateway.resilience.RetryBudget;
import dev.ooda.model.Resource;
import dev.ooda.model.RouteSpec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.AsciiString;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** One route, compiled: everything the request path needs, worked out once at apply time. */
public final class CompiledRoute {
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
  static final int DEFAULT_RETRIES = 2;
  static final Duration DEFAULT_BACKOFF = Duration.ofMillis(25);

  /** Orders routes that share a path: host first, then methods, then more header, query, cookie, flag conditions; then name. */
  static final Comparator<CompiledRoute> SPECIFICITY = Comparator
      .comparing((CompiledRoute r) -> r.host == null)
      .thenComparing(r -> r.methods == null)
      .thenComparing(r -> -r.headerNames.length)
      .thenComparing(r -> -r.queryNames.length)
      .thenComparing(r -> -r.cookieNames.length)
      .thenComparing(r -> -r.flagKeys.length)
      .thenComparing(r -> r.name);

  public final String name;
  public final long version;
  public final RouteSpec spec;

  // Conditions.
  private final String host;
  private final boolean hostWildcard;
  private final Set<String> methods;
  private final AsciiString[] headerNames;
  private final String[] headerValues;
  private final String[] queryNames;
  private final String[] queryValues;
  private final String[] cookieNames;
  private final String[] cookieValues;
  private final String[] flagKeys;
  /** Per flag condition, the variant names it accepts (YAML reads a bare {@code on} as true). */
  private final Set<String>[] flagVariants;
  /** The flags whose variants go to the origin in {@code ooda-flags}: the route's own and those of its conditions, sorted. */
  public final String[] sentFlags;

  // What to do.
  public final Stub stub;
  public final Split split;
  private final Map<String, Split> byVersion;
  /** Targets that name a service but no version: a pinned version picks among its instances. */
  private final Split unversioned;
  public final AsciiString versionHeader;
  /** Whether a version header means anything here: some target has a version, or names a service. */
  public final boolean pinnable;
  public final String stickyCookie;
  public final AsciiString stickyHeader;
  /** The cookie in which the gateway keeps a user's bucket when there is no sticky key. */
  public final String bucketCookie;
  final String stripPrefix;
  final String replaceFrom;
  final String replaceTo;
  public final AsciiString[] setHeaderNames;
  public final String[] setHeaderValues;
  public final AsciiString[] removeHeaders;
  public final long timeoutNanos;
  public final int retries;
  public final long backoffNanos;
  /** The route's own sampler ({@code sampleRate}), or null for the gateway's default. */
  public final Sampler sampler;
  public final TargetRef mirror;
  public final double mirrorPercent;
  public final RetryBudget budget;
  /** The API keys the route requires ({@code auth.apiKeys}), or null. */
  public final dev.ooda.access.ApiKeys apiKeys;
  /** The verifier of the JWTs the route requires ({@code auth.jwt}), shared by routes with the same issuer settings; or null. */
  public final dev.ooda.access.ExternalJwtVerifier jwt;
  public final TargetMeters stubMeters;
  private final RouteResources resources;
  private final ConcurrentHashMap<String, TargetMeters> pinnedMeters = new ConcurrentHashMap<>();

  CompiledRoute(Resource resource, RouteResources res) {
    this.name = resource.name();
    this.version = resource.version();
    this.spec = resource.spec(RouteSpec.class);
    this.resources = res;
    RouteSpec.Match m = spec.match();
    String h = m.host() == null ? null : m.host().toLowerCase(Locale.ROOT);
    this.hostWildcard = h != null && h.startsWith("*.");
    this.host = hostWildcard ? h.substring(1) : h;
    Set<String> ms = new HashSet<>();
    m.methods().forEach(x -> ms.add(x.toUpperCase(Locale.ROOT)));
    this.methods = ms.isEmpty() ? null : Set.copyOf(ms);
    TreeMap<String, String> hs = new TreeMap<>();
    m.headers().forEach((k, v) -> hs.put(k.toLowerCase(Locale.ROOT), v));
    this.headerNames = hs.keySet().stream().map(AsciiString::of).toArray(AsciiString[]::new);
    this.headerValues = hs.values().toArray(String[]::new);
    TreeMap<String, String> qs = new TreeMap<>(m.query());
    this.queryNames = qs.keySet().toArray(String[]::new);
    this.queryValues = qs.values().toArray(String[]::new);
    TreeMap<String, String> cs = new TreeMap<>(m.cookies());
    this.cookieNames = cs.keySet().toArray(String[]::new);
    this.cookieValues = cs.values().toArray(String[]::new);
    TreeMap<String, String> fs = new TreeMap<>(m.flags());
    this.flagKeys = fs.keySet().toArray(String[]::new);
    @SuppressWarnings("unchecked")
    Set<String>[] variants = fs.values().stream().map(CompiledRoute::variantNames).toArray(Set[]::new);
    this.flagVariants = variants;
    java.util.TreeSet<String> sent = new java.util.TreeSet<>(spec.flags());
    sent.addAll(fs.keySet());
    this.sentFlags = sent.toArray(String[]::new);

    this.stub = spec.respond() == null ? null : new Stub(spec.respond());
    this.stubMeters = stub == null ? null : res.meters(name, "stub", null);
    List<TargetRef> all = new ArrayList<>();
    Map<String, List<TargetRef>> versions = new LinkedHashMap<>();
    List<TargetRef> plain = new ArrayList<>();
    for (RouteSpec.Target t : spec.to()) {
      TargetRef ref = target(t.destination(), t.version(), t.url(), t.effectiveWeight(), res);
      all.add(ref);
      if (t.version() != null) versions.computeIfAbsent(t.version(), v -> new ArrayList<>()).add(ref);
      else if (t.destination() != null) plain.add(ref);
    }
    this.split = all.isEmpty() ? null : new Split(all);
    Map<String, Split> bv = new java.util.HashMap<>();
    versions.forEach((v, l) -> bv.put(v, new Split(l)));
    this.byVersion = Map.copyOf(bv);
    this.unversioned = plain.isEmpty() ? null : new Split(plain);
    this.pinnable = !byVersion.isEmpty() || unversioned != null;
    this.versionHeader = AsciiString.of(spec.effectiveVersionHeader().toLowerCase(Locale.ROOT));
    this.stickyCookie = spec.sticky() == null ? null : spec.sticky().cookie();
    this.stickyHeader = spec.sticky() == null || spec.sticky().header() == null ? null
        : AsciiString.of(spec.sticky().header().toLowerCase(Locale.ROOT));
    this.bucketCookie = "ooda-split-" + name;

    RouteSpec.Rewrite rw = spec.rewrite();
    this.stripPrefix = rw == null ? null : trimSlash(rw.stripPrefix());
    this.replaceFrom = rw == null || rw.replacePrefix() == null ? null
        : m.pathPrefix() != null ? trimSlash(m.pathPrefix()) : m.path();
    this.replaceTo = rw == null ? null : rw.replacePrefix();
    TreeMap<String, String> set = new TreeMap<>(rw == null ? Map.of() : rw.setHeaders());
    this.setHeaderNames = set.keySet().stream().map(AsciiString::of).toArray(AsciiString[]::new);
    this.setHeaderValues = set.values().toArray(String[]::new);
    this.removeHeaders = rw == null ? new AsciiString[0] : rw.removeHeaders().stream().map(AsciiString::of).toArray(AsciiString[]::new);

    this.timeoutNanos = (spec.timeout() == null ? DEFAULT_TIMEOUT : spec.timeout()).toNanos();
    RouteSpec.Retry r = spec.retry();
    this.retries = r == null || r.attempts() == null ? DEFAULT_RETRIES : r.attempts();
    this.backoffNanos = (r == null || r.backoff() == null ? DEFAULT_BACKOFF : r.backoff()).toNanos();
    this.sampler = spec.sampleRate() == null ? null : Sampler.probability(spec.sampleRate());
    RouteSpec.Mirror mi = spec.mirror();
    this.mirror = mi == null ? null : target(mi.service(), mi.version(), mi.url(), 1, res);
    this.mirrorPercent = mi == null ? 0 : mi.percent() == null ? 100 : mi.percent();
    this.budget = res.budget(name);
    RouteSpec.Auth auth = spec.auth();
    this.apiKeys = auth == null || auth.apiKeys().isEmpty() ? null : dev.ooda.access.ApiKeys.of(auth.apiKeys());
    this.jwt = auth == null || auth.jwt() == null ? null : res.jwt(auth.jwt());
  }

  private TargetRef target(String service, String version, String url, int weight, RouteResources res) {
    if (service != null) {
      return new TargetRef(service, version, null, weight, service, res.meters(name, service, version));
    }
    URI u = URI.create(url);
    int port = u.getPort() >= 0 ? u.getPort() : "https".equals(u.getScheme()) ? 443 : 80;
    String label = u.getScheme() + "://" + u.getHost() + (u.getPort() >= 0 ? ":" + u.getPort() : "");
    Endpoint e = new Endpoint(label, null, null, res.origins.get(u.getHost(), port, "https".equals(u.getScheme())));
    return new TargetRef(null, null, e, weight, label, res.meters(name, label, null));
  }

  private static String trimSlash(String p) {
    if (p == null) return null;
    return p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
  }

  /** The fixed origins this route names (URL targets and mirror). */
  public void fixedOrigins(java.util.function.Consumer<Origin> to) {
    if (split != null) for (TargetRef t : split.targets) if (t.fixed != null) to.accept(t.fixed.origin());
    if (mirror != null && mirror.fixed != null) to.accept(mirror.fixed.origin());
  }

  /** Whether the request meets the route's host, method, header, query and cookie conditions. */
  boolean accepts(RequestView r) {
    if (host != null) {
      String h = r.host();
      if (h == null || !(hostWildcard ? h.endsWith(host) : h.equals(host))) return false;
    }
    if (methods != null && !methods.contains(r.method())) return false;
    for (int i = 0; i < headerNames.length; i++) if (!holds(headerValues[i], r.header(headerNames[i]))) return false;
    for (int i = 0; i < queryNames.length; i++) if (!holds(queryValues[i], r.query(queryNames[i]))) return false;
    for (int i = 0; i < cookieNames.length; i++) if (!holds(cookieValues[i], r.cookie(cookieNames[i]))) return false;
    for (int i = 0; i < flagKeys.length; i++) {
      String v = r.flagVariant(flagKeys[i]);
      if (v == null || !flagVariants[i].contains(v)) return false;
    }
    return true;
  }

  /** A YAML 1.1 boolean stands for the variants such a word names: {@code on} arrives as "true". */
  private static Set<String> variantNames(String v) {
    return switch (v) {
      case "true" -> Set.of("true", "on", "yes", "y");
      case "false" -> Set.of("false", "off", "no", "n");
      default -> Set.of(v);
    };
  }

  /** A condition's value {@code *} asks only that the header, parameter or cookie be present. */
  private static boolean holds(String want, String got) {
    return got != null && ("*".equals(want) || want.equals(got));
  }

  /** The split a request pinned to {@code version} uses, or null when the route has no such version. */
  public Split splitFor(String pinnedVersion) {
    Split s = byVersion.get(pinnedVersion);
    return s != null ? s : unversioned;
  }

  /** Meters for a target, naming the version a request was pinned to when the target names none. */
  public TargetMeters meters(TargetRef t, String pinnedVersion) {
    if (pinnedVersion == null || pinnedVersion.equals(t.version)) return t.meters;
    return pinnedMeters.computeIfAbsent(t.label + '\0' + pinnedVersion, k -> resources.meters(name, t.label, pinnedVersion));
  }

  /** The path the origin sees. */
  public String rewritePath(String path) {
    if (stripPrefix != null && path.startsWith(stripPrefix)
        && (path.length() == stripPrefix.length() || path.charAt(stripPrefix.length()) == '/' || stripPrefix.equals("/"))) {
      String rest = stripPrefix.equals("/") ? path : path.substring(stripPrefix.length());
      return rest.isEmpty() ? "/" : rest;
    }
    if (replaceFrom != null && path.startsWith(replaceFrom)) {
      String rest = path.substring(replaceFrom.length());
      if (replaceTo.endsWith("/") && rest.startsWith("/")) rest = rest.substring(1);
      String p = replaceTo + rest;
      return p.isEmpty() ? "/" : p;
    }
    return path;
  }

  public boolean rewritesPath() {
    return stripPrefix != null || replaceFrom != null;
  }

  @Override
  public String toString() {
    return name + " (" + spec.matchKey() + ")";
  }

  /** A static answer, built once. */
  public static final class Stub {
    public final HttpResponseStatus status;
    public final HttpHeaders headers;
    public final ByteBuf body;

    Stub(RouteSpec.Respond r) {
      this.status = HttpResponseStatus.valueOf(r.status() == null ? 200 : r.status());
      byte[] bytes = r.body() == null ? new byte[0] : r.body().getBytes(StandardCharsets.UTF_8);
      // A heap buffer outside any allocator: it lives as long as the route and is never released.
      this.body = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(bytes).asReadOnly());
      HttpHeaders h = new DefaultHttpHeaders();
      r.headers().forEach(h::set);
      if (!h.contains(HttpHeaderNames.CONTENT_TYPE) && bytes.length > 0) {
        String trimmed = r.body().stripLeading();
        h.set(HttpHeaderNames.CONTENT_TYPE, trimmed.startsWith("{") || trimmed.startsWith("[")
            ? "application/json" : "text/plain; charset=utf-8");
      }
      h.setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
      this.headers = h;
    }
  }
}
