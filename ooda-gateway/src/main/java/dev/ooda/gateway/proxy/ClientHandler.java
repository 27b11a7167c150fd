package dev.ooda.gateway.proxy;

import dev.ooda.gateway.server.ClientTimeouts;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayDeque;

/**
 * The end of a client connection (or of one HTTP/2 stream): runs one {@link Exchange} at a time and
 * holds pipelined requests until the one before them is answered.
 */
public final class ClientHandler extends ChannelInboundHandlerAdapter {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ClientHandler.class);
  private static final int MAX_PIPELINED = 64;
  private final Gateway gw;
  final boolean h2;
  /** Whether the client connection is TLS. */
  final boolean secure;
  private ChannelHandlerContext ctx;
  private OriginPool pool;
  /** The connection's head and idle timeouts; null on an HTTP/2 stream, where the connection keeps its own. */
  private ClientTimeouts timeouts;
  private String clientIp;
  private Exchange current;
  private ArrayDeque<Object> pipelined;

  public ClientHandler(Gateway gw, boolean h2, boolean secure) {
    this.gw = gw;
    this.h2 = h2;
    this.secure = secure;
  }

  Channel channel() {
    return ctx.channel();
  }

  OriginPool pool() {
    return pool;
  }

  String clientIp() {
    if (clientIp == null) {
      Channel ch = ctx.channel();
      SocketAddress a = (h2 && ch.parent() != null ? ch.parent() : ch).remoteAddress();
      clientIp = a instanceof InetSocketAddress i && i.getAddress() != null ? i.getAddress().getHostAddress() : String.valueOf(a);
    }
    return clientIp;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    this.pool = gw.pool(ctx.channel().eventLoop());
    this.timeouts = ctx.pipeline().get(ClientTimeouts.class);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if ((current != null && current.requestDone()) || (pipelined != null && !pipelined.isEmpty())) {
      if (pipelined == null) pipelined = new ArrayDeque<>();
      pipelined.add(msg);
      if (pipelined.size() >= MAX_PIPELINED) ctx.channel().config().setAutoRead(false);
      return;
    }
    dispatch(msg);
  }

  private void dispatch(Object msg) {
    if (msg instanceof HttpRequest req) {
      HttpContent body = null;
      boolean headOnly = false;
      if (msg instanceof FullHttpRequest full) {
        // Split into a head and a body so that the exchange sees one shape for every protocol.
        req = new DefaultHttpRequest(full.protocolVersion(), full.method(), full.uri(), full.headers());
        req.setDecoderResult(full.decoderResult());
        headOnly = !full.content().isReadable();
        body = new DefaultLastHttpContent(full.content(), full.trailingHeaders());
      }
      if (timeouts != null) timeouts.busy();
      Exchange e = new Exchange(gw, this, req, headOnly);
      current = e;
      e.start();
      if (body != null) e.requestContent(body);
    } else if (msg instanceof HttpContent c) {
      if (current != null) current.requestContent(c);
      else c.release();
    } else {
      ReferenceCountUtil.release(msg);
    }
  }

  /** Called when both the request and its answer are complete. */
  void exchangeDone(Exchange e, boolean keepAlive) {
    if (current != e) return;
    current = null;
    if (ctx.isRemoved()) return;
    Channel ch = ctx.channel();
    if (!keepAlive) {
      if (pipelined != null) {
        pipelined.forEach(ReferenceCountUtil::release);
        pipelined.clear();
      }
      // Closes once what was written before has gone out.
      if (!h2 && ch.isActive()) ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    if (!ch.config().isAutoRead()) ch.config().setAutoRead(true);
    while (pipelined != null && !pipelined.isEmpty() && (current == null || !current.requestDone())) {
      dispatch(pipelined.poll());
    }
    if (current == null && timeouts != null) timeouts.idle();
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    Exchange e = current;
    if (e != null) e.requestReadComplete();
    ctx.fireChannelReadComplete();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    Exchange e = current;
    if (e != null) e.clientWritabilityChanged(ctx.channel().isWritable());
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    Exchange e = current;
    current = null;
    if (e != null) e.clientClosed();
    if (pipelined != null) {
      pipelined.forEach(ReferenceCountUtil::release);
      pipelined.clear();
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (log.isDebugEnabled()) log.debug("client connection {} failed", ctx.channel(), cause);
    ctx.close();
  }
}
