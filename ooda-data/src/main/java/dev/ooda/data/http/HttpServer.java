package dev.ooda.data.http;

import dev.ooda.data.access.NamespaceAccess;
import dev.ooda.model.Problem;
import dev.ooda.model.ProblemType;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data service's HTTP/1.1 server, on Netty directly like the gateway: whole requests are
 * routed on the event loop, and answers go back in the order the requests came on each
 * connection, whichever thread finishes them.
 */
public final class HttpServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);

  private final Router router;
  private final int maxRequestBytes;
  private final AccessLog accessLog;
  private final NamespaceAccess access;
  private final EventLoopGroup group;
  private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Channel server;
  private volatile boolean closing;

  /**
   * Binds {@code port} (0 for any free one) and starts serving.
   *
   * @param idleTimeout how long a connection with no request in flight stays open without traffic
   */
  HttpServer(int port, int maxRequestBytes, Duration idleTimeout, Router router, AccessLog accessLog) {
    this(port, maxRequestBytes, idleTimeout, router, accessLog, new NamespaceAccess());
  }

  /** @param access who may use which namespace; checked once a request's route is known */
  public HttpServer(int port, int maxRequestBytes, Duration idleTimeout, Router router, AccessLog accessLog, NamespaceAccess access) {
    this.router = router;
    this.access = access;
    this.maxRequestBytes = maxRequestBytes;
    this.accessLog = accessLog;
    boolean epoll = Epoll.isAvailable();
    group = new MultiThreadIoEventLoopGroup(Runtime.getRuntime().availableProcessors(),
        new DefaultThreadFactory("ooda-data-http", true), epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    Class<? extends ServerChannel> channel = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    try {
      server = new ServerBootstrap().group(group).channel(channel)
          .option(ChannelOption.SO_BACKLOG, 1024)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              connections.add(ch);
              ch.pipeline().addLast(new IdleStateHandler(0, 0, idleTimeout.toMillis(), TimeUnit.MILLISECONDS),
                  new HttpServerCodec(), new Aggregator(maxRequestBytes), new Connection());
            }
          })
          .bind(port).syncUninterruptibly().channel();
    } catch (Throwable e) {   // a failed bind comes as a BindException, thrown unchecked
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      throw e;
    }
  }

  /** Whether closing has begun: answers then say {@code Connection: close}. */
  public boolean closing() {
    return closing;
  }

  public int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  /**
   * Stops taking connections at once and gives requests in flight up to 5 s to be answered;
   * a client that loses an answer retries with its idempotency key.
   */
  @Override
  public synchronized void close() {
    if (closing) return;
    closing = true;
    server.close().syncUninterruptibly();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (inFlight.get() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    connections.close().awaitUninterruptibly();
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** A request whose body went over the limit: answered 413 in its turn, its body discarded. */
  private record TooLarge(HttpRequest request) {}

  private static final class Aggregator extends HttpObjectAggregator {
    Aggregator(int max) {
      super(max);
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
      if (oversized instanceof HttpRequest r) ctx.fireChannelRead(new TooLarge(r));
    }
  }

  /** One request in a connection's queue, until its answer is written. */
  private static final class Pending {
    final long startMillis = System.currentTimeMillis();
    final long startNanos = System.nanoTime();
    final HttpHeaders headers;
    final String method;
    final String path;
    final long bytesIn;
    final boolean keepAlive;
    final boolean http10;
    String route;
    String namespace;
    /** The caller its token proved, when it sent one that was checked. */
    String caller;
    Response response;

    Pending(HttpRequest req, long bytesIn, boolean keepAlive) {
      this.headers = req.headers();
      this.method = req.method().name();
      String uri = req.uri();
      int q = uri.indexOf('?');
      this.path = q < 0 ? uri : uri.substring(0, q);
      this.route = path;
      this.bytesIn = bytesIn;
      this.keepAlive = keepAlive;
      this.http10 = req.protocolVersion().equals(HttpVersion.HTTP_1_0);
    }
  }

  /**
   * One connection: its requests, answered in the order they came. Netty's codec closes a
   * connection that has more than 128 requests waiting for their answers.
   */
  private final class Connection extends ChannelInboundHandlerAdapter {
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private boolean done;

    @Override
    public void handlerAdded(ChannelHandlerContext c) {
      ctx = c;
    }

    @Override
    public void channelRead(ChannelHandlerContext c, Object msg) {
      if (msg instanceof TooLarge t) {
        boolean keepAlive = HttpUtil.isKeepAlive(t.request) && !(t.request instanceof FullHttpMessage);
        Pending p = enqueue(t.request, HttpUtil.getContentLength(t.request, -1L), keepAlive);
        answer(p, Response.of(Problem.tooLarge("the request body is larger than the limit of " + maxRequestBytes + " bytes")));
      } else if (msg instanceof FullHttpRequest req) {
        try {
          serve(req);
        } finally {
          req.release();
        }
      }
    }

    private Pending enqueue(HttpRequest req, long bytesIn, boolean keepAlive) {
      Pending p = new Pending(req, bytesIn, keepAlive);
      inFlight.incrementAndGet();
      queue.add(p);
      return p;
    }

    private void serve(FullHttpRequest req) {
      if (req.decoderResult().isFailure()) {
        Pending p = enqueue(req, 0, false);
        Throwable cause = req.decoderResult().cause();
        answer(p, Response.of(cause instanceof TooLongHttpLineException
            ? Problem.of(ProblemType.URI_TOO_LONG, "the request line is too long")
            : cause instanceof TooLongFrameException
            ? Problem.of(ProblemType.HEADERS_TOO_LARGE, "the request headers are too long")
            : Problem.of(ProblemType.BAD_REQUEST, "the request is not well-formed HTTP/1.1: " + cause.getMessage())));
        return;
      }
      Pending p = enqueue(req, req.content().readableBytes(), HttpUtil.isKeepAlive(req));
      CompletionStage<Response> answer;
      try {
        Router.Match m = router.match(p.method, p.path);
        if (m.problem() != null) {
          answer(p, Response.of(m.problem()));
          return;
        }
        p.route = m.route().pattern();
        p.namespace = m.params().get("ns");
        NamespaceAccess.Verdict verdict = access.check(p.method, p.path, p.namespace, req.headers());
        p.caller = verdict.caller();
        if (verdict.problem() != null) {
          answer(p, Response.of(verdict.problem()));
          return;
        }
        String uri = req.uri();
        int q = uri.indexOf('?');
        Request r = new Request(p.method, p.path, q < 0 ? null : uri.substring(q + 1), m.params(), req.headers(),
            ByteBufUtil.getBytes(req.content()));
        answer = m.route().handler().handle(r);
      } catch (Throwable e) {
        answer(p, Response.of(Errors.problemOf(p.method, p.path, e)));
        return;
      }
      answer.whenComplete((res, err) -> {
        Response out = err == null ? res : Response.of(Errors.problemOf(p.method, p.path, err));
        if (ctx.executor().inEventLoop()) answer(p, out);
        else ctx.executor().execute(() -> answer(p, out));
      });
    }

    /** Records {@code p}'s answer and writes every answer that is now next in line. */
    private void answer(Pending p, Response res) {
      p.response = res;
      boolean wrote = false;
      while (!queue.isEmpty() && queue.peek().response != null) {
        Pending head = queue.poll();
        inFlight.decrementAndGet();
        if (done) continue;
        boolean keepAlive = head.keepAlive && !closing;
        long bytesOut = write(head, keepAlive);
        wrote = true;
        accessLog.log(head.startMillis, System.nanoTime() - head.startNanos, head.headers, head.caller, head.method, head.route,
            head.namespace, head.response.status(), head.bytesIn, bytesOut, head.response.problem(), localPort());
        done = !keepAlive;
      }
      if (wrote) ctx.flush();
    }

    private long write(Pending p, boolean keepAlive) {
      Response r = p.response;
      DefaultFullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(r.status()),
          r.body().length == 0 ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(r.body()));
      HttpHeaders h = res.headers();
      if (r.contentType() != null) h.set(HttpHeaderNames.CONTENT_TYPE, r.contentType());
      if (r.status() != 204 && r.status() != 304) h.setInt(HttpHeaderNames.CONTENT_LENGTH, r.body().length);
      for (int i = 0; i + 1 < r.headers().size(); i += 2) h.add(r.headers().get(i), r.headers().get(i + 1));
      if (!keepAlive) h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      else if (p.http10) h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
      if (keepAlive) ctx.write(res, ctx.voidPromise());
      else ctx.write(res).addListener(ChannelFutureListener.CLOSE);
      return r.body().length;
    }

    private int localPort() {
      return ((InetSocketAddress) ctx.channel().localAddress()).getPort();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext c, Object event) {
      if (event instanceof IdleStateEvent && queue.isEmpty()) c.close();
      else c.fireUserEventTriggered(event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext c, Throwable cause) {
      LOG.debug("connection from {} failed", c.channel().remoteAddress(), cause);
      c.close();
    }
  }
}
