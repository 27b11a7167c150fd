package dev.ooda.gateway;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.ooda.model.Instance;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** A real HTTP origin on 127.0.0.1 that records what it is sent and answers with its name. */
final class TestOrigin implements AutoCloseable {
  record Seen(String method, String uri, Headers headers, byte[] body, InetSocketAddress remote) {
    String header(String name) {
      return headers.getFirst(name);
    }
  }

  interface Handler {
    void handle(HttpExchange ex, byte[] body) throws IOException;
  }

  final String name;
  final List<Seen> seen = new CopyOnWriteArrayList<>();
  final Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();
  private final HttpServer server;
  private final ExecutorService pool = Executors.newFixedThreadPool(16);
  private volatile Handler handler;

  TestOrigin(String name) throws IOException {
    this.name = name;
    this.handler = (ex, body) -> reply(ex, 200, name);
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
    server.setExecutor(pool);
    server.createContext("/", ex -> {
      try {
        byte[] body = ex.getRequestBody().readAllBytes();
        seen.add(new Seen(ex.getRequestMethod(), ex.getRequestURI().toString(), ex.getRequestHeaders(), body, ex.getRemoteAddress()));
        clientPorts.add(ex.getRemoteAddress().getPort());
        handler.handle(ex, body);
      } catch (Exception e) {
        ex.close();
      } finally {
        ex.close();
      }
    });
    server.start();
  }

  TestOrigin handler(Handler h) {
    this.handler = h;
    return this;
  }

  int port() {
    return server.getAddress().getPort();
  }

  String url() {
    return "http://127.0.0.1:" + port();
  }

  Instance instance(String service, String version) {
    return new Instance(name, service, version, "127.0.0.1", port(), null, Instance.Status.UP, Map.of(), null, 0, false);
  }

  Seen last() {
    return seen.get(seen.size() - 1);
  }

  static void reply(HttpExchange ex, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "text/plain");
    ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(b);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
  }
}
