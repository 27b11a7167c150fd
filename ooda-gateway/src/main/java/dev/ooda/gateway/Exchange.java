package dev.ooda.gateway;

import dev.ooda.model.AccessLogLine;
import dev.ooda.model.Problem;
import dev.ooda.model.ProblemType;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.URI;
import java.util.ArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One request through the gateway, from its head to the end of its answer. Everything here runs
 * on the client connection's event loop, and so does the origin connection it uses.
 */
final class Exchange implements OriginUser {
  /** Request bodies up to this size are kept until the answer starts, so that a retry can resend them. */
  static final int REPLAY_LIMIT = 64 * 1024;

  private final Gateway gw;
  private final ClientHandler client;
  private final Channel clientCh;
  private final HttpRequest request;
  private final HttpMethod method;
  private final String originalUri;
  private final boolean keepAlive;
  private final boolean http10;
  private final boolean upgrade;
  private final boolean headOnly;
  private final long startNanos = System.nanoTime();
  private final long startMillis = System.currentTimeMillis();

  private CompiledRoute route;
  private TargetRef target;
  private String pinned;
  private TargetMeters meters;
  private Endpoint endpoint;
  private Origin slot;
  private Origin lastTried;
  private Tracing.Context trace;
  private String setCookie;
  private String path;

  private boolean inFlightCounted;
  private boolean idempotent;
  private boolean replayable = true;
  private boolean requestDone;
  private boolean responseStarted;
  private boolean responseDone;
  private boolean finished;
  private boolean skipInformational;
  private boolean closeAfter;
  private boolean originKeepAlive;
  private int attempts;
  private long bytesIn;
  private long bytesOut;
  private int status;
  private String error;

  private ArrayList<HttpContent> held;
  private long heldBytes;
  private ArrayList<ByteBuf> mirrorBody;
  private long mirrorBytes;
  private Channel originCh;
  private OriginHandler originHandler;
  private ScheduledFuture<?> timeout;

  /**
   * @param headOnly the request is known to have no body (an HTTP/2 HEADERS frame that ended the stream)
   */
  Exchange(Gateway gw, ClientHandler client, HttpRequest request, boolean headOnly) {
    this.headOnly = headOnly;
    this.gw = gw;
    this.client = client;
    this.clientCh = client.channel();
    this.request = request;
    this.method = request.method();
    this.originalUri = request.uri();
    this.http10 = request.protocolVersion().equals(HttpVersion.HTTP_1_0);
    this.keepAlive = client.h2 || HttpUtil.isKeepAlive(request);
    this.upgrade = !client.h2 && Headers.isUpgrade(request.headers());
  }

  boolean requestDone() {
    return requestDone;
  }

  // ---------------------------------------------------------------- request head

