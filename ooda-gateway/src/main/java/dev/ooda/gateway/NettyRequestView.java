package dev.ooda.gateway;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A Netty request as route matching sees it; query and cookies are parsed only when a route asks. */
final class NettyRequestView implements RequestView {
  private final HttpRequest req;
  private final String path;
  private final String query;
  private String host;
  private boolean hostDone;
  private Map<String, List<String>> params;
  private Map<String, String> cookies;

  NettyRequestView(HttpRequest req, String pathAndQuery) {
    this.req = req;
    int q = pathAndQuery.indexOf('?');
    this.path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
    this.query = q < 0 ? null : pathAndQuery.substring(q + 1);
  }

  @Override
  public String method() {
    return req.method().name();
  }

  @Override
  public String host() {
    if (!hostDone) {
      hostDone = true;
      String h = req.headers().get(HttpHeaderNames.HOST);
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
    return req.headers().get(name);
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
      for (String h : req.headers().getAll(HttpHeaderNames.COOKIE)) {
        for (Cookie c : ServerCookieDecoder.LAX.decodeAll(h)) cookies.putIfAbsent(c.name(), c.value());
      }
    }
    return cookies.get(name);
  }
}
