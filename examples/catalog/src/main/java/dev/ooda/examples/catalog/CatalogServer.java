package dev.ooda.examples.catalog;

import dev.ooda.kit.Kit;
import dev.ooda.kit.OodaService;

/**
 * The catalog service as a runnable role: {@code start()} and {@code close()} around one
 * {@link Options} record.
 *
 * <pre>{@code
 * try (CatalogServer catalog = CatalogServer.start(new CatalogServer.Options(0, "http://127.0.0.1:9900",
 *     "127.0.0.1:2181", "http://127.0.0.1:9411", null))) {
 *   int port = catalog.port();
 * }
 * }</pre>
 */
public final class CatalogServer implements AutoCloseable {
  /**
   * @param port         HTTP port; 0 picks a free one
   * @param controlPlane control plane URL(s) to register with
   * @param zookeeper    ZooKeeper connect string, for calls to other services (none here, but every service has it)
   * @param zipkin       span collector URL, or null
   * @param zone         where it runs, or null
   */
  public record Options(int port, String controlPlane, String zookeeper, String zipkin, String zone) {}

  private final Kit kit;
  private final OodaService service;

  private CatalogServer(Kit kit, OodaService service) {
    this.kit = kit;
    this.service = service;
  }

  public static CatalogServer start(Options o) {
    Kit kit = Kit.builder(CatalogClient.SERVICE).controlPlane(o.controlPlane())
        .zookeeper(o.zookeeper()).zipkin(o.zipkin()).zone(o.zone()).start();
    try {
      return new CatalogServer(kit, kit.server("v1").port(o.port()).annotatedService(new CatalogApi()).start());
    } catch (RuntimeException e) {
      kit.close();
      throw e;
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

  /** {@code CatalogServer PORT CONTROL_URL ZOOKEEPER [ZIPKIN_URL]}; drains on SIGTERM. */
  public static void main(String[] args) throws InterruptedException {
    CatalogServer s = start(new Options(Integer.parseInt(args[0]), args[1], args[2], args.length > 3 ? args[3] : null, null));
    Runtime.getRuntime().addShutdownHook(new Thread(s::close));
    Thread.currentThread().join();
  }
}
