package dev.ooda.data.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ooda.model.AccessLogLine;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP/1.1 layer on a raw socket: order of answers, limits, malformed requests, closing. */
class HttpServerTest {
  private final List<AccessLogLine> lines = new CopyOnWriteArrayList<>();
  private HttpServer server;

  @BeforeEach
  void start() {
    Router router = new Router()
        // Answered from another thread after a while: later than requests sent after it.
        .get("/slow/{ms}", req -> CompletableFuture.supplyAsync(() -> Response.json(200, "\"slow\"".getBytes()),
            CompletableFuture.delayedExecutor(Long.parseLong(req.param("ms")), TimeUnit.MILLISECONDS)))
        .get("/echo/{word}", req -> CompletableFuture.completedFuture(
            Response.json(200, ("\"" + req.param("word") + "|" + req.queryParams().get("q") + "\"").getBytes(StandardCharsets.UTF_8))))
        .post("/size", req -> CompletableFuture.completedFuture(Response.json(200, Integer.toString(req.body().length).getBytes())))
        .get("/fail", req -> {
          throw new IllegalStateException("boom");
        });
    AccessLog log = new AccessLog("test", true, lines::add, new RequestMetrics(new SimpleMeterRegistry(), n -> false));
    server = new HttpServer(0, 1000, Duration.ofMillis(500), router, log);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void pipelinedRequestsAreAnsweredInTheOrderTheyCame() throws IOException {
    try (Raw c = new Raw(server.port())) {
      c.send("GET /slow/300 HTTP/1.1\r\nHost: x\r\n\r\nGET /echo/fast HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(c.response()).startsWith("HTTP/1.1 200").endsWith("\"slow\"");
      assertThat(c.response()).startsWith("HTTP/1.1 200").endsWith("\"fast|null\"");
    }
    assertThat(lines).extracting(AccessLogLine::route).containsExactly("/slow/{ms}", "/echo/{word}");
    assertThat(lines.get(0).instance()).isEqualTo("test:" + server.port());
  }

  @Test
  void aHundredPipelinedRequestsAreAllAnsweredInOrder() throws IOException {
    int n = 100;
    try (Raw c = new Raw(server.port())) {
      StringBuilder all = new StringBuilder();
      for (int i = 0; i < n; i++) all.append(i % 7 == 0 ? "GET /slow/5" : "GET /echo/r" + i).append(" HTTP/1.1\r\nHost: x\r\n\r\n");
      c.send(all.toString());
      for (int i = 0; i < n; i++) assertThat(c.response()).as("answer " + i).endsWith(i % 7 == 0 ? "\"slow\"" : "\"r" + i + "|null\"");
    }
  }

  @Test
  void anIdleConnectionIsClosedButNotOneWaitingForItsAnswer() throws IOException {
    try (Raw c = new Raw(server.port())) {
      c.send("GET /slow/900 HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(c.response()).endsWith("\"slow\"");
      assertThat(c.in.read()).isEqualTo(-1);
    }
  }

  @Test
  void pathSegmentsAndQueriesAreDecoded() throws IOException {
    try (Raw c = new Raw(server.port())) {
      c.send("GET /echo/a%20b+c?q=x%3By HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(c.response()).endsWith("\"a b+c|x;y\"");
      c.send("GET /echo/%zz HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(c.response()).startsWith("HTTP/1.1 400").contains("%zz");
      c.send("DELETE /echo/a HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(c.response()).startsWith("HTTP/1.1 405").contains("allowed: GET");
      c.send("GET /fail HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(c.response()).startsWith("HTTP/1.1 500").contains("IllegalStateException");
    }
  }

  @Test
  void anOversizedBodyIs413AndTheConnectionServesTheNextRequest() throws IOException {
    try (Raw c = new Raw(server.port())) {
      String big = "x".repeat(1500);
      c.send("POST /size HTTP/1.1\r\nHost: x\r\nContent-Length: 1500\r\n\r\n" + big
          + "POST /size HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc");
      assertThat(c.response()).startsWith("HTTP/1.1 413").contains("limit of 1000 bytes");
      assertThat(c.response()).startsWith("HTTP/1.1 200").endsWith("3");
    }
    assertThat(lines).extracting(AccessLogLine::status).containsExactly(413, 200);
    assertThat(lines.get(0).error()).isEqualTo("too-large");
  }

  @Test
  void aMalformedRequestIs400AndClosesTheConnection() throws IOException {
    try (Raw c = new Raw(server.port())) {
      c.send("GET /echo/a HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n");
      assertThat(c.response()).startsWith("HTTP/1.1 400").containsIgnoringCase("connection: close");
      assertThat(c.in.read()).isEqualTo(-1);
    }
  }

  @Test
  void aTooLongRequestLineIs414AndTooLargeHeadersAre431() throws IOException {
    try (Raw c = new Raw(server.port())) {
      c.send("GET /echo/" + "a".repeat(5000) + " HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(c.response()).startsWith("HTTP/1.1 414").contains("urn:ooda:problem:uri-too-long");
    }
    try (Raw c = new Raw(server.port())) {
      c.send("GET /echo/a HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(9000) + "\r\n\r\n");
      assertThat(c.response()).startsWith("HTTP/1.1 431").contains("urn:ooda:problem:headers-too-large");
    }
  }

  @Test
  void http10KeepsTheConnectionOnlyWhenAsked() throws IOException {
    try (Raw c = new Raw(server.port())) {
      c.send("GET /echo/a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
      assertThat(c.response()).containsIgnoringCase("connection: keep-alive");
      c.send("GET /echo/b HTTP/1.0\r\n\r\n");
      assertThat(c.response()).containsIgnoringCase("connection: close").endsWith("\"b|null\"");
      assertThat(c.in.read()).isEqualTo(-1);
    }
  }

  @Test
  void closingAnswersRequestsInFlightThenStops() throws Exception {
    try (Raw c = new Raw(server.port())) {
      c.send("GET /slow/500 HTTP/1.1\r\nHost: x\r\n\r\n");
      Thread.sleep(100);
      CompletableFuture<Void> closed = CompletableFuture.runAsync(server::close);
      assertThat(c.response()).startsWith("HTTP/1.1 200").containsIgnoringCase("connection: close").endsWith("\"slow\"");
      closed.get(10, TimeUnit.SECONDS);
      assertThat(c.in.read()).isEqualTo(-1);
    }
  }

  /** A client on a raw socket, which reads answers by their content-length. */
  private static final class Raw implements AutoCloseable {
    final Socket socket;
    final InputStream in;
    final OutputStream out;

    Raw(int port) throws IOException {
      socket = new Socket("127.0.0.1", port);
      socket.setSoTimeout(10_000);
      in = socket.getInputStream();
      out = socket.getOutputStream();
    }

    void send(String s) throws IOException {
      out.write(s.getBytes(StandardCharsets.UTF_8));
      out.flush();
    }

    /** One whole answer: head and body. */
    String response() throws IOException {
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
        int b = in.read();
        if (b < 0) throw new IOException("closed after \"" + head + "\"");
        head.write(b);
      }
      String h = head.toString(StandardCharsets.ISO_8859_1);
      int length = 0;
      for (String line : h.split("\r\n")) {
        if (line.toLowerCase().startsWith("content-length:")) length = Integer.parseInt(line.substring(15).trim());
      }
      return h + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
