package dev.ooda.kit;

import brave.propagation.B3Propagation;
import brave.propagation.Propagation;
import brave.propagation.TraceContext;
import brave.propagation.TraceContextOrSamplingFlags;
import java.util.List;

/**
 * Trace context on the wire: W3C {@code traceparent} is sent; {@code traceparent} and B3 (single
 * {@code b3} or multi {@code X-B3-*} headers) are accepted, {@code traceparent} first.
 */
final class W3cPropagation implements Propagation<String> {
  static final String TRACEPARENT = "traceparent";
  static final Propagation.Factory FACTORY = new Propagation.Factory() {
    @Override
    public Propagation<String> get() {
      return INSTANCE;
    }

    @Override
    public boolean requires128BitTraceId() {
      return true;
    }

    @Override
    public TraceContext decorate(TraceContext context) {
      return context;
    }
  };
  private static final W3cPropagation INSTANCE = new W3cPropagation();
  private static final Propagation<String> B3 = B3Propagation.get();
  private static final List<String> KEYS;

  static {
    java.util.ArrayList<String> keys = new java.util.ArrayList<>();
    keys.add(TRACEPARENT);
    keys.addAll(B3.keys());
    KEYS = List.copyOf(keys);
  }

  private W3cPropagation() {}

  @Override
  public List<String> keys() {
    return KEYS;
  }

  @Override
  public <R> TraceContext.Injector<R> injector(Setter<R, String> setter) {
    return (ctx, request) -> setter.put(request, TRACEPARENT, format(ctx));
  }

  @Override
  public <R> TraceContext.Extractor<R> extractor(Getter<R, String> getter) {
    TraceContext.Extractor<R> b3 = B3.extractor(getter);
    return request -> {
      String tp = getter.get(request, TRACEPARENT);
      if (tp != null) {
        TraceContext parsed = parse(tp);
        if (parsed != null) return TraceContextOrSamplingFlags.create(parsed);
      }
      return b3.extract(request);
    };
  }

  static String format(TraceContext c) {
    char[] out = new char[55];
    out[0] = '0';
    out[1] = '0';
    out[2] = '-';
    hex(c.traceIdHigh(), out, 3);
    hex(c.traceId(), out, 19);
    out[35] = '-';
    hex(c.spanId(), out, 36);
    out[52] = '-';
    out[53] = '0';
    out[54] = Boolean.TRUE.equals(c.sampled()) ? '1' : '0';
    return new String(out);
  }

  /** {@code 00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>}, or null when malformed. */
  static TraceContext parse(String tp) {
    if (tp.length() < 55 || tp.charAt(2) != '-' || tp.charAt(35) != '-' || tp.charAt(52) != '-') return null;
    // version ff is invalid; future versions may append fields after the flags
    if (tp.startsWith("ff") || (tp.startsWith("00") && tp.length() != 55)) return null;
    try {
      long high = unhex(tp, 3);
      long low = unhex(tp, 19);
      long span = unhex(tp, 36);
      int flags = (int) unhex(tp, 53, 2);
      if ((high == 0 && low == 0) || span == 0) return null;
      return TraceContext.newBuilder().traceIdHigh(high).traceId(low).spanId(span)
          .sampled((flags & 1) == 1).build();
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static void hex(long v, char[] out, int at) {
    for (int i = 15; i >= 0; i--) {
      out[at + i] = Character.forDigit((int) (v & 0xF), 16);
      v >>>= 4;
    }
  }

  private static long unhex(String s, int at) {
    return unhex(s, at, 16);
  }

  private static long unhex(String s, int at, int len) {
    long v = 0;
    for (int i = at; i < at + len; i++) {
      int d = Character.digit(s.charAt(i), 16);
      if (d < 0 || Character.isUpperCase(s.charAt(i))) throw new NumberFormatException(s);
      v = (v << 4) | d;
    }
    return v;
  }
}
