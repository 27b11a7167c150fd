package dev.ooda.examples.orders;

import dev.ooda.kit.Kit;
import dev.ooda.kit.OodaService;
import dev.ooda.kit.data.OodaData;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The orders service as a runnable role. At start it applies its namespace (the migrations in
 * {@code orders-namespace.yaml}, with the storage the deployment chose) to the control plane,
 * waits until the data service serves it migrated, then registers and serves.
 *
 * <pre>{@code
 * try (OrdersServer orders = OrdersServer.start(new OrdersServer.Options(0, "http://127.0.0.1:9900",
 *     "127.0.0.1:2181", adminToken, "sqlite", null))) {
 *   int port = orders.port();
 * }
 * }</pre>
 */
public final class OrdersServer implements AutoCloseable {
  public static final String NAMESPACE = "orders";
  /** How long the start waits for the data service to serve the namespace migrated. */
  static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  /**
   * @param port         HTTP port; 0 picks a free one
   * @param controlPlane control plane URL to register with and apply the namespace to
   * @param zookeeper    ZooKeeper connect string, where the data service's instances are found
   * @param adminToken   token to apply the namespace with; null when it is applied by other means
   *                     ({@code ooda apply -f orders-namespace.yaml})
   * @param backend      {@code sqlite}, {@code postgres} or {@code mysql}
   * @param connection   the database URL or a secret reference ({@code env:ORDERS_DB_URL}) the
   *                     data service resolves; null for SQLite
   */
  public record Options(int port, String controlPlane, String zookeeper, String adminToken, String backend, String connection) {}

  private final Kit kit;
  private final OodaService service;

  private OrdersServer(Kit kit, OodaService service) {
    this.kit = kit;
    this.service = service;
  }

  public static OrdersServer start(Options o) {
    Kit kit = Kit.builder(OrdersClient.SERVICE).controlPlane(o.controlPlane()).zookeeper(o.zookeeper()).start();
    try {
      if (o.adminToken() != null) apply(o.controlPlane(), o.adminToken(), namespace(o.backend(), o.connection()));
      OodaData data = kit.data(NAMESPACE);
      data.awaitReady(READY_TIMEOUT);
      return new OrdersServer(kit, kit.server("v1").port(o.port()).annotatedService(new OrdersApi(data)).start());
    } catch (RuntimeException e) {
      kit.close();
      throw e;
    }
  }

  /** The Namespace resource: the migrations this service ships, stored where the deployment says. */
  static String namespace(String backend, String connection) {
    String yaml;
    try (InputStream in = OrdersServer.class.getResourceAsStream("/orders-namespace.yaml")) {
      yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    StringBuilder storage = new StringBuilder("spec:\n  backend: ").append(backend == null ? "sqlite" : backend).append('\n');
    if (connection != null) {
      String kind = connection.startsWith("env:") || connection.startsWith("file:") ? "secret" : "url";
      storage.append("  connection: {").append(kind).append(": \"").append(connection.replace("\"", "\\\"")).append("\"}\n");
    }
    return yaml.replaceFirst("(?m)^spec:\\n", java.util.regex.Matcher.quoteReplacement(storage.toString()));
  }

  /** {@code POST /api/v1/apply} on the control plane, as {@code ooda apply -f} does. */
  private static void apply(String controlPlane, String token, String yaml) {
    String base = controlPlane.split(",")[0].trim().replaceAll("/+$", "");
    HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/api/v1/apply")).timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/yaml").header("Authorization", "Bearer " + token)
        .POST(HttpRequest.BodyPublishers.ofString(yaml)).build();
    try {
      HttpResponse<String> res = HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString());
      if (res.statusCode() / 100 != 2) {
        throw new IllegalStateException("the control plane refused namespace '" + NAMESPACE + "': " + res.statusCode() + " " + res.body());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot reach the control plane at " + base, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public int port() {
    return service.port();
  }

  /** Drains (leaves the registry, finishes requests in flight), then stops. */
  @Override
  public void close() {
    service.close();
    kit.close();
  }

  /** {@code OrdersServer PORT CONTROL_URL ZOOKEEPER [BACKEND CONNECTION]}; reads the admin token from OODA_TOKEN; drains on SIGTERM. */
  public static void main(String[] args) throws InterruptedException {
    OrdersServer s = start(new Options(Integer.parseInt(args[0]), args[1], args[2], System.getenv("OODA_TOKEN"),
        args.length > 3 ? args[3] : "sqlite", args.length > 4 ? args[4] : null));
    Runtime.getRuntime().addShutdownHook(new Thread(s::close));
    Thread.currentThread().join();
  }
}
