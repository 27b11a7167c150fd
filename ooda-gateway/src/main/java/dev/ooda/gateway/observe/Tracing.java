package dev.ooda.gateway.observe;

import dev.ooda.gateway.resilience.Origin;
import dev.ooda.model.SpanApi;
import dev.ooda.model.TraceHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import io.netty.util.concurrent.FastThreadLocal;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;
import zipkin2.Endpoint;
import zipkin2.Span;
import zipkin2.reporter.AsyncReporter;
import zipkin2.reporter.urlconnection.URLConnectionSender;

/**
 * Trace context: B3 (single and multi header) and W3C {@code traceparent} accepted, a new trace
 * started when neither is present, W3C emitted to the origin. Spans go to a Zipkin collector
 * through an async bounded reporter, when one is configured.
 */
public final class Tracing implements AutoCloseable {
  static final AsciiString TRACEPARENT = AsciiString.cached("traceparent");
  static final AsciiString B3 = AsciiString.cached("b3");
  static final AsciiString B3_TRACE_ID = AsciiString.cached("x-b3-traceid");
  static final AsciiString B3_SPAN_ID = AsciiString.cached("x-b3-spanid");
  static final AsciiString B3_PARENT_ID = AsciiString.cached("x-b3-parentspanid");
  static final AsciiString B3_SAMPLED = AsciiString.cached("x-b3-sampled");
  static final AsciiString B3_FLAGS = AsciiString.cached("x-b3-flags");

  /**
   * A request's place in a trace: the gateway's SERVER span is {@code spanId}, child of
   * {@code parentId}; its call to the origin is the CLIENT span {@code clientSpanId}, the parent the
   * origin is told of. Unsampled, no span is reported and the two ids are one.
   */
  public record Context(String traceId, String parentId, String spanId, String clientSpanId, boolean sampled) {
    /** {@code 00-<trace id, 32 hex>-<client span id>-<flags>}, built as one string. */
    String traceparent() {
      byte[] b = SCRATCH.get();
      b[0] = '0';
      b[1] = '0';
      b[2] = '-';
      int at = 3;
      for (int i = traceId.length(); i < 32; i++) b[at++] = '0';
      at = ascii(traceId, b, at);
      b[at++] = '-';
      at = ascii(clientSpanId, b, at);
      b[at++] = '-';
      b[at++] = '0';
      b[at++] = (byte) (sampled ? '1' : '0');
      return new String(b, 0, at, StandardCharsets.ISO_8859_1);
    }
  }

  /**
   * The gateway's service name in spans: the same name it has as a caller in groups and tokens,
   * so that the callers seen in traces ({@code ooda access suggest}) are the names groups list.
   */
  public static final String SERVICE = "gateway";

  private final AsyncReporter<Span> reporter;
  private final URLConnectionSender sender;
  private final Endpoint local;

  private Tracing(URLConnectionSender sender, AsyncReporter<Span> reporter) {
    this.sender = sender;
    this.reporter = reporter;
    this.local = Endpoint.newBuilder().serviceName(SERVICE).build();
  }

  public static Tracing create(String zipkinUrl) {
    if (zipkinUrl == null || zipkinUrl.isBlank()) return new Tracing(null, null);
    URLConnectionSender sender = URLConnectionSender.create(SpanApi.spansUrl(zipkinUrl));
    AsyncReporter<Span> reporter = AsyncReporter.builder(sender)
        .queuedMaxSpans(10_000)
        .messageTimeout(1, java.util.concurrent.TimeUnit.SECONDS)
        .build(zipkin2.reporter.SpanBytesEncoder.JSON_V2);
    return new Tracing(sender, reporter);
  }

  public boolean reporting() {
    return reporter != null;
  }

  /** Reads the incoming context; {@code sampler} decides when the caller did not. */
  public static Context extract(HttpHeaders h, Sampler sampler) {
    TraceHeaders in = TraceHeaders.parse(h::get);
    String traceId = in == null ? null : in.traceId();
    String parent = in == null ? null : in.spanId();
    Boolean sampled = in == null ? null : in.sampled();
    ThreadLocalRandom r = ThreadLocalRandom.current();
    if (traceId == null) traceId = hex128(r.nextLong() | 1, r.nextLong() | 1);
    boolean decision = sampled != null ? sampled : sampler.sample();
    String spanId = hex64(r.nextLong() | 1);
    return new Context(traceId, parent, spanId, decision ? hex64(r.nextLong() | 1) : spanId, decision);
  }