  void start() {
    inFlightCounted = true;
    if (gw.inFlight.incrementAndGet() > gw.limits.maxInFlight()) {
      gw.shed.increment();
      respond(Problems.overloaded("the gateway has " + gw.limits.maxInFlight() + " requests in flight"), false);
      return;
    }
    DecoderResult dr = request.decoderResult();
    if (dr.isFailure()) {
      Throwable c = dr.cause();
      Problem p = c instanceof TooLongHttpLineException ? Problem.of(ProblemType.URI_TOO_LONG, "the request line is too long")
          : c instanceof TooLongHttpHeaderException ? Problem.of(ProblemType.HEADERS_TOO_LARGE,
              "request headers are larger than " + gw.options.maxHeaderSize() + " bytes")
          : c instanceof TooLongFrameException ? Problems.badRequest("a part of the request is too long")
          : Problems.badRequest("malformed HTTP request");
      respond(p, true);
      return;
    }
    String uri = originalUri;
    if (uri.startsWith("http://") || uri.startsWith("https://")) {
      try {
        URI u = new URI(uri);
        uri = (u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath())
            + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
      } catch (Exception e) {
        respond(Problems.badRequest("the request target is not a valid URI"), true);
        return;
      }
    }
    String bad = Headers.badTarget(uri);
    if (bad != null) {
      respond(Problems.badRequest(bad), true);
      return;
    }
    HttpHeaders h = request.headers();
    if (!client.h2 && !http10 && !h.contains(HttpHeaderNames.HOST)) {
      respond(Problems.badRequest("HTTP/1.1 requests need a Host header"), true);
      return;
    }
    long length;
    try {
      length = HttpUtil.getContentLength(request, -1L);
    } catch (NumberFormatException e) {
      respond(Problems.badRequest("Content-Length is not a number"), true);
      return;
    }
    if (length > gw.options.maxBodySize()) {
      respond(Problem.tooLarge("the request body is larger than " + gw.options.maxBodySize() + " bytes"), true);
      return;
    }
    NettyRequestView view = new NettyRequestView(request, uri);
    path = view.path();
    route = gw.table().match(view);
    if (route == null) {
      respond(Problems.noRoute(method.name(), path), false);
      return;
    }
    trace = Tracing.extract(h, route.sampleRate);
    if (route.stub != null) {
      meters = route.stubMeters;
      respondStub(route.stub);
      return;
    }
    pinned = route.pinnable ? h.get(route.versionHeader) : null;
    Split split = pinned == null ? route.split : route.splitFor(pinned);
    if (split == null) {
      respond(Problems.noVersion(route.name, pinned), false);
      return;
    }
    target = split.single() ? split.targets[0] : split.pick(bucket(view));
    meters = target.meters;
    idempotent = isIdempotent(method);
    boolean hasBody = client.h2 ? !headOnly : HttpUtil.isTransferEncodingChunked(request) || length > 0;
    prepareOriginRequest(uri, view, hasBody);
    timeout = clientCh.eventLoop().schedule(this::onTimeout, route.timeoutNanos, TimeUnit.NANOSECONDS);
    route.budget.onRequest();
    if (route.mirror != null && !upgrade && ThreadLocalRandom.current().nextDouble() * 100 < route.mirrorPercent) {
      mirrorBody = new ArrayList<>(2);
    }
    attempt();
  }

  private static boolean isIdempotent(HttpMethod m) {
    return m == HttpMethod.GET || m == HttpMethod.HEAD || m == HttpMethod.OPTIONS || m == HttpMethod.PUT
        || m == HttpMethod.DELETE || m == HttpMethod.TRACE;
  }

  /** The user's bucket: from the sticky key, else from the gateway's cookie, else a new one the cookie keeps. */
  private int bucket(NettyRequestView view) {
    String key = route.stickyCookie != null ? view.cookie(route.stickyCookie)
        : route.stickyHeader != null ? view.header(route.stickyHeader) : null;
    if (key != null && !key.isEmpty()) return Split.bucketOf(key);
    String kept = view.cookie(route.bucketCookie);
    if (kept != null) {
      try {
        int b = Integer.parseInt(kept);
        if (b >= 0 && b < Split.BUCKETS) return b;
      } catch (NumberFormatException ignored) {
        // a new bucket below
      }
    }
    int b = ThreadLocalRandom.current().nextInt(Split.BUCKETS);
    setCookie = route.bucketCookie + "=" + b + "; Path=/; Max-Age=2592000; HttpOnly; SameSite=Lax";
    return b;
  }

  /** Turns the client's request head into the origin's, in place. */
  private void prepareOriginRequest(String uri, NettyRequestView view, boolean hasBody) {
    HttpHeaders h = request.headers();
    String host = h.get(HttpHeaderNames.HOST);
    Headers.stripHopByHop(h, upgrade);
    if (client.h2) Headers.stripHttp2Extensions(h);
    h.remove(HttpHeaderNames.EXPECT);
    if (hasBody && !h.contains(HttpHeaderNames.CONTENT_LENGTH)) h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    String xff = h.get(Headers.X_FORWARDED_FOR);
    String ip = client.clientIp();
    h.set(Headers.X_FORWARDED_FOR, xff == null ? ip : xff + ", " + ip);
    if (!h.contains(Headers.X_FORWARDED_PROTO)) h.set(Headers.X_FORWARDED_PROTO, client.secure ? "https" : "http");
    if (host != null && !h.contains(Headers.X_FORWARDED_HOST)) h.set(Headers.X_FORWARDED_HOST, host);
    for (var name : route.removeHeaders) h.remove(name);
    for (int i = 0; i < route.setHeaderNames.length; i++) h.set(route.setHeaderNames[i], route.setHeaderValues[i]);
    Tracing.inject(h, trace);
    request.setProtocolVersion(HttpVersion.HTTP_1_1);
    if (route.rewritesPath()) {
      String q = view.rawQuery();
      uri = route.rewritePath(path) + (q == null ? "" : "?" + q);
    }
    request.setUri(uri);
  }

