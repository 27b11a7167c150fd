package dev.ooda.kit;

import brave.propagation.Propagation;
import brave.propagation.TraceContext;
import brave.propagation.TraceContextOrSamplingFlags;
import dev.ooda.model.TraceHeaders;
import java.util.List;

/**
 * Trace context on the wire: W3C {@code traceparent} is sent; {@code traceparent} and B3 (single
 * {@code b3} or multi {@code X-B3-*} headers) are accepted, {@code traceparent} first.
 */
final class W3cPropagation implements Propagation<String> {
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
  private static final List<String> KEYS = List.of(TraceHeaders.TRACEPARENT, TraceHeaders.B3, TraceHeaders.B3_TRACE_ID,
      TraceHeaders.B3_SPAN_ID, TraceHeaders.B3_PARENT_SPAN_ID, TraceHeaders.B3_SAMPLED, TraceHeaders.B3_FLAGS);

  private W3cPropagation() {}

  @Override
  public List<String> keys() {
    return KEYS;
  }

  @Override
  public <R> TraceContext.Injector<R> injector(Setter<R, String> setter) {
    return (ctx, request) -> setter.put(request, TraceHeaders.TRACEPARENT, format(ctx));
  }

  @Override
  public <R> TraceContext.Extractor<R> extractor(Getter<R, String> getter) {
    return request -> extract(TraceHeaders.parse(name -> getter.get(request, name)));
  }

  static TraceContextOrSamplingFlags extract(TraceHeaders in) {
    if (in == null) return TraceContextOrSamplingFlags.EMPTY;
    if (in.traceId() == null) return in.sampled() ? TraceContextOrSamplingFlags.SAMPLED : TraceContextOrSamplingFlags.NOT_SAMPLED;
    String t = in.traceId();
    TraceContext.Builder b = TraceContext.newBuilder()
        .traceIdHigh(t.length() == 32 ? unhex(t, 0) : 0).traceId(unhex(t, t.length() - 16))
        .spanId(unhex(in.spanId(), 0));
    if (in.parentSpanId() != null) b.parentId(unhex(in.parentSpanId(), 0));
    if (in.sampled() != null) b.sampled(in.sampled());
    return TraceContextOrSamplingFlags.create(b.build());
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

  private static void hex(long v, char[] out, int at) {
    for (int i = 15; i >= 0; i--) {
      out[at + i] = Character.forDigit((int) (v & 0xF), 16);
      v >>>= 4;
    }
  }

  /** 16 lower-case hex characters from {@code at}, as {@link TraceHeaders} has checked them. */
  private static long unhex(String s, int at) {
    long v = 0;
    for (int i = at; i < at + 16; i++) v = (v << 4) | Character.digit(s.charAt(i), 16);
    return v;
  }
}
