package dev.ooda.trace;

import java.util.List;
import java.util.Map;
import zipkin2.Annotation;
import zipkin2.Endpoint;
import zipkin2.Span;

/**
 * Estimates the heap a stored span retains, for the store's byte bound. The constants follow the
 * layout of zipkin2's model on a 64-bit JVM with compressed pointers: a String is a 24-byte header
 * plus a byte array of 16 bytes and its Latin-1 characters; a tag is a LinkedHashMap entry.
 * It is an estimate, cheap enough to run on every span, not a measurement.
 */
final class SpanSize {
  /** The Span object itself plus its slot in the store. */
  static final int SPAN = 88;
  /** A trace in the store: its map node, key and arrays. */
  static final int TRACE = 160;

  private SpanSize() {}

  static int estimate(Span span) {
    int size = SPAN
        + string(span.traceId()) + string(span.parentId()) + string(span.id()) + string(span.name())
        + endpoint(span.localEndpoint()) + endpoint(span.remoteEndpoint());
    List<Annotation> annotations = span.annotations();
    if (!annotations.isEmpty()) {
      size += 56 + annotations.size() * 4;
      for (Annotation a : annotations) size += 24 + string(a.value());
    }
    Map<String, String> tags = span.tags();
    if (!tags.isEmpty()) {
      size += 72 + tags.size() * 4;
      for (Map.Entry<String, String> tag : tags.entrySet()) {
        size += 40 + string(tag.getKey()) + string(tag.getValue());
      }
    }
    return size;
  }

  private static int endpoint(Endpoint e) {
    if (e == null) return 0;
    int size = 40 + string(e.serviceName());
    if (e.ipv4() != null) size += string(e.ipv4()) + 24;
    if (e.ipv6() != null) size += string(e.ipv6()) + 32;
    return size;
  }

  private static int string(String s) {
    return s == null ? 0 : 40 + ((s.length() + 7) & ~7);
  }
}