  // ---------------------------------------------------------------- attempts

  private void attempt() {
    if (finished) return;
    attempts++;
    Endpoint ep = target.fixed != null ? acquireFixed(target.fixed) : pick();
    if (ep == null) return;
    endpoint = ep;
    lastTried = ep.origin();
    Channel ch = client.pool().poll(ep.origin());
    if (ch != null) {
      attach(ch);
      return;
    }
    ChannelFuture f = client.pool().connect(ep.origin());
    if (f.isDone()) connected(f);
    else f.addListener((ChannelFutureListener) this::connected);
  }

  private Endpoint acquireFixed(Endpoint e) {
    long now = System.nanoTime();
    if (!e.origin().available(now)) {
      respond(Problems.unavailable(e.id() + " is ejected after failing " + gw.limits.consecutiveFailures() + " times in a row"), false);
      return null;
    }
    if (!e.origin().tryAcquire(gw.limits.maxConcurrent())) {
      gw.shed.increment();
      respond(Problems.overloaded(e.id() + " has " + gw.limits.maxConcurrent() + " requests in flight"), false);
      return null;
    }
    slot = e.origin();
    return e;
  }

  /** Power of two choices by requests in flight, among instances that are not ejected or full. */
  private Endpoint pick() {
    ServiceEndpoints se = gw.service(target.service);
    String version = target.version != null ? target.version : pinned;
    Endpoint[] eps = se == null ? ServiceEndpoints.NONE : se.version(version);
    int n = eps.length;
    if (n == 0) {
      respond(Problems.noInstances(target.service, version), false);
      return null;
    }
    // Series per pinned version only for versions that have instances: a client cannot make new
    // series by sending made-up versions.
    if (pinned != null) meters = route.meters(target, pinned);
    long now = System.nanoTime();
    int limit = gw.limits.maxConcurrent();
    ThreadLocalRandom r = ThreadLocalRandom.current();
    int ia = r.nextInt(n);
    Endpoint a = eps[ia];
    Endpoint b = n == 1 ? a : eps[(ia + 1 + r.nextInt(n - 1)) % n];
    if (b.origin().inFlight() < a.origin().inFlight()) {
      Endpoint t = a;
      a = b;
      b = t;
    }
    for (int pass = 0; pass < 2; pass++) {
      Origin avoid = pass == 0 ? lastTried : null;
      if (usable(a, now, avoid) && a.origin().tryAcquire(limit)) return take(a);
      if (b != a && usable(b, now, avoid) && b.origin().tryAcquire(limit)) return take(b);
      for (int i = 0; i < n; i++) {
        Endpoint e = eps[(ia + i) % n];
        if (usable(e, now, avoid) && e.origin().tryAcquire(limit)) return take(e);
      }
      if (lastTried == null) break;
    }
    int ejected = 0;
    for (Endpoint e : eps) if (!e.origin().available(now)) ejected++;
    if (ejected == n) {
      respond(Problems.unavailable("all " + n + " instances of service '" + target.service
          + "' are ejected after consecutive failures"), false);
    } else {
      gw.shed.increment();
      respond(Problems.overloaded("every instance of service '" + target.service + "' has "
          + limit + " requests in flight"), false);
    }
    return null;
  }

  private static boolean usable(Endpoint e, long now, Origin avoid) {
    return e.origin() != avoid && e.origin().available(now);
  }

  private Endpoint take(Endpoint e) {
    slot = e.origin();
    return e;
  }

  private void releaseSlot() {
    if (slot != null) {
      slot.release();
      slot = null;
    }
  }

  private void connected(ChannelFuture f) {
    if (finished) {
      if (f.isSuccess()) client.pool().offer(endpoint.origin(), f.channel());
      return;
    }
    if (!f.isSuccess()) {
      failed("cannot connect to " + describe(endpoint) + ": " + message(f.cause()), true);
      return;
    }
    attach(f.channel());
  }

