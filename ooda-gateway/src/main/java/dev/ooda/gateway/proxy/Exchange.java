package dev.ooda.gateway.proxy;

import dev.ooda.gateway.observe.Tracing;
import dev.ooda.gateway.resilience.Endpoint;
import dev.ooda.gateway.resilience.EndpointPicker;
import dev.ooda.gateway.resilience.Origin;
import dev.ooda.gateway.routing.CompiledRoute;
import dev.ooda.gateway.routing.TargetRef;
import dev.ooda.gateway.server.Problems;
import dev.ooda.model.Problem;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One request through the gateway, from its head to the end of its answer: the event-loop state
 * machine that joins the stages. The {@link Inbound} stage decides where the request goes, the
 * {@link EndpointPicker} which instance takes each attempt, the {@link ReplayBuffer} keeps what a
 * retry or a mirror sends again, and the {@link Outbound} stage records the outcome. Everything here
 * runs on the client connection's event loop, and so does the origin connection it uses.
 */
final class Exchange implements OriginUser, Runnable {
  private final Gateway gw;
  private final ClientHandler client;
  private final Channel clientCh;
  private final HttpRequest request;
  private final InboundRequest in;
  private final boolean keepAlive;
  private final boolean upgrade;
  private final boolean headOnly;
  private final long startNanos = System.nanoTime();
  private final long startMillis = System.currentTimeMillis();
  /** When the first attempt at an origin began. */
  private long originStartNanos;

  private Endpoint endpoint;
  /** The instances the target chose among for the last attempt. */
  private Endpoint[] candidates;
  private Origin slot;
  private Origin lastTried;

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

  /** Body parts not yet sent, or kept for a retry; null until there are any. */
  private ReplayBuffer replay;
  /** The body copied for the mirror; null when the request is not mirrored. */
  private ReplayBuffer mirrorBody;
  private Channel originCh;
  private OriginHandler originHandler;
  private ScheduledFuture<?> timeout;
  /** The service this request waits for while it is at zero, and since when; null when not held. */
  private ColdStarts.Service held;
  private long heldNanos;
  private ScheduledFuture<?> holdTimeout;

  /**
   * @param headOnly the request is known to have no body (an HTTP/2 HEADERS frame that ended the stream)
   */
  Exchange(Gateway gw, ClientHandler client, HttpRequest request, boolean headOnly) {
    this.headOnly = headOnly;
    this.gw = gw;
    this.client = client;
    this.clientCh = client.channel();
    this.request = request;
    this.in = new InboundRequest(request, client.h2, gw.table(), gw.flags.current());
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
    Problem refused = gw.inbound.run(in);
    if (refused != null) {
      respond(refused, Inbound.closes(refused));
      return;
    }
    CompiledRoute route = in.route;
    if (route.stub != null) {
      respondStub(route.stub);
      return;
    }
    idempotent = isIdempotent(request.method());
    boolean hasBody = client.h2 ? !headOnly : HttpUtil.isTransferEncodingChunked(request) || in.contentLength > 0;
    prepareOriginRequest(hasBody);
    timeout = clientCh.eventLoop().schedule(this, route.timeoutNanos, TimeUnit.NANOSECONDS);
    route.budget.onRequest();
    if (route.mirror != null && !upgrade && ThreadLocalRandom.current().nextDouble() * 100 < route.mirrorPercent) {
      mirrorBody = new ReplayBuffer();
    }
    attempt();
  }

  private static boolean isIdempotent(HttpMethod m) {
    return m == HttpMethod.GET || m == HttpMethod.HEAD || m == HttpMethod.OPTIONS || m == HttpMethod.PUT
        || m == HttpMethod.DELETE || m == HttpMethod.TRACE;
  }

