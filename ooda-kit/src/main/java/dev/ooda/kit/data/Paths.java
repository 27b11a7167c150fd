package dev.ooda.kit.data;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/** Path segments of the data service's API, percent-encoded. */
final class Paths {
  private Paths() {}

  /** {@code s} as one path segment; most ids and keys need no encoding, and then no copy is made. */
  static String segment(String s) {
    if (s.equals(".") || s.equals("..")) return s.replace(".", "%2E"); // else a path step, not a name
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~';
      if (!plain) return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
    return s;
  }

  /**
   * A row key as its path segment: the value's text, or for a composite key (a {@link List}) the
   * values' texts in key order, separated by commas.
   */
  static String rowKey(Object key) {
    if (key instanceof List<?> parts) {
      if (parts.isEmpty()) throw new IllegalArgumentException("a composite key needs at least one value");
      StringBuilder b = new StringBuilder();
      for (Object p : parts) {
        String t = text(p);
        if (t.indexOf(',') >= 0) throw new IllegalArgumentException("a value of a composite key cannot hold ',': " + t);
        if (b.length() > 0) b.append(',');
        b.append(t);
      }
      return segment(b.toString());
    }
    return segment(text(key));
  }

  /** A value as the data service reads it from text (paths, filters): bytes in base64, the rest as printed. */
  static String text(Object v) {
    if (v == null) throw new IllegalArgumentException("a key value cannot be null");
    if (v instanceof byte[] b) return Base64.getEncoder().encodeToString(b);
    return v.toString();
  }
}
