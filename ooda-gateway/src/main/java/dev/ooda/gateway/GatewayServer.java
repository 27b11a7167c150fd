package dev.ooda.gateway;

import com.linecorp.armeria.server.Server;
import dev.ooda.gateway.proxy.ClientHandler;
import dev.ooda.gateway.proxy.Gateway;
import dev.ooda.gateway.server.ClientTimeouts;
import dev.ooda.gateway.server.Tls;
import dev.ooda.gateway.server.Transport;
import dev.ooda.model.Instance;
import dev.ooda.model.Resource;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerAdapter;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http2.CleartextHttp2ServerUpgradeHandler;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ServerUpgradeCodec;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.AsciiString;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import dev.ooda.access.AccessRules;
import dev.ooda.gateway.proxy.EdgeAccess;
import dev.ooda.model.Names;
import dev.ooda.model.ServerStop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ooda gateway: an HTTP proxy on Netty with its management endpoints on Armeria.
 *
 * <p>It is pushed its data: {@link #routes(Collection)} replaces the whole route table,
 * {@link #instances(String, List)} one service's instances. Each is compiled off the request path
 * and swapped in atomically. {@link #identity} names the gateway to the services behind it and
 * gives it tokens to send them; {@link #accessGroups} gives it the groups to enforce at the edge.
 * The last routes, instances and groups are kept in {@link GatewayOptions#snapshotFile()} and
 * loaded by {@link #start()}, so a restarted gateway serves (and enforces) before the control plane answers.
 *
 * <pre>
 * try (GatewayServer gw = new GatewayServer(GatewayOptions.defaults()).start()) {
 *   gw.routes(routes);
 *   gw.instances("catalog", instances);
 *   ...
 * }
 * </pre>
 */
public final class GatewayServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GatewayServer.class);

  private final GatewayOptions options;
  private final Transport transport = Transport.best();
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Gateway gw;
  private final ExecutorService snapshots;
  private final AtomicBoolean snapshotDirty = new AtomicBoolean();
  private final Object updateLock = new Object();
  private volatile List<Resource> lastRoutes;
  private volatile List<Resource> lastServices;
  private volatile List<Resource> lastFlags;
  private final Map<String, List<Instance>> lastInstances = new ConcurrentHashMap<>();
  private EventLoopGroup group;
  private Channel serverChannel;
  private Channel tlsChannel;
  private Server management;

  public GatewayServer(GatewayOptions options) {
    this(options, Gateway.defaultOriginTls());
  }

  /** With another trust for {@code https} origins (tests trust their self-signed origins). */
  GatewayServer(GatewayOptions options, io.netty.handler.ssl.SslContext originTls) {
    this.options = options;
    this.gw = new Gateway(options, transport, registry, originTls);
    this.snapshots = options.snapshotFile() == null ? null : Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "ooda-gateway-snapshot");
      t.setDaemon(true);
      return t;
    });
  }

  /** Loads the snapshot (if any and if nothing was pushed yet), then binds both ports. */
  public GatewayServer start() {
    try {
      return start0();
    } catch (Exception e) { // bind failures arrive as undeclared IOExceptions
      close();
      if (e instanceof RuntimeException r) throw r;
      throw new IllegalStateException("cannot start the gateway: " + e.getMessage(), e);
    }
  }

  private GatewayServer start0() {
    loadSnapshot();
    group = transport.group(options.ioThreads(), "ooda-gateway");
    try {
      serverChannel = bootstrap(this::initClient).bind(new InetSocketAddress(options.host(), options.port())).sync().channel();
      if (options.tls() != null) {
        SslContext ssl = Tls.serverContext(options.tls().keyStore(), options.tls().password());
        tlsChannel = bootstrap(p -> initTls(p, ssl))
            .bind(new InetSocketAddress(options.host(), options.tls().port())).sync().channel();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while binding", e);
    }
    management = Management.start(options, gw, registry);
    log.info("ooda gateway on {}:{} ({}){}, management on {}", options.host(), port(), transport.name(),
        tlsChannel == null ? "" : ", TLS on " + tlsPort(), managementPort());
    return this;
  }

  private ServerBootstrap bootstrap(java.util.function.Consumer<ChannelPipeline> init) {
    return new ServerBootstrap()
        .group(group)
        .channel(transport.serverChannel())
        .option(ChannelOption.SO_BACKLOG, 4096)
        .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
        .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.SO_KEEPALIVE, true)
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            init.accept(ch.pipeline());
          }
        });
  }

  private HttpServerCodec http1Codec() {
    return new HttpServerCodec(new HttpDecoderConfig()
        .setMaxInitialLineLength(8192)
        .setMaxHeaderSize(options.maxHeaderSize())
        .setMaxChunkSize(16 * 1024)
        // Refused, never guessed at: bare LF line ends, duplicate Content-Length, Content-Length with Transfer-Encoding.
        .setStrictLineParsing(true)
        .setAllowDuplicateContentLengths(false)
        .setUseRfc9112TransferEncoding(true));
  }

  /** TLS, then HTTP/2 or HTTP/1.1 as ALPN settles. */
  private void initTls(ChannelPipeline p, SslContext ssl) {
    p.addLast("timeouts", new ClientTimeouts(options.requestHeadTimeout(), options.clientIdleTimeout()));
    p.addLast("tls", ssl.newHandler(p.channel().alloc()));
    p.addLast("alpn", new ApplicationProtocolNegotiationHandler(ApplicationProtocolNames.HTTP_1_1) {
      @Override
      protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
        ChannelPipeline pipeline = ctx.pipeline();
        if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
          pipeline.addLast("h2-codec", http2Codec());
          pipeline.addLast("h2-multiplex", new Http2MultiplexHandler(streamInit(true)));
        } else {
          pipeline.addLast("codec", http1Codec());
          pipeline.addLast("continue", new HttpServerExpectContinueHandler());
        }
        pipeline.addLast("client", new ClientHandler(gw, false, true));
      }
    });
  }

  private void initClient(ChannelPipeline p) {
    p.addLast("timeouts", new ClientTimeouts(options.requestHeadTimeout(), options.clientIdleTimeout()));
    HttpServerCodec codec = http1Codec();
    if (options.h2c()) {
      HttpServerUpgradeHandler upgrade = new HttpServerUpgradeHandler(codec,
          protocol -> AsciiString.contentEquals(Http2CodecUtil.HTTP_UPGRADE_PROTOCOL_NAME, protocol)
              ? new Http2ServerUpgradeCodec(http2Codec(), new Http2MultiplexHandler(streamInit(false), streamInit(false)))
              : null,
          64 * 1024);
      p.addLast("h2c", new CleartextHttp2ServerUpgradeHandler(codec, upgrade, new ChannelHandlerAdapter() {
        // Prior knowledge: the HTTP/2 handlers take the place of this one, before the HTTP/1 ones.
        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
          ChannelPipeline pipeline = ctx.pipeline();
          pipeline.addAfter(ctx.name(), "h2-codec", http2Codec());
          pipeline.addAfter("h2-codec", "h2-multiplex", new Http2MultiplexHandler(streamInit(false)));
          pipeline.remove(this);
        }
      }));
    } else {
      p.addLast("codec", codec);
    }
    p.addLast("continue", new HttpServerExpectContinueHandler());
    p.addLast("client", new ClientHandler(gw, false, false));
  }

  private Http2FrameCodec http2Codec() {
    return Http2FrameCodecBuilder.forServer()
        .initialSettings(Http2Settings.defaultSettings().maxHeaderListSize(options.maxHeaderSize()))
        .build();
  }

  private ChannelInitializer<Channel> streamInit(boolean secure) {
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(Channel ch) {
        ch.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(true), new ClientHandler(gw, true, secure));
      }
    };
  }

  /** The services that may be at zero: which they are, their last requests and cold starts, the wake signal. */
  public dev.ooda.gateway.proxy.ColdStarts coldStarts() {
    return gw.cold;
  }

  /** Replaces the route table. Resources of other kinds are ignored. */
  public void routes(Collection<Resource> routes) {
    List<Resource> copy = List.copyOf(routes);
    synchronized (updateLock) {
      gw.routes(copy);
      lastRoutes = copy;
    }
    saveSnapshot();
  }

  /**
   * Replaces the deprecated operations of the services behind the gateway (from their contracts):
   * their responses get {@code Deprecation} and {@code Sunset} headers.
   */
  public void notices(List<dev.ooda.model.OperationNotice> notices) {
    gw.notices(List.copyOf(notices));
  }

  /**
   * The gateway's identity: its service name (default {@value EdgeAccess#DEFAULT_SERVICE}), sent as
   * {@code ooda-caller} and checked against groups, and where its service tokens come from:
   * {@code audience -> token}, e.g. {@code TokenSource::token}. The supplier may block; it is called
   * on a thread of the gateway's own, ahead of requests, never on the request path. A null supplier
   * sends no tokens.
   */
  public GatewayServer identity(String service, Function<String, String> tokens) {
    String bad = Names.problem(service);
    if (bad != null) throw new IllegalArgumentException("the gateway's service name " + bad);
    gw.identity(service, tokens);
    return this;
  }

  /** The gateway's service name. */
  public String service() {
    return gw.edge.service();
  }

  /**
   * Replaces the access groups the gateway enforces at the edge, from the Service resources (other
   * kinds are ignored). Compiled off the request path and swapped in whole.
   */
  public void accessGroups(Collection<Resource> services) {
    List<Resource> copy = List.copyOf(services);
    AccessRules rules = AccessRules.services(copy);
    synchronized (updateLock) {
      gw.access(rules);
      lastServices = copy;
    }
    saveSnapshot();
  }

  /**
   * Replaces the flags routes evaluate, from the Flag, Segment and Experiment resources (other
   * kinds are ignored). Compiled off the request path and swapped in whole.
   */
  public void flags(Collection<Resource> flagsAndSegments) {
    List<Resource> copy = List.copyOf(flagsAndSegments);
    synchronized (updateLock) {
      gw.flags.update(copy);
      lastFlags = copy;
    }
    saveSnapshot();
  }

  /**
   * Where experiments' exposures (each unit once, when a route's flag put it in a cell) and the
   * outcome of each such request go, e.g. the control plane's events endpoint. None by default.
   */
  public GatewayServer exposures(dev.ooda.flags.ExposureSink sink) {
    gw.exposures(sink);
    return this;
  }

  /** Refusals and would-be refusals so far, by service and outcome (as {@code ooda_access_decisions_total} counts them). */
  public Map<String, Map<String, Long>> accessDecisions() {
    return gw.edge.decisions().counts();
  }

  /** Replaces one service's instances; only those that {@link Instance#takesTraffic()} get requests. */
  public void instances(String service, List<Instance> instances) {
    List<Instance> copy = List.copyOf(instances);
    synchronized (updateLock) {
      gw.instances(service, copy);
      lastInstances.put(service, copy);
    }
    saveSnapshot();
  }

  public int port() {
    return ((InetSocketAddress) serverChannel.localAddress()).getPort();
  }

  /** The TLS port, or -1 when TLS is off. */
  public int tlsPort() {
    return tlsChannel == null ? -1 : ((InetSocketAddress) tlsChannel.localAddress()).getPort();
  }

  public int managementPort() {
    return management.activeLocalPort();
  }

  /** The registry behind /metrics. */
  public PrometheusMeterRegistry meterRegistry() {
    return registry;
  }

  private void loadSnapshot() {
    if (options.snapshotFile() == null || !Files.isRegularFile(options.snapshotFile())) return;
    try {
      Snapshot s = Snapshot.read(options.snapshotFile());
      synchronized (updateLock) {
        if (lastRoutes == null) {
          gw.routes(s.routes());
          lastRoutes = s.routes();
        }
        if (lastServices == null && s.services() != null) {
          gw.access(AccessRules.services(s.services()));
          lastServices = s.services();
        }
        if (lastFlags == null && s.flags() != null) {
          gw.flags.update(s.flags());
          lastFlags = s.flags();
        }
        s.instances().forEach((svc, list) -> {
          if (!lastInstances.containsKey(svc)) {
            gw.instances(svc, list);
            lastInstances.put(svc, list);
          }
        });
      }
      log.info("loaded {} routes and {} services from snapshot {}", s.routes().size(), s.instances().size(), options.snapshotFile());
    } catch (IOException | RuntimeException e) {
      log.warn("cannot read gateway snapshot {}: {}", options.snapshotFile(), e.toString());
    }
  }

  private void saveSnapshot() {
    if (snapshots == null || !snapshotDirty.compareAndSet(false, true)) return;
    snapshots.execute(() -> {
      snapshotDirty.set(false);
      Snapshot s;
      synchronized (updateLock) {
        s = Snapshot.of(lastRoutes == null ? List.of() : lastRoutes, Map.copyOf(lastInstances), lastServices, lastFlags);
      }
      try {
        s.write(options.snapshotFile());
      } catch (IOException | RuntimeException e) {
        log.warn("cannot write gateway snapshot {}: {}", options.snapshotFile(), e.toString());
      }
    });
  }

  @Override
  public void close() {
    if (serverChannel != null) serverChannel.close().syncUninterruptibly();
    if (tlsChannel != null) tlsChannel.close().syncUninterruptibly();
    if (management != null) ServerStop.await(management.stop(), () -> management.activePorts().isEmpty() && management.numConnections() == 0);
    if (group != null) group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    gw.resolvers.close();
    if (snapshots != null) {
      snapshots.shutdown();
      try {
        snapshots.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    gw.close();
    registry.close();
  }
}