  /** Turns the client's request head into the origin's, in place. */
  private void prepareOriginRequest(boolean hasBody) {
    CompiledRoute route = in.route;
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
    // Identity headers come from the gateway only: whatever a client sent is dropped, never passed on.
    h.remove(dev.ooda.model.Headers.TOKEN);
    h.remove(dev.ooda.model.Headers.SUBJECT);
    h.set(dev.ooda.model.Headers.CALLER, gw.edge.service());
    if (in.target.service != null) {
      String token = gw.edge.tokens().token(in.target.service);
      if (token != null) h.set(dev.ooda.model.Headers.TOKEN, token);
    }
    if (in.subject != null) h.set(dev.ooda.model.Headers.SUBJECT, in.subject);
    // An API key is the gateway's business: the origin never sees it.
    if (route.apiKeys != null) h.remove(RouteAuthCheck.X_API_KEY);
    if (in.apiKeyInAuthorization) h.remove(HttpHeaderNames.AUTHORIZATION);
    for (var name : route.removeHeaders) h.remove(name);
    for (int i = 0; i < route.setHeaderNames.length; i++) h.set(route.setHeaderNames[i], route.setHeaderValues[i]);
    Tracing.inject(h, in.trace);
    request.setProtocolVersion(HttpVersion.HTTP_1_1);
    String uri = in.uri();
    if (route.rewritesPath()) {
      String q = in.rawQuery();
      uri = route.rewritePath(in.path()) + (q == null ? "" : "?" + q);
    }
    request.setUri(uri);
  }

  // ---------------------------------------------------------------- attempts