  private void attach(Channel ch) {
    originCh = ch;
    originHandler = ch.pipeline().get(OriginHandler.class);
    originHandler.exchange = this;
    originHandler.origin = endpoint.origin();
    ch.config().setAutoRead(true);
    request.headers().set(HttpHeaderNames.HOST, endpoint.origin().authority);
    ch.write(request, ch.voidPromise());
    boolean keep = keepForReplay();
    if (held != null) {
      for (HttpContent c : held) ch.write(keep ? c.retainedDuplicate() : c, ch.voidPromise());
      if (!keep) {
        held = null;
        heldBytes = 0;
      }
    }
    ch.flush();
    if (!ch.isWritable()) clientCh.config().setAutoRead(false);
    else if (!clientCh.config().isAutoRead() && !requestDone) clientCh.config().setAutoRead(true);
  }

  /** Whether what was sent must be kept to send again: only idempotent requests are retried after sending. */
  private boolean keepForReplay() {
    return idempotent && replayable && attempts <= route.retries;
  }

  private void failed(String detail, boolean beforeSend) {
    long now = System.nanoTime();
    Origin o = endpoint.origin();
    releaseSlot();
    if (o.failed(now, gw.limits)) gw.ejections.increment();
    if (responseStarted) {
      error = detail;
      clientCh.close();
      finish();
      return;
    }
    boolean retryable = beforeSend || (idempotent && replayable);
    if (retryable && !finished && attempts <= route.retries && route.budget.tryRetry()) {
      gw.retries.increment();
      long base = route.backoffNanos << Math.min(attempts - 1, 10);
      long delay = base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
      clientCh.eventLoop().schedule(this::attempt, delay, TimeUnit.NANOSECONDS);
      return;
    }
    error = detail;
    respond(Problems.badGateway(detail), false);
  }

  private static String describe(Endpoint e) {
    return e.service() == null ? e.id() : "instance " + e.id() + " of service '" + e.service() + "' at " + e.origin().authority;
  }

