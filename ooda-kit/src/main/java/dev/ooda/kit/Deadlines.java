package dev.ooda.kit;

import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.util.TimeoutMode;
import com.linecorp.armeria.server.DecoratingHttpServiceFunction;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.ooda.model.Problem;
import dev.ooda.model.ProblemType;
import io.netty.util.AttributeKey;
import java.time.Duration;

/**
 * Deadlines travel with requests. A caller sends the time it has left in {@link #HEADER}; the
 * callee makes it the timeout of the request it serves, and every call that it makes through an
 * {@link OodaClient} while serving that request gets at most the time still left. A chain of calls
 * therefore gives up together when the first caller's deadline passes, instead of working on
 * answers that nobody waits for.
 */
public final class Deadlines {
  /** Milliseconds the caller still waits, as a decimal integer. */
  public static final String HEADER = "ooda-deadline-ms";

  /** The deadline of a request being served, in {@link System#nanoTime()} terms. */
  static final AttributeKey<Long> SERVING = AttributeKey.valueOf(Deadlines.class, "SERVING");
  /** The deadline of a call being made, in {@link System#nanoTime()} terms. */
  static final AttributeKey<Long> CALL = AttributeKey.valueOf(Deadlines.class, "CALL");

  private Deadlines() {}

  /**
   * Time left to serve the current request, or null outside a request or when it has no deadline.
   * Handlers may use it to skip work that cannot finish in time.
   */
  public static Duration remaining() {
    ServiceRequestContext ctx = ServiceRequestContext.currentOrNull();
    Long d = ctx == null ? null : ctx.attr(SERVING);
    return d == null ? null : Duration.ofNanos(Math.max(0, d - System.nanoTime()));
  }

  /** The deadline (nanoTime) that a call made now inherits, or {@code Long.MAX_VALUE}. */
  static long inherited() {
    ServiceRequestContext ctx = ServiceRequestContext.currentOrNull();
    Long d = ctx == null ? null : ctx.attr(SERVING);
    return d == null ? Long.MAX_VALUE : d;
  }

  /**
   * The server side: takes the caller's deadline when it is sooner than the server's own request
   * timeout, and records the result for calls made while serving.
   */
  static final DecoratingHttpServiceFunction SERVER = new DecoratingHttpServiceFunction() {
    @Override
    public HttpResponse serve(HttpService delegate, ServiceRequestContext ctx, HttpRequest req) throws Exception {
      long now = System.nanoTime();
      long own = ctx.requestTimeoutMillis();
      long deadline = own > 0 ? now + own * 1_000_000 : Long.MAX_VALUE;
      String h = req.headers().get(HEADER);
      if (h != null) {
        long ms = parse(h);
        if (ms == 0) {
          return ServiceErrors.response(Problem.of(ProblemType.DEADLINE_EXCEEDED,
              "the caller's deadline passed before the request arrived"));
        }
        if (ms > 0 && (own <= 0 || ms < own)) {
          ctx.setRequestTimeout(TimeoutMode.SET_FROM_NOW, Duration.ofMillis(ms));
          deadline = now + ms * 1_000_000;
        }
      }
      if (deadline != Long.MAX_VALUE) ctx.setAttr(SERVING, deadline);
      return delegate.serve(ctx, req);
    }
  };

  /** Milliseconds, or -1 when the header is not a non-negative decimal number (then it is ignored). */
  static long parse(String h) {
    if (h.isEmpty() || h.length() > 12) return -1;
    long v = 0;
    for (int i = 0; i < h.length(); i++) {
      char c = h.charAt(i);
      if (c < '0' || c > '9') return -1;
      v = v * 10 + (c - '0');
    }
    return v;
  }
}
