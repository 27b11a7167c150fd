package dev.ooda.examples.monolith;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small shop as one legacy application: the home page, the catalog, orders, reviews and the
 * user's account in one process on the JDK's HTTP server, knowing nothing of ooda. {@code ooda demo}
 * puts the gateway in front of it and carves its APIs out one at a time.
 *
 * <p>Each API answers with or without its {@code /api} prefix ({@code /api/orders} and
 * {@code /orders}), so that a route that strips the prefix for a new service may still send a
 * share of its traffic here. Every JSON answer says {@code "servedBy":"monolith"}.
 */
public final class Monolith implements AutoCloseable {
  private static final Pattern ITEM = Pattern.compile("/catalog/items/([A-Za-z0-9-]+)");
  private static final Pattern ORDER = Pattern.compile("/orders/(\\d+)");
  private static final Pattern REVIEWS = Pattern.compile("/reviews/([A-Za-z0-9-]+)");
  private static final String ITEMS = "[{\"id\":\"lamp\",\"name\":\"Desk lamp\",\"priceCents\":2900},"
      + "{\"id\":\"mug\",\"name\":\"Mug\",\"priceCents\":900},{\"id\":\"rug\",\"name\":\"Rug\",\"priceCents\":12900}]";

  private final HttpServer server;
  private final AtomicLong nextOrder = new AtomicLong(1000);

  private Monolith(HttpServer server) {
    this.server = server;
  }

  /** Serves on 127.0.0.1:{@code port} (0 picks a free one). */
  public static Monolith start(int port) throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
    Monolith m = new Monolith(s);
    s.createContext("/", m::handle);
    s.setExecutor(Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "monolith");
      t.setDaemon(true);
      return t;
    }));
    s.start();
    return m;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public String url() {
    return "http://127.0.0.1:" + port();
  }

  private void handle(HttpExchange x) throws IOException {
    try (x; InputStream in = x.getRequestBody()) {
      byte[] body = in.readAllBytes();
      String method = x.getRequestMethod();
      String path = x.getRequestURI().getPath();
      if (path.equals("/")) {
        send(x, 200, "text/html; charset=utf-8", "<!doctype html><title>Shop</title><h1>The shop</h1>"
            + "<p>served by the monolith: <a href=\"/api/catalog/items\">catalog</a>, orders, reviews, account.</p>");
        return;
      }
      if (path.equals("/health")) {
        send(x, 200, "text/plain", "ok");
        return;
      }
      String api = path.startsWith("/api/") ? path.substring(4) : path;
      Matcher m;
      if (method.equals("GET") && api.equals("/catalog/items")) {
        json(x, 200, "{\"items\":" + ITEMS + ",\"servedBy\":\"monolith\"}");
      } else if (method.equals("GET") && (m = ITEM.matcher(api)).matches()) {
        json(x, 200, "{\"id\":\"" + m.group(1) + "\",\"servedBy\":\"monolith\"}");
      } else if (method.equals("POST") && api.equals("/orders")) {
        String customer = field(new String(body, StandardCharsets.UTF_8), "customer");
        json(x, 201, "{\"id\":" + nextOrder.incrementAndGet() + ",\"customer\":\"" + customer
            + "\",\"status\":\"open\",\"servedBy\":\"monolith\"}");
      } else if (method.equals("GET") && (m = ORDER.matcher(api)).matches()) {
        json(x, 200, "{\"id\":" + m.group(1) + ",\"status\":\"open\",\"servedBy\":\"monolith\"}");
      } else if (method.equals("GET") && (m = REVIEWS.matcher(api)).matches()) {
        json(x, 200, "{\"item\":\"" + m.group(1) + "\",\"reviews\":[{\"stars\":4,\"text\":\"fine\"}],\"servedBy\":\"monolith\"}");
      } else if (api.equals("/account")) {
        String user = x.getRequestHeaders().getFirst("X-User-Id");
        json(x, 200, "{\"user\":\"" + (user == null ? "guest" : user.replaceAll("[^A-Za-z0-9-]", "")) + "\",\"servedBy\":\"monolith\"}");
      } else {
        send(x, 404, "application/problem+json", "{\"type\":\"about:blank\",\"title\":\"Not Found\",\"status\":404,\"detail\":\"the monolith has no "
            + method + " " + path.replaceAll("[^A-Za-z0-9/._-]", "") + "\"}");
      }
    }
  }

  /** A string field of a flat JSON object, well enough for a demo: the legacy app has no JSON library. */
  private static String field(String json, String name) {
    Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*\"([A-Za-z0-9 ._-]*)\"").matcher(json);
    return m.find() ? m.group(1) : "";
  }

  private static void json(HttpExchange x, int status, String body) throws IOException {
    send(x, status, "application/json", body);
  }

  private static void send(HttpExchange x, int status, String type, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().set("Content-Type", type);
    x.sendResponseHeaders(status, b.length);
    x.getResponseBody().write(b);
  }

  @Override
  public void close() {
    server.stop(0);
  }

  /** {@code Monolith [PORT]} (default 3000). */
  public static void main(String[] args) throws Exception {
    Monolith m = start(args.length > 0 ? Integer.parseInt(args[0]) : 3000);
    System.out.println("monolith on " + m.url());
    Runtime.getRuntime().addShutdownHook(new Thread(m::close));
    Thread.currentThread().join();
  }
}