  private void attempt() {
    if (finished) return;
    if (attempts++ == 0) originStartNanos = System.nanoTime();
    Endpoint ep = acquire();
    if (ep == null) return;
    endpoint = ep;
    slot = ep.origin();
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

  /** An endpoint with a request slot taken, or null after answering why there is none. */
  private Endpoint acquire() {
    TargetRef target = in.target;
    Endpoint[] eps = gw.candidates(target, in.pinned);
    candidates = eps;
    ColdStarts.Service cold = attempts == 1 ? gw.cold.of(target.service) : null;
    if (cold != null && heldNanos == 0) cold.lastRequest = startMillis;
    if (eps.length == 0) {
      if (cold != null && hold(cold)) return null;
      if (cold != null) {
        respond(Problems.unavailable("service '" + target.service + "' is starting from zero and already holds "
            + ColdStarts.MAX_HELD + " requests"), false);
        return null;
      }
      respond(Problems.noInstances(target.service, target.version != null ? target.version : in.pinned), false);
      return null;
    }
    // Series per pinned version only for versions that have instances: a client cannot make new
    // series by sending made-up versions.
    if (in.pinned != null && target.fixed == null) in.meters = in.route.meters(target, in.pinned);
    long now = System.nanoTime();
    Endpoint ep = EndpointPicker.pick(eps, lastTried, gw.limits, now);
    if (ep == null) {
      Problem p = EndpointPicker.none(target.fixed != null ? target.label : "service '" + target.service + "'", eps, gw.limits, now);
      if (p.type().endsWith(":overloaded")) gw.shed.increment();
      respond(p, false);
    }
    return ep;
  }

  /**
   * Holds the request for a service at zero: the route's timeout waits, the hold's own runs, and
   * {@link #resume} tries again once the service has instances.
   */
  private boolean hold(ColdStarts.Service s) {
    if (!gw.cold.hold(s, this)) return false;
    held = s;
    if (heldNanos == 0) heldNanos = System.nanoTime();
    if (timeout != null) timeout.cancel(false);
    if (holdTimeout == null) holdTimeout = clientCh.eventLoop().schedule(this::holdExpired, gw.cold.holdNanos(), TimeUnit.NANOSECONDS);
    return true;
  }

  /** The held service has instances: try again on this request's event loop. */
  void resume() {
    clientCh.eventLoop().execute(() -> {
      if (finished || held == null) return;
      held = null;
      if (holdTimeout != null) holdTimeout.cancel(false);
      holdTimeout = null;
      timeout = clientCh.eventLoop().schedule(this, in.route.timeoutNanos, TimeUnit.NANOSECONDS);
      attempts = 0;
      attempt();
    });
  }

  private void holdExpired() {
    if (finished || held == null) return;
    gw.cold.forget(held, this);
    String service = held.name;
    held = null;
    respond(Problems.unavailable("service '" + service + "' is at zero and no instance of it was ready within "
        + TimeUnit.NANOSECONDS.toMillis(gw.cold.holdNanos()) + " ms; the supervisor was asked to start one"), false);
  }

  /** Counts a failure against the endpoint last tried, which may eject it from {@link #candidates}. */
  private void countFailure() {
    if (endpoint.origin().failed(System.nanoTime(), gw.limits, candidates)) gw.ejections.increment();
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
    // An empty end of the body is not kept for a retry: it is written again here.
    boolean endAgain = requestDone && (replay == null || !replay.ended());
    if (replay != null) replay.writeTo(ch, keepForReplay());
    if (endAgain) ch.write(LastHttpContent.EMPTY_LAST_CONTENT, ch.voidPromise());
    ch.flush();
    if (!ch.isWritable()) clientCh.config().setAutoRead(false);
    else if (!clientCh.config().isAutoRead() && !requestDone) clientCh.config().setAutoRead(true);
  }

  /** Whether what was sent must be kept to send again: only idempotent requests are retried after sending. */
  private boolean keepForReplay() {
    return idempotent && replayable && attempts <= in.route.retries;
  }

  private void failed(String detail, boolean beforeSend) {
    releaseSlot();
    countFailure();
    if (responseStarted) {
      error = detail;
      clientCh.close();
      finish();
      return;
    }
    CompiledRoute route = in.route;
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
    if (c.decoderResult().isFailure()) {
      // A broken chunk: the decoder reads nothing more from this connection, so it closes after the answer.
      c.release();
      requestDone = true;
      closeAfter = true;
      if (finished) client.exchangeDone(this, false);
      else respond(Problems.badRequest("malformed chunked request body"), true);
      return;
    }
    int n = c.content().readableBytes();
    bytesIn += n;
    boolean last = c instanceof LastHttpContent;
    if (finished || responseDone || in.route == null || in.route.stub != null) {
      c.release();
      if (last) {
        requestDone = true;
        if (finished) client.exchangeDone(this, keepAlive && !closeAfter);
      }
      return;
    }
    if (bytesIn > gw.options.maxBodySize()) {
      c.release();
      respond(BodyLengthCheck.tooLarge(gw.options.maxBodySize()), true);
      return;
    }
    if (last) requestDone = true;
    if (mirrorBody != null) {
      if (mirrorBody.fits(n)) {
        mirrorBody.add(c.retainedDuplicate());
      } else {
        mirrorBody.release();
        mirrorBody = null;
      }
    }
    if (originCh != null) {
      if (keepForReplay() && !(last && n == 0 && ((LastHttpContent) c).trailingHeaders().isEmpty())) {
        if (replay == null) replay = new ReplayBuffer();
        if (replay.fits(n)) {
          replay.add(c.retainedDuplicate());
        } else {
          replayable = false;
          replay.release();
        }
      }
      originCh.write(c, originCh.voidPromise());
      if (last) originCh.flush();
      if (!originCh.isWritable()) clientCh.config().setAutoRead(false);
    } else {
      // No origin connection yet: the body waits, and reading stops once it is past what a retry may resend.
      if (replay == null) replay = new ReplayBuffer();
      replay.add(c);
      if (replay.bytes() > ReplayBuffer.LIMIT) {
        replayable = false;
        clientCh.config().setAutoRead(false);
      }
    }
    if (last && mirrorBody != null) sendMirror();
  }

  void requestReadComplete() {
    if (originCh != null) originCh.flush();
  }

  private void releaseBuffers() {
    if (replay != null) replay.release();
    if (mirrorBody != null) {
      mirrorBody.release();
      mirrorBody = null;
    }
  }

  private void sendMirror() {
    ReplayBuffer body = mirrorBody;
    mirrorBody = null;
    if (Mirror.send(gw, client.pool(), in.route, request, body)) gw.mirrored.increment();
  }

  // ---------------------------------------------------------------- response

  @Override
  public void originRead(Object msg) {
    if (msg instanceof HttpObject o && o.decoderResult().isFailure()) {
      ReferenceCountUtil.release(msg);
      Channel ch = originCh;
      originCh = null;
      originHandler.exchange = null;
      ch.close();
      failed(describe(endpoint) + " sent a malformed answer", false);
      return;
    }
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
    } else if (msg instanceof io.netty.buffer.ByteBuf b) {
      b.release();
    }
  }

