package dev.ooda.gateway.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** Header rules every proxied message follows. */
final class Headers {
  static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
  static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
  static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
  static final AsciiString KEEP_ALIVE = AsciiString.cached("keep-alive");
  static final AsciiString PROXY_CONNECTION = AsciiString.cached("proxy-connection");
  static final AsciiString HTTP2_PREFIX = AsciiString.cached("x-http2-");

  /** RFC 9110 7.6.1: meaningful for one connection only, never forwarded. Connection first: its bit is 1. */
  private static final AsciiString[] HOP_BY_HOP = {
      HttpHeaderNames.CONNECTION, KEEP_ALIVE, PROXY_CONNECTION, HttpHeaderNames.PROXY_AUTHENTICATE,
      HttpHeaderNames.PROXY_AUTHORIZATION, HttpHeaderNames.TE, HttpHeaderNames.TRAILER,
      HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderNames.UPGRADE};

  private Headers() {}

  /**
   * Removes hop-by-hop headers, and those the Connection header names. An upgrade keeps
   * {@code Connection: upgrade} and {@code Upgrade}, which the origin needs to see.
   */
  static void stripHopByHop(HttpHeaders h, boolean upgrade) {
    // One walk finds the hop-by-hop names present: a message carries one or none of them, and
    // removing each of the nine would cost a hash lookup apiece.
    int present = 0;
    for (var it = h.iteratorCharSequence(); it.hasNext(); ) {
      CharSequence name = it.next().getKey();
      for (int i = 0; i < HOP_BY_HOP.length; i++) {
        if (name.length() == HOP_BY_HOP[i].length() && HOP_BY_HOP[i].contentEqualsIgnoreCase(name)) present |= 1 << i;
      }
    }
    if (present == 0) return;
    String up = upgrade ? h.get(HttpHeaderNames.UPGRADE) : null;
    List<String> named = null;
    if ((present & 1) != 0) { // Connection
      for (Iterator<? extends CharSequence> it = h.valueCharSequenceIterator(HttpHeaderNames.CONNECTION); it.hasNext(); ) {
        CharSequence v = it.next();
        // Tokens are found in place: the usual "keep-alive" or "close" costs no strings.
        for (int start = 0, end; start < v.length(); start = end + 1) {
          end = indexOf(v, ',', start);
          int from = start;
          int to = end;
          while (from < to && v.charAt(from) == ' ') from++;
          while (to > from && v.charAt(to - 1) == ' ') to--;
          if (from == to || named(v, from, to, HttpHeaderValues.CLOSE) || named(v, from, to, HttpHeaderValues.KEEP_ALIVE)
              || named(v, from, to, HttpHeaderValues.UPGRADE)) {
            continue;
          }
          if (named == null) named = new ArrayList<>(2);
          named.add(v.subSequence(from, to).toString());
        }
      }
    }
    // Removed after the walk over Connection's values, which removing could disturb.
    if (named != null) for (int i = 0; i < named.size(); i++) h.remove(named.get(i));
    for (int i = 0; i < HOP_BY_HOP.length; i++) if ((present & 1 << i) != 0) h.remove(HOP_BY_HOP[i]);
    if (up != null) {
      h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
      h.set(HttpHeaderNames.UPGRADE, up);
    }
  }

  private static int indexOf(CharSequence s, char c, int from) {
    for (int i = from; i < s.length(); i++) if (s.charAt(i) == c) return i;
    return s.length();
  }

  private static boolean named(CharSequence s, int from, int to, AsciiString name) {
    return to - from == name.length() && AsciiString.regionMatches(s, true, from, name, 0, name.length());
  }

  /** HTTP/2 conversion adds {@code x-http2-*} headers that must not leave the gateway. */
  static void stripHttp2Extensions(HttpHeaders h) {
    List<String> drop = null;
    for (var it = h.iteratorCharSequence(); it.hasNext(); ) {
      CharSequence k = it.next().getKey();
      if (AsciiString.regionMatches(k, true, 0, HTTP2_PREFIX, 0, HTTP2_PREFIX.length())) {
        if (drop == null) drop = new ArrayList<>();
        drop.add(k.toString());
      }
    }
    if (drop != null) drop.forEach(h::remove);
  }

  static boolean isUpgrade(HttpHeaders h) {
    return h.contains(HttpHeaderNames.UPGRADE) && h.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true);
  }

  /**
   * Why a request target cannot be proxied, or null when it is fine: it must be origin-form, with
   * valid percent escapes, no control characters and no dot segments (which could climb out of a
   * route's prefix on the origin).
   */
  static String badTarget(String uri) {
    if (uri.isEmpty() || uri.charAt(0) != '/') return "the request target must start with '/'";
    int end = uri.indexOf('?');
    if (end < 0) end = uri.length();
    int segStart = 1;
    for (int i = 0; i < uri.length(); i++) {
      char c = uri.charAt(i);
      if (c <= 0x20 || c == 0x7f || c == '#') return "the request target has a character that must be escaped";
      if (c == '%') {
        if (i + 2 >= uri.length() || Character.digit(uri.charAt(i + 1), 16) < 0 || Character.digit(uri.charAt(i + 2), 16) < 0)
          return "the request target has a broken percent escape";
      }
      if (i < end && c == '/' && i > 0) {
        if (dotSegment(uri, segStart, i)) return "the path has a '.' or '..' segment";
        segStart = i + 1;
      }
    }
    if (dotSegment(uri, segStart, end)) return "the path has a '.' or '..' segment";
    return null;
  }

  private static boolean dotSegment(String s, int from, int to) {
    int n = to - from;
    if (n <= 0 || n > 6 || (s.charAt(from) != '.' && s.charAt(from) != '%')) return false;
    String seg = s.substring(from, to).toLowerCase(java.util.Locale.ROOT).replace("%2e", ".");
    return seg.equals(".") || seg.equals("..");
  }
}
