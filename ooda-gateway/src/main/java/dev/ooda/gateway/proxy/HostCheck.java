package dev.ooda.gateway.proxy;

import dev.ooda.gateway.server.Problems;
import dev.ooda.model.Problem;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.util.Iterator;

/** RFC 9112 3.2: an HTTP/1.1 request has exactly one Host header, and it is a valid {@code host[:port]}. */
final class HostCheck implements InboundStage {
  @Override
  public Problem apply(InboundRequest r) {
    Iterator<? extends CharSequence> it = r.headers.valueCharSequenceIterator(HttpHeaderNames.HOST);
    if (!it.hasNext()) {
      return r.h2 || r.http10 ? null : Problems.badRequest("HTTP/1.1 requests need a Host header");
    }
    CharSequence host = it.next();
    // HTTP/2 may carry :authority beside a host header, converted to two; RFC 9113 8.3.1 rules there.
    if (!r.h2 && it.hasNext()) return Problems.badRequest("the request has more than one Host header");
    return valid(host) ? null : Problems.badRequest("the Host header is not a valid host[:port]");
  }

  /** RFC 3986 3.2.2: an IP literal in brackets or a reg-name (empty allowed), then an optional port. */
  static boolean valid(CharSequence h) {
    int n = h.length();
    int i = 0;
    if (n > 0 && h.charAt(0) == '[') {
      for (i = 1; i < n && h.charAt(i) != ']'; i++) {
        char c = h.charAt(i);
        if (!(Character.digit(c, 16) >= 0 || c == ':' || c == '.')) return false;
      }
      if (i == n) return false;
      i++;
    } else {
      for (; i < n && h.charAt(i) != ':'; i++) {
        if (!regNameChar(h.charAt(i))) return false;
      }
    }
    if (i == n) return true;
    if (h.charAt(i) != ':') return false;
    for (i++; i < n; i++) {
      char c = h.charAt(i);
      if (c < '0' || c > '9') return false;
    }
    return true;
  }

  /** unreserved, sub-delims and the '%' of pct-encoded. */
  private static boolean regNameChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || "-._~!$&'()*+,;=%".indexOf(c) >= 0;
  }
}