  private void respondFromOrigin(HttpResponse res) {
    responseStarted = true;
    status = res.status().code();
    if (heldNanos != 0) {
      ColdStarts.Service cs = gw.cold.of(in.target.service);
      if (cs != null) gw.cold.coldStart(cs, System.nanoTime() - heldNanos);
    }
    if (replay != null) replay.release();
    originKeepAlive = HttpUtil.isKeepAlive(res);
    HttpHeaders h = res.headers();
    Headers.stripHopByHop(h, false);
    boolean bodyless = request.method() == HttpMethod.HEAD || status == 204 || status == 304;
    if (!client.h2) {
      if (!bodyless && !h.contains(HttpHeaderNames.CONTENT_LENGTH)) {
        if (in.http10) closeAfter = true;
        else h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
      }
      if (!keepAlive || closeAfter || !requestDone) {
        closeAfter = true;
        h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      } else if (in.http10) {
        h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
      }
    }
    if (in.setCookie != null) h.add(HttpHeaderNames.SET_COOKIE, in.setCookie);
    if (in.target.service != null) {
      // RFC 9745 and RFC 8594, for operations the service's contract deprecates.
      var notice = gw.notices().find(in.target.service, endpoint == null ? null : endpoint.version(),
          request.method().name(), request.uri());
      if (notice != null) {
        h.set("Deprecation", notice.deprecation());
        if (notice.sunset() != null) h.set("Sunset", notice.sunset());
      }
    }
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
    Origin o = endpoint.origin();
    if (status >= 500) countFailure();
    else o.succeeded();
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
    if (replay != null) replay.release();
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

  /** The route's timeout: scheduled as the exchange itself, so that a request allocates no task for it. */
  @Override
  public void run() {
    if (finished) return;
    long millis = TimeUnit.NANOSECONDS.toMillis(in.route.timeoutNanos);
    error = "timed out after " + millis + " ms";
    if (closeOrigin()) countFailure();
    releaseSlot();
    if (responseStarted) {
      clientCh.close();
      finish();
    } else {
      respond(Problems.timeout("route '" + in.route.name + "' got no answer within " + millis + " ms"), true);
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
    releaseBuffers();
    closeOrigin();
    releaseSlot();
    closeAfter |= close || !keepAlive;
    if (!client.h2) {
      if (closeAfter) res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      else if (in.http10) res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
    }
    ChannelFuture f = clientCh.writeAndFlush(res);
    if (closeAfter && !client.h2) f.addListener(ChannelFutureListener.CLOSE);
    finish();
  }

  private void finish() {
    if (finished) return;
    finished = true;
    if (timeout != null) timeout.cancel(false);
    if (holdTimeout != null) holdTimeout.cancel(false);
    if (held != null) gw.cold.forget(held, this);
    releaseSlot();
    releaseBuffers();
    if (inFlightCounted) gw.inFlight.decrementAndGet();
    gw.outbound.finished(in, endpoint, client.clientIp(), startMillis, System.nanoTime() - startNanos,
        originStartNanos - startNanos, status, bytesIn, bytesOut, error);
    if (requestDone) client.exchangeDone(this, keepAlive && !closeAfter);
  }
}
