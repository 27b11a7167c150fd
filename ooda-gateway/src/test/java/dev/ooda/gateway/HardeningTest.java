package dev.ooda.gateway;

import dev.ooda.gateway.resilience.OriginLimits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ooda.model.Instance;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Malformed HTTP from clients and origins, and clients that hold connections, over raw sockets. */
class HardeningTest extends GatewayTestSupport {

  /** An origin that reads a request head and answers with fixed bytes, then closes. */
  static final class RawOrigin implements AutoCloseable {
    final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    final AtomicInteger requests = new AtomicInteger();

    RawOrigin(String answer) throws IOException {
      Thread t = new Thread(() -> {
        while (!server.isClosed()) {
          try (Socket s = server.accept()) {
            if (readHead(s.getInputStream())) {
              requests.incrementAndGet();
              s.getOutputStream().write(answer.getBytes(StandardCharsets.ISO_8859_1));
              s.getOutputStream().flush();
            }
          } catch (IOException e) {
            // closed
          }
        }
      });
      t.setDaemon(true);
      t.start();
    }

    Instance instance(String service) {
      return new Instance("raw", service, null, "127.0.0.1", server.getLocalPort(), null, Instance.Status.UP, Map.of(), null, 0, false);
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }

  private static boolean readHead(InputStream in) throws IOException {
    int state = 0;
    int c;
    while ((c = in.read()) >= 0) {
      state = (c == '\r' || c == '\n') ? state + 1 : 0;
      if (state == 4) return true;
    }
    return false;
  }

