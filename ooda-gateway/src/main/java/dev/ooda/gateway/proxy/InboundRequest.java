package dev.ooda.gateway.proxy;

import dev.ooda.flags.Evaluation;
import dev.ooda.flags.FlagSet;
import dev.ooda.gateway.observe.TargetMeters;
import dev.ooda.gateway.observe.Tracing;
import dev.ooda.gateway.routing.CompiledRoute;
import dev.ooda.gateway.routing.RequestView;
import dev.ooda.gateway.routing.RouteTable;
import dev.ooda.gateway.routing.TargetRef;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A request head as the inbound stage sees it, and the decisions the stage records on it: the
 * route, the target, the trace. No socket: tests build one from a Netty request head. Query and
 * cookies are parsed only when a route asks.
 */
final class InboundRequest implements RequestView {
  final HttpRequest head;
  final HttpHeaders headers;
  /** Whether the request came on an HTTP/2 stream (converted to an HTTP/1 head). */
  final boolean h2;
  final boolean http10;
  /** The route table the request is matched against, read once so that one table answers it. */
  final RouteTable table;
  /** The flags the request is evaluated against, read once with the table. */
  final FlagSet flags;

  private String uri;
  private String path;
  private String query;
  private String host;
  private boolean hostDone;
  private Map<String, List<String>> params;
  private Map<String, String> cookies;

  /** Declared body length, or -1 when none is declared. */
  long contentLength = -1;
  CompiledRoute route;
  /** The version the request is pinned to by the route's version header, or null. */
  String pinned;
  TargetRef target;
  /** Which latency series the request counts in. */
  TargetMeters meters;
  /** The gateway's bucket cookie, when it assigned the user a new bucket. */
  String setCookie;
  Tracing.Context trace;
  /** The end user a route's API key or JWT proved, sent on as {@code ooda-subject}; null when the route asks for none. */
  String subject;
  /** The API key came in {@code Authorization}: it is removed before the request goes on. */
  boolean apiKeyInAuthorization;
  /** The access decision when it refused or would have refused; null when allowed or not checked. */
  dev.ooda.access.Decision access;
  /** What an inbound stage refused or flagged, for the access log's {@code error}: a problem slug. */
  String error;
  /** The flags' answers so far, each evaluated once per request (conditions of several routes may ask). */
  private Evaluation[] evaluations;
  private int evaluated;
  /** The variants sent to the origin in {@code ooda-flags}, {@code key=variant,...}; null when none. */
  String flagHeader;

  InboundRequest(HttpRequest head, boolean h2, RouteTable table) {
    this(head, h2, table, FlagSet.EMPTY);
  }

  InboundRequest(HttpRequest head, boolean h2, RouteTable table, FlagSet flags) {
    this.flags = flags;
    this.head = head;
    this.headers = head.headers();
    this.h2 = h2;
    this.http10 = head.protocolVersion() == HttpVersion.HTTP_1_0;
    this.table = table;
    originForm(head.uri());
  }

  /** The request target in origin form (path and query), as the origin will be sent it before rewrites. */
  String uri() {
    return uri;
  }

  void originForm(String uri) {
    this.uri = uri;
    int q = uri.indexOf('?');
    this.path = q < 0 ? uri : uri.substring(0, q);
    this.query = q < 0 ? null : uri.substring(q + 1);
  }

  @Override
  public String method() {
    return head.method().name();
  }

  @Override
  public String host() {
    if (!hostDone) {
      hostDone = true;
      String h = headers.get(HttpHeaderNames.HOST);
      if (h != null) {
        int end = h.startsWith("[") ? h.indexOf(']') + 1 : h.indexOf(':');
        host = (end > 0 ? h.substring(0, end) : h).toLowerCase(Locale.ROOT);
      }
    }
    return host;
  }

  @Override
  public String path() {
    return path;
  }

  /** The raw query string after {@code ?}, or null. */
  String rawQuery() {
    return query;
  }

  @Override
  public String header(CharSequence name) {
    return headers.get(name);
  }

  @Override
  public String query(String name) {
    if (query == null) return null;
    if (params == null) params = new QueryStringDecoder(query, false).parameters();
    List<String> v = params.get(name);
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  @Override
  public String cookie(String name) {
    if (cookies == null) {
      cookies = new HashMap<>();
      for (String h : headers.getAll(HttpHeaderNames.COOKIE)) {
        for (Cookie c : ServerCookieDecoder.LAX.decodeAll(h)) cookies.putIfAbsent(c.name(), c.value());
      }
    }
    return cookies.get(name);
  }

  @Override
  public String flagVariant(String key) {
    return flag(key).variant();
  }

  /** Tells {@code sink} the outcome of this request in each experiment cell its flags put it in. */
  void experimentOutcome(dev.ooda.flags.ExposureSink sink, int status, double latencyMs) {
    for (int i = 0; i < evaluated; i++) {
      Evaluation e = evaluations[i];
      if (e.experiment() != null) sink.request(e.experiment(), e.cell(), status >= 500, latencyMs);
    }
  }

  /** Flag {@code key}'s answer for this request, evaluated on its first use. */
  Evaluation flag(String key) {
    for (int i = 0; i < evaluated; i++) if (evaluations[i].flag().equals(key)) return evaluations[i];
    Evaluation e = flags.evaluate(key, this::attribute);
    if (evaluations == null) evaluations = new Evaluation[4];
    else if (evaluated == evaluations.length) evaluations = java.util.Arrays.copyOf(evaluations, evaluated * 2);
    evaluations[evaluated++] = e;
    return e;
  }

  /**
   * What a flag's rules read from the request: {@code method}, {@code path}, {@code host}, and
   * {@code header.NAME}, {@code cookie.NAME}, {@code query.NAME}.
   */
  String attribute(String name) {
    return switch (name) {
      case "method" -> method();
      case "path" -> path;
      case "host" -> host();
      default -> name.startsWith("header.") ? header(name.substring(7))
          : name.startsWith("cookie.") ? cookie(name.substring(7))
          : name.startsWith("query.") ? query(name.substring(6))
          : null;
    };
  }
}
