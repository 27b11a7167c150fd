package dev.ooda.gateway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.buffer.Unpooled;
import io.netty.util.ReferenceCountUtil;

/** After a protocol upgrade (WebSocket), bytes pass through untouched both ways. */
final class Splice extends ChannelInboundHandlerAdapter {
  private final Channel peer;

  private Splice(Channel peer) {
    this.peer = peer;
  }

  /** Strips HTTP handling from both connections and joins them. */
  static void join(Channel client, Channel origin) {
    client.pipeline().addLast("splice", new Splice(origin));
    origin.pipeline().addLast("splice", new Splice(client));
    strip(client.pipeline());
    strip(origin.pipeline());
    client.config().setAutoRead(true);
    origin.config().setAutoRead(true);
  }

  private static void strip(ChannelPipeline p) {
    for (String name : p.names()) {
      ChannelHandler h = p.get(name);
      if (h != null && !(h instanceof Splice) && !(h instanceof io.netty.handler.ssl.SslHandler)) p.remove(h);
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf b) {
      peer.write(b, peer.voidPromise());
      if (!peer.isWritable()) ctx.channel().config().setAutoRead(false);
    } else {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    peer.flush();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    peer.config().setAutoRead(ctx.channel().isWritable());
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (peer.isActive()) peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
