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
   * @param version      the version it registers as
   * @param failPercent  the error switch: this share of requests (0 to 100) answers 500, to make a bad version
   */
  public record Options(int port, String controlPlane, String zookeeper, String zipkin, String zone, String version,
                        int failPercent) {
    public Options(int port, String controlPlane, String zookeeper, String zipkin, String zone) {
      this(port, controlPlane, zookeeper, zipkin, zone, "v1", 0);
    }

    /**
     * As a supervisor starts it: {@code OODA_PORT}, {@code OODA_SERVER}, {@code OODA_ZOOKEEPER},
     * {@code OODA_ZIPKIN}, {@code OODA_VERSION} (default v1) and the error switch
     * {@code CATALOG_FAIL_PERCENT} (default 0). Its identity comes from {@code OODA_CREDENTIALS}.
     */
    public static Options fromEnvironment(java.util.Map<String, String> env) {
      String fail = env.getOrDefault("CATALOG_FAIL_PERCENT", "0");
      int percent;
      try {
        percent = Integer.parseInt(fail.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("CATALOG_FAIL_PERCENT '" + fail + "' is not a number from 0 to 100");
      }
      if (percent < 0 || percent > 100) throw new IllegalArgumentException("CATALOG_FAIL_PERCENT must be 0 to 100, is " + percent);
      String port = env.get("OODA_PORT");
      if (port == null) throw new IllegalArgumentException("OODA_PORT is not set");
      return new Options(Integer.parseInt(port.trim()), env.get("OODA_SERVER"), env.get("OODA_ZOOKEEPER"),
          env.get("OODA_ZIPKIN"), null, env.getOrDefault("OODA_VERSION", "v1"), percent);
    }
  }

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
      var server = kit.server(o.version()).port(o.port()).annotatedService(new CatalogApi());
      if (o.failPercent() > 0) server.configure(sb -> sb.decorator(failing(o.failPercent())));
      return new CatalogServer(kit, server.start());
    } catch (RuntimeException e) {
      kit.close();
      throw e;
    }
  }

  /** Answers {@code percent} of the API's requests with 500, spread evenly (health and metrics keep working). */
  private static com.linecorp.armeria.server.DecoratingHttpServiceFunction failing(int percent) {
    java.util.concurrent.atomic.AtomicLong n = new java.util.concurrent.atomic.AtomicLong();
    return (delegate, ctx, req) -> {
      String path = ctx.path();
      if (!path.startsWith(OodaService.HEALTH_PATH) && !path.startsWith(OodaService.METRICS_PATH)
          && (n.getAndIncrement() % 100) < percent) {
        throw dev.ooda.model.Problem.of(dev.ooda.model.ProblemType.INTERNAL,
            "the error switch is on (CATALOG_FAIL_PERCENT=" + percent + ")").toException();
      }
      return delegate.serve(ctx, req);
    };
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

  /**
   * {@code CatalogServer PORT CONTROL_URL ZOOKEEPER [ZIPKIN_URL]}, or with no arguments as a
   * supervisor starts it (see {@link Options#fromEnvironment}); drains on SIGTERM.
   */
  public static void main(String[] args) throws InterruptedException {
    Options o = args.length == 0 ? Options.fromEnvironment(System.getenv())
        : new Options(Integer.parseInt(args[0]), args[1], args[2], args.length > 3 ? args[3] : null, null);
    CatalogServer s = start(o);
    Runtime.getRuntime().addShutdownHook(new Thread(s::close));
    Thread.currentThread().join();
  }
}