  /** What the origin sees: W3C {@code traceparent} with the gateway's span as parent; B3 removed. */
  public static void inject(HttpHeaders h, Context c) {
    h.remove(B3).remove(B3_TRACE_ID).remove(B3_SPAN_ID).remove(B3_PARENT_ID).remove(B3_SAMPLED).remove(B3_FLAGS);
    h.set(TRACEPARENT, c.traceparent());
  }

  /**
   * Reports the request's SERVER span and, when it reached an origin, the CLIENT span of that call:
   * the CLIENT span names the target service as its remote service, so that the dependency linker
   * draws {@code gateway -> service} even for a service that reports no spans. A service that
   * does trace reports a SERVER span child of the CLIENT span, and the linker counts the call once.
   *
   * @param c                the request's place in the trace
   * @param route            the route's name, or null when none took the request
   * @param target           the target the route chose ({@code catalog@v2}, a URL), or null
   * @param endpoint         where the last attempt went, or null when none was made
   * @param originStartMicros when the first attempt began
   * @param access           the access decision that refused or would have refused the request, or null
   * @param flags            the variants the route's flags gave the request ({@code key=variant,...}), or null;
   *                         each becomes the tag {@code ooda.flag.KEY}
   */
  public void report(Context c, String method, String path, String route, String target,
                     dev.ooda.gateway.resilience.Endpoint endpoint, String clientIp, long startMicros, long durationMicros,
                     long originStartMicros, int status, String error, dev.ooda.access.Decision access, String flags) {
    if (reporter == null || !c.sampled()) return;
    String name = method + " " + route;
    String code = Integer.toString(status);
    String err = error != null ? error : status >= 500 ? code : null;
    Span.Builder b = Span.newBuilder()
        .traceId(c.traceId()).parentId(c.parentId()).id(c.spanId())
        .kind(Span.Kind.SERVER).name(name)
        .timestamp(startMicros).duration(Math.max(1, durationMicros))
        .localEndpoint(local)
        .putTag("http.method", method).putTag("http.path", path)
        .putTag("http.status_code", code);
    if (clientIp != null) b.remoteEndpoint(Endpoint.newBuilder().ip(clientIp).build());
    if (route != null) b.putTag("ooda.route", route);
    if (target != null) b.putTag("ooda.target", target);
    if (err != null) b.putTag("error", err);
    if (access != null) {
      b.putTag("ooda.access.outcome", access.outcome().label());
      b.putTag("ooda.access.decision", access.id());
      b.putTag("ooda.access.service", access.service());
    }
    if (flags != null) {
      for (String pair : flags.split(",")) {
        int eq = pair.indexOf('=');
        b.putTag("ooda.flag." + pair.substring(0, eq), pair.substring(eq + 1));
      }
    }
    reporter.report(b.build());
    if (endpoint == null) return;
    Origin o = endpoint.origin();
    Endpoint.Builder remote = Endpoint.newBuilder()
        .serviceName(endpoint.service() != null ? endpoint.service() : o.host).port(o.port);
    remote.parseIp(o.host);
    Span.Builder client = Span.newBuilder()
        .traceId(c.traceId()).parentId(c.spanId()).id(c.clientSpanId())
        .kind(Span.Kind.CLIENT).name(name)
        .timestamp(originStartMicros).duration(Math.max(1, startMicros + durationMicros - originStartMicros))
        .localEndpoint(local).remoteEndpoint(remote.build())
        .putTag("http.method", method).putTag("http.status_code", code);
    if (err != null) client.putTag("error", err);
    reporter.report(client.build());
  }


  @Override
  public void close() {
    if (reporter != null) {
      reporter.close();
      sender.close();
    }
  }

  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.ISO_8859_1);
  /** Ids and headers are written here first, so that each becomes one string and nothing else. */
  private static final FastThreadLocal<byte[]> SCRATCH = new FastThreadLocal<>() {
    @Override
    protected byte[] initialValue() {
      return new byte[64];
    }
  };

  static String hex64(long v) {
    byte[] b = SCRATCH.get();
    hex(v, b, 0);
    return new String(b, 0, 16, StandardCharsets.ISO_8859_1);
  }

  static String hex128(long hi, long lo) {
    byte[] b = SCRATCH.get();
    hex(hi, b, 0);
    hex(lo, b, 16);
    return new String(b, 0, 32, StandardCharsets.ISO_8859_1);
  }

  private static void hex(long v, byte[] to, int at) {
    for (int i = at + 15; i >= at; i--) {
      to[i] = HEX[(int) (v & 0xf)];
      v >>>= 4;
    }
  }

  /** Copies an ASCII string into {@code to} at {@code at}; returns the index after it. */
  private static int ascii(String s, byte[] to, int at) {
    for (int i = 0; i < s.length(); i++) to[at++] = (byte) s.charAt(i);
    return at;
  }
}
