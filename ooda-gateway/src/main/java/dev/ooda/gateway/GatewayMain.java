package dev.ooda.gateway;

import dev.ooda.model.Instance;
import dev.ooda.model.Kinds;
import dev.ooda.model.Resource;
import dev.ooda.model.ResourceCodec;
import dev.ooda.model.ServiceSpec;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a gateway alone, from a file of resources: Routes, and Services whose fixed endpoints
 * become their instances and whose access groups the gateway enforces (as the service {@code gateway}).
 *
 * <pre>
 * java -cp ... dev.ooda.gateway.GatewayMain --port 8080 --management-port 8081 --routes routes.yaml
 *     [--host 0.0.0.0] [--snapshot file.json] [--zipkin http://127.0.0.1:9411] [--io-threads N] [--no-access-log] [--traces-per-second N]
 *     [--tls-port 8443 --tls-keystore gateway.p12 --tls-password secret]
 * </pre>
 */
public final class GatewayMain {
  private GatewayMain() {}

  public static void main(String[] args) throws Exception {
    try {
      run(args);
    } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
      // A bad number, an option without its value, or an option out of range: said plainly, no stack trace.
      System.err.println("ooda gateway: " + (e instanceof ArrayIndexOutOfBoundsException ? "an option lacks its value"
          : e instanceof NumberFormatException ? "not a number: " + e.getMessage() : e.getMessage()));
      System.exit(2);
    }
  }

  private static void run(String[] args) throws Exception {
    GatewayOptions.Builder o = GatewayOptions.builder();
    Path routes = null;
    int tlsPort = -1;
    Path keyStore = null;
    String password = null;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--port" -> o.port(Integer.parseInt(args[++i]));
        case "--management-port" -> o.managementPort(Integer.parseInt(args[++i]));
        case "--host" -> o.host(args[++i]);
        case "--routes" -> routes = Path.of(args[++i]);
        case "--snapshot" -> o.snapshotFile(Path.of(args[++i]));
        case "--zipkin" -> o.zipkinUrl(args[++i]);
        case "--io-threads" -> o.ioThreads(Integer.parseInt(args[++i]));
        case "--no-access-log" -> o.accessLog(false);
        case "--traces-per-second" -> o.tracesPerSecond(Integer.parseInt(args[++i]));
        case "--tls-port" -> tlsPort = Integer.parseInt(args[++i]);
        case "--tls-keystore" -> keyStore = Path.of(args[++i]);
        case "--tls-password" -> password = args[++i];
        default -> {
          System.err.println("unknown option " + a);
          System.err.println("usage: GatewayMain [--port N] [--management-port N] [--host H] [--routes file.yaml]"
              + " [--snapshot file] [--zipkin url] [--io-threads N] [--no-access-log] [--traces-per-second N]"
              + " [--tls-port N --tls-keystore file.p12 --tls-password pw]");
          System.exit(2);
        }
      }
    }
    if (keyStore != null) o.tls(new TlsOptions(tlsPort < 0 ? 8443 : tlsPort, keyStore, password));
    GatewayServer server = new GatewayServer(o.build());
    if (routes != null) {
      List<Resource> all = ResourceCodec.readYaml(Files.readString(routes));
      server.routes(all);
      server.accessGroups(all); // the Services' access groups, enforced at the edge
      server.flags(all); // the Flags and Segments that routes evaluate
      for (Resource r : all) {
        if (Kinds.SERVICE.name().equals(r.kind())) server.instances(r.name(), endpoints(r.name(), r.spec(ServiceSpec.class)));
      }
    }
    server.start();
    System.out.println("ooda gateway listening on " + server.port() + ", management on " + server.managementPort());
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stop.countDown();
    }));
    stop.await();
  }

  /** A Service's fixed endpoints as instances, as the control plane lists them. */
  static List<Instance> endpoints(String service, ServiceSpec spec) {
    String health = spec.health() != null ? spec.health().path() : null;
    List<Instance> out = new ArrayList<>();
    for (int n = 0; n < spec.endpoints().size(); n++) {
      Instance i = Instance.ofEndpoint(service, n, spec.endpoints().get(n), health);
      if (i != null) out.add(i);
    }
    return out;
  }
}