  /** What went wrong, for a problem's detail: words, never exception class names. */
  private static String message(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof javax.net.ssl.SSLException) return "TLS handshake failed";
      if (c instanceof io.netty.channel.ConnectTimeoutException) return "connect timed out";
      if (c instanceof java.net.ConnectException) return "connection refused";
    }
    if (t == null || t instanceof java.nio.channels.ClosedChannelException) return "connection closed";
    String m = t.getMessage();
    if (t instanceof java.io.IOException && m != null && !m.contains("Exception")) {
      int colon = m.lastIndexOf(": ");
      return colon >= 0 ? m.substring(colon + 2) : m;
    }
    return "connection failed";
  }

  // ---------------------------------------------------------------- request body

  void requestContent(HttpContent c) {
    int n = c.content().readableBytes();
    bytesIn += n;
    boolean last = c instanceof LastHttpContent;
    if (finished || responseDone || route == null || route.stub != null) {
      c.release();
      if (last) {
        requestDone = true;
        if (finished) client.exchangeDone(this, keepAlive && !closeAfter);
      }
      return;
    }
    if (bytesIn > gw.options.maxBodySize()) {
      c.release();
      respond(Problem.tooLarge("the request body is larger than " + gw.options.maxBodySize() + " bytes"), true);
      return;
    }
    if (last) requestDone = true;
    if (mirrorBody != null) {
      if (mirrorBytes + n <= REPLAY_LIMIT) {
        mirrorBody.add(c.content().retainedDuplicate());
        mirrorBytes += n;
      } else {
        releaseMirror();
      }
    }
    if (originCh != null) {
      if (keepForReplay()) {
        if (heldBytes + n <= REPLAY_LIMIT) {
          if (held == null) held = new ArrayList<>(4);
          held.add(c.retainedDuplicate());
          heldBytes += n;
        } else {
          replayable = false;
          releaseHeld();
        }
      }
      originCh.write(c, originCh.voidPromise());
      if (last) originCh.flush();
      if (!originCh.isWritable()) clientCh.config().setAutoRead(false);
    } else {
      if (held == null) held = new ArrayList<>(4);
      held.add(c);
      heldBytes += n;
      if (heldBytes > REPLAY_LIMIT) {
        replayable = false;
        clientCh.config().setAutoRead(false);
      }
    }
    if (last && mirrorBody != null) sendMirror();
  }

  void requestReadComplete() {
    if (originCh != null) originCh.flush();
  }

  private void releaseHeld() {
    if (held != null) {
      held.forEach(ReferenceCountUtil::release);
      held = null;
      heldBytes = 0;
    }
  }

  private void releaseMirror() {
    if (mirrorBody != null) {
      mirrorBody.forEach(ReferenceCountUtil::release);
      mirrorBody = null;
    }
  }

  private void sendMirror() {
    ArrayList<ByteBuf> body = mirrorBody;
    mirrorBody = null;
    if (Mirror.send(gw, client.pool(), route, request, body)) gw.mirrored.increment();
  }

  // ---------------------------------------------------------------- response

  @Override
  public void originRead(Object msg) {
    if (msg instanceof HttpResponse res) {
      int code = res.status().code();
      if (code == 101 && upgrade) {
        upgraded(res);
        return;
      }
      if (code < 200) {
        // 100 Continue was answered by the gateway itself; other interim answers are dropped.
        skipInformational = true;
        ReferenceCountUtil.release(msg);
        return;
      }
      respondFromOrigin(res);
      if (!(msg instanceof HttpContent)) return;
    }
    if (msg instanceof HttpContent c) {
      if (skipInformational) {
        c.release();
        if (c instanceof LastHttpContent) skipInformational = false;
        return;
      }
      if (!responseStarted || responseDone) {
        c.release();
        return;
      }
      bytesOut += c.content().readableBytes();
      if (c instanceof LastHttpContent) {
        responseDone = true;
        if (!keepAlive || closeAfter) {
          clientCh.writeAndFlush(c).addListener(ChannelFutureListener.CLOSE);
        } else {
          clientCh.write(c, clientCh.voidPromise());
          clientCh.flush();
        }
        originDone();
        finish();
      } else {
        clientCh.write(c, clientCh.voidPromise());
        if (!clientCh.isWritable() && originCh != null) originCh.config().setAutoRead(false);
      }
    } else if (msg instanceof ByteBuf b) {
      b.release();
    }
  }

  private void respondFromOrigin(HttpResponse res) {
    responseStarted = true;
    status = res.status().code();
    releaseHeld();
    originKeepAlive = HttpUtil.isKeepAlive(res);
    HttpHeaders h = res.headers();
    Headers.stripHopByHop(h, false);
    boolean bodyless = method == HttpMethod.HEAD || status == 204 || status == 304;
    if (!client.h2) {
      if (!bodyless && !h.contains(HttpHeaderNames.CONTENT_LENGTH)) {
        if (http10) closeAfter = true;
        else h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
      }
      if (!keepAlive || closeAfter || !requestDone) {
        closeAfter = true;
        h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      } else if (http10) {
        h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
      }
    }
    if (setCookie != null) h.add(HttpHeaderNames.SET_COOKIE, setCookie);
    res.setProtocolVersion(HttpVersion.HTTP_1_1);
    clientCh.write(res, clientCh.voidPromise());
  }

  @Override
  public void originReadComplete() {
    clientCh.flush();
  }

  @Override
  public void originWritabilityChanged(boolean writable) {
    if (!requestDone) clientCh.config().setAutoRead(writable);
  }

  void clientWritabilityChanged(boolean writable) {
    if (originCh != null) originCh.config().setAutoRead(writable);
  }

  /** The answer ended cleanly: the connection goes back to its pool when it can carry another request. */
  private void originDone() {
    Channel ch = originCh;
    originCh = null;
    if (ch == null) return;
    originHandler.exchange = null;
    long now = System.nanoTime();
    Origin o = endpoint.origin();
    if (status >= 500) {
      if (o.failed(now, gw.limits)) gw.ejections.increment();
    } else {
      o.succeeded();
    }
    releaseSlot();
    if (originKeepAlive && requestDone && ch.isActive()) client.pool().offer(o, ch);
    else ch.close();
  }

  @Override
  public void originClosed(Throwable cause) {
    if (finished || originCh == null) return;
    originCh = null;
    originHandler = null;
    failed(describe(endpoint) + " closed the connection" + (cause == null ? "" : ": " + message(cause)), false);
  }

  private void upgraded(HttpResponse res) {
    responseStarted = responseDone = true;
    status = 101;
    releaseHeld();
    Channel o = originCh;
    originCh = null;
    originHandler.exchange = null;
    endpoint.origin().succeeded();
    releaseSlot();
    clientCh.writeAndFlush(res);
    Splice.join(clientCh, o);
    requestDone = true;
    finish();
  }

  // ---------------------------------------------------------------- endings

  private void onTimeout() {
    if (finished) return;
    error = "timed out after " + TimeUnit.NANOSECONDS.toMillis(route.timeoutNanos) + " ms";
    if (closeOrigin()) {
      if (endpoint.origin().failed(System.nanoTime(), gw.limits)) gw.ejections.increment();
    }
    releaseSlot();
    if (responseStarted) {
      clientCh.close();
      finish();
    } else {
      respond(Problems.timeout("route '" + route.name + "' got no answer within "
          + TimeUnit.NANOSECONDS.toMillis(route.timeoutNanos) + " ms"), true);
    }
  }

  void clientClosed() {
    if (finished) return;
    if (!responseDone) {
      error = "client closed the connection";
      if (!responseStarted) status = 499;
    }
    closeOrigin();
    releaseSlot();
    finish();
  }

  /** Abandons the origin connection of this exchange, if any: it is closed, not pooled. */
  private boolean closeOrigin() {
    Channel ch = originCh;
    if (ch == null) return false;
    originCh = null;
    originHandler.exchange = null;
    ch.close();
    return true;
  }

  private void respond(Problem p, boolean close) {
    if (p.status() >= 500 && error == null) error = p.detail();
    respondLocal(Problems.response(clientCh.alloc(), p), close);
  }

  private void respondStub(CompiledRoute.Stub stub) {
    FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, stub.status, stub.body.duplicate(),
        stub.headers.copy(), io.netty.handler.codec.http.EmptyHttpHeaders.INSTANCE);
    respondLocal(res, false);
  }

  private void respondLocal(FullHttpResponse res, boolean close) {
    if (responseStarted) {
      res.release();
      clientCh.close();
      finish();
      return;
    }
    responseStarted = responseDone = true;
    status = res.status().code();
    bytesOut = res.content().readableBytes();
    releaseHeld();
    releaseMirror();
    closeOrigin();
    releaseSlot();
    closeAfter |= close || !keepAlive;
    if (!client.h2) {
      if (closeAfter) res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      else if (http10) res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
    }
    ChannelFuture f = clientCh.writeAndFlush(res);
    if (closeAfter && !client.h2) f.addListener(ChannelFutureListener.CLOSE);
    finish();
  }

  private void finish() {
    if (finished) return;
    finished = true;
    if (timeout != null) timeout.cancel(false);
    releaseSlot();
    releaseHeld();
    releaseMirror();
    if (inFlightCounted) gw.inFlight.decrementAndGet();
    long nanos = System.nanoTime() - startNanos;
    (meters != null ? meters : gw.unrouted).record(status, nanos);
    String routeName = route == null ? null : route.name;
    if (gw.accessLog != null) {
      String service = target == null ? (route != null && route.stub != null ? "stub" : null)
          : target.service != null ? target.service : target.label;
      gw.accessLog.write(new AccessLogLine(startMillis, service, endpoint == null ? null : endpoint.id(),
          trace == null ? null : trace.traceId(), trace == null ? null : trace.spanId(), client.clientIp(),
          method.name(), routeName, status, nanos / 1e6, bytesIn, bytesOut, error));
    }
    if (trace != null && gw.tracing.reporting()) {
      gw.tracing.report(trace, method.name() + " " + routeName, startMillis * 1000, nanos / 1000, client.clientIp(),
          method.name(), path, status, routeName, target == null ? null : target.toString(), error);
    }
    if (requestDone) client.exchangeDone(this, keepAlive && !closeAfter);
  }
}
