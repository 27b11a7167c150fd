package dev.ooda.gateway.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Closes client connections that trickle a request head (slowloris) or sit idle between requests.
 * First in the pipeline, it sees raw bytes: the first byte after an idle spell starts a head, and
 * the client handler says when a head is complete and when the connection is idle again.
 *
 * <p>One check runs every quarter of the shorter timeout rather than a timer per request, so a
 * connection closes at most a quarter late and a request costs no scheduling. A connection that
 * left HTTP/1 (HTTP/2) is closed after the idle timeout without any bytes read.
 */
public final class ClientTimeouts extends ChannelInboundHandlerAdapter implements Runnable {
  private static final int IDLE = 0;
  private static final int HEAD = 1;
  private static final int BUSY = 2;

  private final long headNanos;
  private final long idleNanos;
  private final long tickNanos;
  private ChannelHandlerContext ctx;
  private ScheduledFuture<?> tick;
  private int state = IDLE;
  /** When the current state began. */
  private long since;
  private long lastRead;

  /**
   * @param requestHead how long a request head may take from its first byte
   * @param clientIdle  how long a connection may sit with no request in flight
   */
  public ClientTimeouts(Duration requestHead, Duration clientIdle) {
    this.headNanos = requestHead.toNanos();
    this.idleNanos = clientIdle.toNanos();
    this.tickNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(10), Math.min(headNanos, idleNanos) / 4);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    if (ctx.channel().isActive()) start();
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    start();
    ctx.fireChannelActive();
  }

  private void start() {
    if (tick != null) return;
    since = lastRead = System.nanoTime();
    tick = ctx.executor().schedule(this, tickNanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (state == IDLE) {
      state = HEAD;
      since = System.nanoTime();
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    lastRead = System.nanoTime();
    ctx.fireChannelReadComplete();
  }

  /** A request head is complete: no deadline while the request is served. */
  public void busy() {
    state = BUSY;
  }

  /** Every request is answered and none waits: the idle timeout runs from now. */
  public void idle() {
    state = IDLE;
    since = System.nanoTime();
  }

  @Override
  public void run() {
    if (ctx.isRemoved() || !ctx.channel().isActive()) return;
    long now = System.nanoTime();
    boolean expired;
    if (ctx.pipeline().get(HttpServerCodec.class) == null) {
      expired = now - lastRead >= idleNanos;
    } else {
      expired = state == HEAD ? now - since >= headNanos : state == IDLE && now - since >= idleNanos;
    }
    if (expired) ctx.close();
    else tick = ctx.executor().schedule(this, tickNanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (tick != null) tick.cancel(false);
    ctx.fireChannelInactive();
  }

  /** Removed when the connection becomes a spliced upgrade (WebSocket), which has no timeouts. */
  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (tick != null) tick.cancel(false);
  }
}
