package dev.ooda.gateway.proxy;

import dev.ooda.gateway.resilience.Origin;
import dev.ooda.gateway.resilience.OriginLimits;
import dev.ooda.gateway.server.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.resolver.AddressResolverGroup;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.concurrent.TimeUnit;

/**
 * Keep-alive connections to origins, owned by one event loop: a request takes a connection of its
 * own loop, so it never changes thread and the pool needs no locks. Used only from its loop.
 */
final class OriginPool {
  /** Answers the gateway cannot frame with certainty are failures (502), never relayed. */
  private static final HttpDecoderConfig ORIGIN_DECODER = new HttpDecoderConfig()
      .setMaxInitialLineLength(4096)
      .setMaxHeaderSize(64 * 1024)
      .setMaxChunkSize(16 * 1024)
      .setStrictLineParsing(true)
      .setAllowDuplicateContentLengths(false)
      .setUseRfc9112TransferEncoding(true);

  private final HashMap<Origin, ArrayDeque<Channel>> idle = new HashMap<>();
  private final Bootstrap bootstrap;
  private final int maxIdle;
  private final SslContext tls;

  OriginPool(EventLoop loop, Transport transport, AddressResolverGroup<InetSocketAddress> resolvers, OriginLimits limits,
             SslContext tls) {
    this.tls = tls;
    this.maxIdle = limits.maxIdlePerLoop();
    long idleMillis = limits.idleTimeout().toMillis();
    OriginPool pool = this;
    this.bootstrap = new Bootstrap()
        .group(loop)
        .channel(transport.channel())
        .resolver(resolvers)
        .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.SO_KEEPALIVE, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) limits.connectTimeout().toMillis())
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline()
                // Reader idleness only: watching writes would cost a promise and a listener on every write.
                .addLast("idle", new IdleStateHandler(idleMillis, 0, 0, TimeUnit.MILLISECONDS))
                .addLast("codec", new HttpClientCodec(ORIGIN_DECODER, false, false))
                .addLast("origin", new OriginHandler(pool));
          }
        });
  }

  /** An idle connection to {@code origin}, or null. */
  Channel poll(Origin origin) {
    ArrayDeque<Channel> q = idle.get(origin);
    if (q == null) return null;
    Channel ch;
    while ((ch = q.pollLast()) != null) {
      if (ch.isActive()) return ch;
    }
    return null;
  }

  ChannelFuture connect(Origin origin) {
    if (!origin.tls) return bootstrap.connect(origin.address);
    // TLS names the origin (SNI, certificate check), so its connections get a bootstrap of their own.
    ChannelHandler plain = bootstrap.config().handler();
    return bootstrap.clone().handler(new ChannelInitializer<Channel>() {
      @Override
      protected void initChannel(Channel ch) {
        ch.pipeline().addLast("tls", tls.newHandler(ch.alloc(), origin.host, origin.port)).addLast(plain);
      }
    }).connect(origin.address);
  }

  /** Takes back a connection whose exchange ended cleanly. */
  void offer(Origin origin, Channel ch) {
    ArrayDeque<Channel> q = idle.computeIfAbsent(origin, o -> new ArrayDeque<>());
    if (q.size() >= maxIdle || !ch.isActive()) {
      ch.close();
      return;
    }
    q.addLast(ch);
  }

  void remove(Origin origin, Channel ch) {
    ArrayDeque<Channel> q = idle.get(origin);
    // Origins come and go with instances: when an origin's last idle connection closes, forget
    // its queue. Not in poll(), where the queue empties and refills on every request.
    if (q != null && q.remove(ch) && q.isEmpty()) idle.remove(origin);
  }

  void closeAll() {
    idle.values().forEach(q -> q.forEach(Channel::close));
    idle.clear();
  }
}
