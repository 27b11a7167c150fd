package dev.ooda.gateway;

import dev.ooda.gateway.server.Transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.SessionProtocol;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ProtocolTest extends GatewayTestSupport {

  @Test
  void servesHttp2OverCleartextByUpgrade() throws Exception {
    TestOrigin o = origin("o");
    GatewayServer g = gateway();
    g.routes(yaml("kind: Route\nname: all\nspec: {match: {pathPrefix: /}, to: [{url: '" + o.url() + "'}]}\n"));
    HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
    String uri = "http://127.0.0.1:" + g.port();
    HttpResponse<String> first = h2.send(HttpRequest.newBuilder(URI.create(uri + "/a?x=1")).build(), HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> second = h2.send(HttpRequest.newBuilder(URI.create(uri + "/b"))
        .POST(HttpRequest.BodyPublishers.ofString("h2-body")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.body()).isEqualTo("o");
    assertThat(second.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(second.body()).isEqualTo("o");
    assertThat(o.seen).extracting(TestOrigin.Seen::uri).containsExactly("/a?x=1", "/b");
    assertThat(new String(o.last().body())).isEqualTo("h2-body");
    assertThat(o.last().headers().keySet()).noneMatch(k -> k.toLowerCase().startsWith("x-http2"));
  }

  @Test
  void servesHttp2OverCleartextWithPriorKnowledge() throws Exception {
    TestOrigin o = origin("o");
    GatewayServer g = gateway();
    g.routes(yaml("kind: Route\nname: all\nspec: {match: {pathPrefix: /}, to: [{url: '" + o.url() + "'}]}\n"));
    WebClient client = WebClient.builder(SessionProtocol.H2C, com.linecorp.armeria.client.Endpoint.of("127.0.0.1", g.port())).build();
    for (int i = 0; i < 5; i++) {
      AggregatedHttpResponse r = client.execute(RequestHeaders.of(HttpMethod.POST, "/p/" + i), "body-" + i).aggregate().join();
      assertThat(r.status().code()).isEqualTo(200);
      assertThat(r.contentUtf8()).isEqualTo("o");
    }
    AggregatedHttpResponse missing = client.get("/").aggregate().join();
    assertThat(missing.status().code()).isEqualTo(200);
    assertThat(o.seen).extracting(s -> new String(s.body())).contains("body-0", "body-4");
    g.routes(List.of());
    AggregatedHttpResponse none = client.get("/nothing").aggregate().join();
    assertThat(none.status().code()).isEqualTo(404);
    assertThat(none.contentType().toString()).isEqualTo("application/problem+json");
  }

  @Test
  void speaksTlsToHttpsOriginsAndChecksTheirCertificates() throws Exception {
    com.linecorp.armeria.server.Server tlsOrigin = com.linecorp.armeria.server.Server.builder()
        .https(new InetSocketAddress("127.0.0.1", 0)).tlsSelfSigned()
        .service("/hello", (ctx, req) -> com.linecorp.armeria.common.HttpResponse.of("secure " + ctx.sessionProtocol()))
        .build();
    tlsOrigin.start().join();
    closeables.add(() -> tlsOrigin.stop().join());
    String routes = "kind: Route\nname: tls\nspec: {match: {pathPrefix: /}, to: [{url: 'https://127.0.0.1:"
        + tlsOrigin.activeLocalPort() + "'}], retry: {attempts: 0}}\n";
    GatewayServer trusting = new GatewayServer(GatewayOptions.ephemeral().withIoThreads(1),
        io.netty.handler.ssl.SslContextBuilder.forClient()
            .trustManager(io.netty.handler.ssl.util.InsecureTrustManagerFactory.INSTANCE).build()).start();
    closeables.add(0, trusting);
    trusting.routes(yaml(routes));
    HttpResponse<String> ok = get(trusting, "/hello");
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.body()).isEqualTo("secure h1"); // Armeria names HTTP/1 over TLS "h1"
    // The default trusts the JDK's CAs only: a self-signed origin is refused.
    GatewayServer strict = gateway();
    strict.routes(yaml(routes));
    ProxyTest.assertProblem(get(strict, "/hello"), 502, "bad-gateway");
  }

  @Test
  void servesTlsWithHttp2AndHttp11ByAlpn(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path ks = dir.resolve("gateway.p12");
    Process keytool = new ProcessBuilder(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-alias", "gateway", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
        "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12",
        "-keystore", ks.toString(), "-storepass", "secret", "-keypass", "secret").inheritIO().start();
    assertThat(keytool.waitFor()).isZero();
    TestOrigin o = origin("o");
    GatewayServer g = gateway(GatewayOptions.ephemeral().withIoThreads(1).withTls(new TlsOptions(0, ks, "secret")));
    g.routes(yaml("kind: Route\nname: all\nspec: {match: {pathPrefix: /}, to: [{url: '" + o.url() + "'}]}\n"));
    javax.net.ssl.SSLContext trustAll = javax.net.ssl.SSLContext.getInstance("TLS");
    trustAll.init(null, io.netty.handler.ssl.util.InsecureTrustManagerFactory.INSTANCE.getTrustManagers(), null);
    for (HttpClient.Version v : List.of(HttpClient.Version.HTTP_2, HttpClient.Version.HTTP_1_1)) {
      HttpClient c = HttpClient.newBuilder().version(v).sslContext(trustAll).build();
      HttpResponse<String> r = c.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + g.tlsPort() + "/s"))
          .POST(HttpRequest.BodyPublishers.ofString("over tls")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.version()).isEqualTo(v);
      assertThat(r.body()).isEqualTo("o");
      assertThat(o.last().header("X-Forwarded-Proto")).isEqualTo("https");
      assertThat(new String(o.last().body())).isEqualTo("over tls");
    }
    // The cleartext port keeps working beside it.
    assertThat(get(g, "/plain").statusCode()).isEqualTo(200);
    assertThat(o.last().header("X-Forwarded-Proto")).isEqualTo("http");
  }

  @Test
  void passesWebSocketUpgradesThrough() throws Exception {
    EventLoopGroup group = Transport.best().group(1, "ws-origin");
    Channel server = new ServerBootstrap().group(group).channel(Transport.best().serverChannel())
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                new WebSocketServerProtocolHandler("/ws"),
                new SimpleChannelInboundHandler<TextWebSocketFrame>() {
                  @Override
                  protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame f) {
                    ctx.writeAndFlush(new TextWebSocketFrame("echo:" + f.text()));
                  }
                });
          }
        }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    closeables.add(() -> {
      server.close().sync();
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    });
    int port = ((InetSocketAddress) server.localAddress()).getPort();
    GatewayServer g = gateway();
    g.routes(yaml("kind: Route\nname: ws\nspec: {match: {path: /ws}, to: [{url: 'http://127.0.0.1:" + port + "'}]}\n"));

    List<String> got = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> two = new CompletableFuture<>();
    WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
        .buildAsync(URI.create("ws://127.0.0.1:" + g.port() + "/ws"), new WebSocket.Listener() {
          @Override
          public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
            got.add(data.toString());
            if (got.size() == 2) two.complete(null);
            w.request(1);
            return null;
          }
        }).get(10, TimeUnit.SECONDS);
    ws.sendText("hello", true).get(5, TimeUnit.SECONDS);
    ws.sendText("again", true).get(5, TimeUnit.SECONDS);
    two.get(10, TimeUnit.SECONDS);
    assertThat(got).containsExactly("echo:hello", "echo:again");
    ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
  }
}
