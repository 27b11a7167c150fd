package dev.ooda.model;

import java.util.function.Function;

/**
 * What a request's trace headers say: W3C {@code traceparent}, or B3 as the single {@code b3}
 * header or the multi {@code X-B3-*} headers. Ids are lower-case hex as sent (a 64-bit B3 trace id
 * stays 16 characters). Parsing reads the characters in place, without regex, and allocates only
 * the id strings and the answer, since the gateway parses on every request.
 *
 * @param traceId      32 or 16 hex characters; null when the headers carry only a sampling decision
 * @param spanId       the caller's span, 16 hex characters: the parent of a span this request starts;
 *                     null with {@code traceId}
 * @param parentSpanId the caller's own parent (B3 only), or null
 * @param sampled      the caller's decision, or null when it left the decision to the receiver
 */
public record TraceHeaders(String traceId, String spanId, String parentSpanId, Boolean sampled) {
  public static final String TRACEPARENT = "traceparent";
  public static final String B3 = "b3";
  public static final String B3_TRACE_ID = "x-b3-traceid";
  public static final String B3_SPAN_ID = "x-b3-spanid";
  public static final String B3_PARENT_SPAN_ID = "x-b3-parentspanid";
  public static final String B3_SAMPLED = "x-b3-sampled";
  public static final String B3_FLAGS = "x-b3-flags";

  private static final TraceHeaders SAMPLED = new TraceHeaders(null, null, null, true);
  private static final TraceHeaders NOT_SAMPLED = new TraceHeaders(null, null, null, false);

  /**
   * Reads {@code traceparent} first, then {@code b3}, then the {@code X-B3-*} headers, and answers
   * the first that is well-formed, or null when none is.
   *
   * @param header a header's value by its lower-case name, or null when absent
   */
  public static TraceHeaders parse(Function<String, ? extends CharSequence> header) {
    TraceHeaders t = traceparent(header.apply(TRACEPARENT));
    if (t == null) t = b3(header.apply(B3));
    if (t == null) {
      t = b3(header.apply(B3_TRACE_ID), header.apply(B3_SPAN_ID), header.apply(B3_PARENT_SPAN_ID),
          header.apply(B3_SAMPLED), header.apply(B3_FLAGS));
    }
    return t;
  }

  /**
   * {@code version-traceid-parentid-flags}, e.g. {@code 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01}.
   * Version {@code ff} is invalid; version {@code 00} is exactly 55 characters; a later version may
   * append fields after a dash, which are ignored. All-zero ids are invalid.
   */
  public static TraceHeaders traceparent(CharSequence v) {
    if (v == null || v.length() < 55 || !hex(v, 0, 2) || (v.charAt(0) == 'f' && v.charAt(1) == 'f')) return null;
    boolean v00 = v.charAt(0) == '0' && v.charAt(1) == '0';
    if (v00 ? v.length() != 55 : v.length() > 55 && v.charAt(55) != '-') return null;
    if (v.charAt(2) != '-' || v.charAt(35) != '-' || v.charAt(52) != '-') return null;
    if (!id(v, 3, 35) || !id(v, 36, 52) || !hex(v, 53, 55)) return null;
    boolean sampled = (Character.digit(v.charAt(54), 16) & 1) == 1;
    return new TraceHeaders(v.subSequence(3, 35).toString(), v.subSequence(36, 52).toString(), null, sampled);
  }

  /**
   * The single B3 header: {@code traceid-spanid[-sampling[-parentspanid]]}, or only a sampling
   * decision: {@code 0}, {@code 1} or {@code d} (debug, which samples).
   */
  public static TraceHeaders b3(CharSequence v) {
    if (v == null) return null;
    int n = v.length();
    if (n == 1) return decision(sampling(v.charAt(0)));
    int traceEnd = n > 16 && v.charAt(16) == '-' ? 16 : n > 32 && v.charAt(32) == '-' ? 32 : -1;
    int spanEnd = traceEnd + 17;
    if (traceEnd < 0 || n < spanEnd || !id(v, 0, traceEnd) || !id(v, traceEnd + 1, spanEnd)) return null;
    Boolean sampled = null;
    String parent = null;
    if (n > spanEnd) {
      if (n < spanEnd + 2 || v.charAt(spanEnd) != '-' || (sampled = sampling(v.charAt(spanEnd + 1))) == null) return null;
      int parentAt = spanEnd + 3;
      if (n > spanEnd + 2) {
        if (n != parentAt + 16 || v.charAt(spanEnd + 2) != '-' || !id(v, parentAt, n)) return null;
        parent = v.subSequence(parentAt, n).toString();
      }
    }
    return new TraceHeaders(v.subSequence(0, traceEnd).toString(), v.subSequence(traceEnd + 1, spanEnd).toString(),
        parent, sampled);
  }

  /**
   * The multi B3 headers. Without ids, a sampling decision alone ({@code X-B3-Sampled: 1} or
   * {@code 0}, also {@code true} or {@code false}; {@code X-B3-Flags: 1} is debug, which samples).
   * Null when the ids are malformed, or when there is neither id nor decision.
   */
  public static TraceHeaders b3(CharSequence traceId, CharSequence spanId, CharSequence parentSpanId,
                                CharSequence sampled, CharSequence flags) {
    Boolean decision = is(flags, "1") ? Boolean.TRUE
        : is(sampled, "1") || is(sampled, "true") ? Boolean.TRUE
        : is(sampled, "0") || is(sampled, "false") ? Boolean.FALSE
        : null;
    if (traceId == null && spanId == null) return decision(decision);
    if (traceId == null || spanId == null) return null;
    int t = traceId.length();
    if ((t != 16 && t != 32) || !id(traceId, 0, t) || spanId.length() != 16 || !id(spanId, 0, 16)) return null;
    if (parentSpanId != null && (parentSpanId.length() != 16 || !id(parentSpanId, 0, 16))) return null;
    return new TraceHeaders(traceId.toString(), spanId.toString(),
        parentSpanId == null ? null : parentSpanId.toString(), decision);
  }

  private static TraceHeaders decision(Boolean sampled) {
    return sampled == null ? null : sampled ? SAMPLED : NOT_SAMPLED;
  }

  private static Boolean sampling(char c) {
    return c == '1' || c == 'd' ? Boolean.TRUE : c == '0' ? Boolean.FALSE : null;
  }

  /** Lower-case hex, not all zeros. */
  private static boolean id(CharSequence s, int from, int to) {
    boolean nonZero = false;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
      nonZero |= c != '0';
    }
    return nonZero;
  }

  private static boolean hex(CharSequence s, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    }
    return true;
  }

  private static boolean is(CharSequence s, String expected) {
    if (s == null || s.length() != expected.length()) return false;
    for (int i = 0; i < s.length(); i++) {
      if (Character.toLowerCase(s.charAt(i)) != expected.charAt(i)) return false;
    }
    return true;
  }
}
