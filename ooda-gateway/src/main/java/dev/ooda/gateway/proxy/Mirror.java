package dev.ooda.gateway.proxy;

import dev.ooda.gateway.resilience.Endpoint;
import dev.ooda.gateway.resilience.Origin;
import dev.ooda.gateway.routing.CompiledRoute;
import dev.ooda.gateway.routing.ServiceEndpoints;
import dev.ooda.gateway.routing.TargetRef;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A copy of a request sent to a shadow target. Its answer is read and dropped; it never waits on,
 * or delays, the real exchange, and it is skipped when the shadow has no free slot.
 */
final class Mirror implements OriginUser {
  static final AsciiString SHADOW = AsciiString.cached("x-ooda-shadow");
  private final Gateway gw;
  private final OriginPool pool;
  private final Origin origin;
  private final FullHttpRequest request;
  private final long timeoutNanos;
  private Channel ch;
  private boolean done;
  private boolean keepAlive;
  private ScheduledFuture<?> timeout;

  private Mirror(Gateway gw, OriginPool pool, Origin origin, FullHttpRequest request, long timeoutNanos) {
    this.gw = gw;
    this.pool = pool;
    this.origin = origin;
    this.request = request;
    this.timeoutNanos = timeoutNanos;
  }

  /** Sends a copy of {@code head} with {@code body} (released here) to the route's mirror; false when skipped. */
  static boolean send(Gateway gw, OriginPool pool, CompiledRoute route, HttpRequest head, ReplayBuffer body) {
    Endpoint e = pick(gw, route.mirror);
    if (e == null || !e.origin().tryAcquire(gw.limits.maxConcurrent())) {
      body.release();
      return false;
    }
    ByteBuf content = body.drain();
    FullHttpRequest copy = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, head.method(), head.uri(), content,
        head.headers().copy(), io.netty.handler.codec.http.EmptyHttpHeaders.INSTANCE);
    copy.headers().remove(HttpHeaderNames.TRANSFER_ENCODING);
    HttpUtil.setContentLength(copy, content.readableBytes());
    copy.headers().set(HttpHeaderNames.HOST, e.origin().authority);
    copy.headers().set(SHADOW, "true");
    // The copy carries the gateway's token for the mirror's service, not the primary target's.
    copy.headers().remove(dev.ooda.model.Headers.TOKEN);
    String token = route.mirror.service == null ? null : gw.edge.tokens().token(route.mirror.service);
    if (token != null) copy.headers().set(dev.ooda.model.Headers.TOKEN, token);
    new Mirror(gw, pool, e.origin(), copy, route.timeoutNanos).start();
    return true;
  }

  private static Endpoint pick(Gateway gw, TargetRef t) {
    if (t.fixed != null) return t.fixed;
    ServiceEndpoints se = gw.service(t.service);
    Endpoint[] eps = se == null ? ServiceEndpoints.NONE : se.version(t.version);
    if (eps.length == 0) return null;
    Endpoint e = eps[ThreadLocalRandom.current().nextInt(eps.length)];
    return e.origin().available(System.nanoTime()) ? e : null;
  }

  private void start() {
    Channel pooled = pool.poll(origin);
    if (pooled != null) {
      attach(pooled);
      return;
    }
    ChannelFuture f = pool.connect(origin);
    f.addListener((ChannelFutureListener) cf -> {
      if (cf.isSuccess()) attach(cf.channel());
      else end(false);
    });
  }

  private void attach(Channel c) {
    ch = c;
    OriginHandler h = c.pipeline().get(OriginHandler.class);
    h.exchange = this;
    h.origin = origin;
    c.config().setAutoRead(true);
    timeout = c.eventLoop().schedule(() -> end(false), timeoutNanos, TimeUnit.NANOSECONDS);
    c.writeAndFlush(request, c.voidPromise());
  }

  @Override
  public void originRead(Object msg) {
    if (msg instanceof HttpResponse r) keepAlive = HttpUtil.isKeepAlive(r);
    boolean last = msg instanceof LastHttpContent;
    ReferenceCountUtil.release(msg);
    if (last) end(keepAlive);
  }

  @Override
  public void originReadComplete() {}

  @Override
  public void originWritabilityChanged(boolean writable) {}

  @Override
  public void originClosed(Throwable cause) {
    ch = null;
    end(false);
  }

  private void end(boolean reuse) {
    if (done) return;
    done = true;
    if (timeout != null) timeout.cancel(false);
    origin.release();
    if (request.refCnt() > 0) request.release();
    Channel c = ch;
    ch = null;
    if (c != null) {
      c.pipeline().get(OriginHandler.class).exchange = null;
      if (reuse && c.isActive()) pool.offer(origin, c);
      else c.close();
    }
  }
}
