package dev.ooda.gateway.proxy;

import dev.ooda.gateway.resilience.Origin;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;

/** The end of an origin connection: hands what the origin sends to the exchange that owns it. */
final class OriginHandler extends ChannelInboundHandlerAdapter {
  private final OriginPool pool;
  Origin origin;
  /** The exchange using this connection; null while pooled. */
  OriginUser exchange;

  OriginHandler(OriginPool pool) {
    this.pool = pool;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    OriginUser e = exchange;
    if (e != null) {
      e.originRead(msg);
    } else {
      // Nothing is expected on an idle connection: it cannot be reused safely.
      ReferenceCountUtil.release(msg);
      ctx.close();
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    OriginUser e = exchange;
    if (e != null) e.originReadComplete();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    OriginUser e = exchange;
    if (e != null) e.originWritabilityChanged(ctx.channel().isWritable());
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    OriginUser e = exchange;
    exchange = null;
    if (e != null) e.originClosed(null);
    else if (origin != null) pool.remove(origin, ctx.channel());
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    OriginUser e = exchange;
    exchange = null;
    if (e != null) e.originClosed(cause);
    ctx.close();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent && exchange == null) ctx.close();
    else ctx.fireUserEventTriggered(evt);
  }
}