  private static Socket connect(GatewayServer g) throws IOException {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), g.port());
    s.setSoTimeout(10_000);
    return s;
  }

  /** Writes {@code raw} and reads until the gateway closes the connection. */
  private static String untilClosed(GatewayServer g, String raw) throws IOException {
    try (Socket s = connect(g)) {
      s.getOutputStream().write(raw.getBytes(StandardCharsets.ISO_8859_1));
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  private static void assertBadRequest(String answer) {
    assertThat(answer).startsWith("HTTP/1.1 400 ");
    assertThat(answer).contains("application/problem+json").contains("urn:ooda:problem:bad-request");
  }

  private GatewayServer gatewayTo(TestOrigin o) {
    return gatewayTo(o, GatewayOptions.ephemeral().withIoThreads(1));
  }

  private GatewayServer gatewayTo(TestOrigin o, GatewayOptions options) {
    GatewayServer g = gateway(options);
    g.routes(yaml("kind: Route\nname: all\nspec: {match: {pathPrefix: /}, to: [{url: '" + o.url() + "'}]}\n"));
    return g;
  }

  @Test
  void twoHostHeadersOrAnInvalidHostAre400() throws Exception {
    TestOrigin o = origin("o");
    GatewayServer g = gatewayTo(o);
    assertBadRequest(untilClosed(g, "GET /x HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\n\r\n"));
    assertBadRequest(untilClosed(g, "GET /x HTTP/1.1\r\nHost: a b\r\n\r\n"));
    assertBadRequest(untilClosed(g, "GET /x HTTP/1.1\r\nHost: a.example:80x\r\n\r\n"));
    assertBadRequest(untilClosed(g, "GET /x HTTP/1.1\r\nHost: a/b\r\n\r\n"));
    assertThat(untilClosed(g, "GET /x HTTP/1.1\r\nHost: [::1]:8080\r\nConnection: close\r\n\r\n")).startsWith("HTTP/1.1 200 ");
    assertThat(o.seen).hasSize(1);
  }

  @Test
  void aLowerCaseHttpVersionIs400() throws Exception {
    TestOrigin o = origin("o");
    GatewayServer g = gatewayTo(o);
    assertBadRequest(untilClosed(g, "GET /x http/1.1\r\nHost: a\r\n\r\n"));
    assertBadRequest(untilClosed(g, "GET /x HTTP/1.1\nHost: a\n\n"));
    assertThat(o.seen).isEmpty();
  }

  @Test
  void brokenChunkedBodiesAre400AndCloseTheConnectionAndReachNoOrigin() throws Exception {
    TestOrigin o = origin("o");
    GatewayServer g = gatewayTo(o);
    String head = "POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n";
    // The size overflows a long; the second request would be smuggled if the gateway read on.
    assertBadRequest(untilClosed(g, head + "fffffffffffffffff1\r\nabc\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n"));
    assertBadRequest(untilClosed(g, head + "3\nabc\r\n0\r\n\r\n"));
    assertBadRequest(untilClosed(g, head + "3\r\nabc\n0\r\n\r\n"));
    // A well-formed chunked body on a fresh connection goes through, so the origin was there to be reached.
    assertThat(untilClosed(g, head.replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n") + "3\r\nabc\r\n0\r\n\r\n"))
        .startsWith("HTTP/1.1 200 ");
    assertThat(o.seen).extracting(TestOrigin.Seen::uri).containsExactly("/x");
    assertThat(new String(o.last().body())).isEqualTo("abc");
  }

  @Test
  void malformedOriginAnswersAre502AndTheOnlyInstanceIsNeverEjected() throws Exception {
    String[] answers = {
        "HTTP/1.1 20",
        "HTTP/1.1\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc",
        "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"};
    GatewayServer g = gateway(GatewayOptions.ephemeral().withIoThreads(1)
        .withLimits(OriginLimits.DEFAULT.withEjection(2, Duration.ofMinutes(5), Duration.ofMinutes(5))));
    for (String answer : answers) {
      RawOrigin raw = new RawOrigin(answer);
      closeables.add(raw);
      g.routes(yaml("kind: Route\nname: s\nspec: {match: {pathPrefix: /}, to: [{service: s}], retry: {attempts: 0}}\n"));
      g.instances("s", List.of(raw.instance("s")));
      // Well past the failures that eject: a lone instance stays in, and each answer is the origin's fault.
      for (int i = 0; i < 6; i++) ProxyTest.assertProblem(get(g, "/x"), 502, "bad-gateway");
      assertThat(raw.requests.get()).isEqualTo(6);
    }
    assertThat(management(g, "/metrics").body()).contains("ooda_gateway_ejections_total 0.0");
  }

  @Test
  void aClientThatTricklesItsRequestHeadIsClosed() throws Exception {
    TestOrigin o = origin("o");
    GatewayServer g = gatewayTo(o, GatewayOptions.ephemeral().withIoThreads(1).withRequestHeadTimeout(Duration.ofMillis(300)));
    try (Socket s = connect(g)) {
      OutputStream out = s.getOutputStream();
      out.write("GET /x HTTP/1.1\r\nHost: a\r\n".getBytes(StandardCharsets.ISO_8859_1));
      // One header byte at a time: each keeps the connection busy, none finishes the head.
      boolean closed = false;
      for (int i = 0; i < 200 && !closed; i++) {
        try {
          out.write(i % 2 == 0 ? 'X' : '-');
          out.flush();
          Thread.sleep(50);
        } catch (SocketException e) {
          closed = true;
        }
      }
      if (!closed) {
        s.setSoTimeout(10_000);
        assertThat(s.getInputStream().read()).isEqualTo(-1);
      }
    }
    assertThat(o.seen).isEmpty();
  }

  @Test
  void anIdleKeepAliveConnectionIsClosedAfterTheIdleTimeout() throws Exception {
    TestOrigin o = origin("o");
    GatewayServer g = gatewayTo(o, GatewayOptions.ephemeral().withIoThreads(1).withClientIdleTimeout(Duration.ofMillis(300)));
    try (Socket s = connect(g)) {
      InputStream in = s.getInputStream();
      for (int i = 0; i < 2; i++) {
        s.getOutputStream().write("GET /x HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        String answer = readAnswer(in);
        assertThat(answer).startsWith("HTTP/1.1 200 ").endsWith("o");
      }
      // Kept alive for both requests; then nothing is sent and the gateway closes.
      assertThat(in.read()).isEqualTo(-1);
    }
    assertThat(o.seen).hasSize(2);
  }

  /** One answer with a Content-Length body. */
  private static String readAnswer(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int state = 0;
    int c;
    while (state < 4 && (c = in.read()) >= 0) {
      head.write(c);
      state = (c == '\r' || c == '\n') ? state + 1 : 0;
    }
    String h = head.toString(StandardCharsets.ISO_8859_1);
    int at = h.toLowerCase().indexOf("content-length: ");
    int length = Integer.parseInt(h.substring(at + 16, h.indexOf('\r', at)).trim());
    return h + new String(in.readNBytes(length), StandardCharsets.ISO_8859_1);
  }
}
