package dev.ooda.gateway.routing;

import dev.ooda.model.Resource;
import dev.ooda.model.ResourceCodec;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Route matching over 10,000 routes (targets: compile under 1 s, match under 1 us median).
 * Not a test: run it with {@code bench/gateway/jmh.sh}.
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class RouteMatchBench {
  static final int ROUTES = 10_000;

  List<Resource> resources;
  RouteTable table;
  RequestView[] requests;
  int next;

  /** A request with only what matching reads. */
  record Req(String method, String host, String path, Map<String, String> headers) implements RequestView {
    @Override
    public String header(CharSequence name) {
      return headers.get(name.toString());
    }

    @Override
    public String query(String name) {
      return null;
    }

    @Override
    public String cookie(String name) {
      return null;
    }
  }

  /** A fifth each of exact paths, templates, prefixes, prefixes with a header condition, and host-bound prefixes. */
  static List<Resource> routes(int n) {
    StringBuilder y = new StringBuilder(n * 120);
    for (int i = 0; i < n; i++) {
      int svc = i / 5;
      String match = switch (i % 5) {
        case 0 -> "{path: /svc" + svc + "/exact}";
        case 1 -> "{pathTemplate: '/svc" + svc + "/items/{id}/reviews/{rid}'}";
        case 2 -> "{pathPrefix: /svc" + svc + "/api}";
        case 3 -> "{pathPrefix: /svc" + svc + "/api, headers: {x-canary: 'on'}}";
        default -> "{pathPrefix: /svc" + svc + ", host: svc" + svc + ".example.com}";
      };
      y.append("---\nkind: Route\nname: r").append(i).append("\nspec:\n  match: ").append(match)
          .append("\n  to: [{service: svc").append(svc).append("}]\n");
    }
    return ResourceCodec.readYaml(y.toString());
  }

  @Setup(Level.Trial)
  public void setup() {
    resources = routes(ROUTES);
    table = RouteTable.compile(resources, RouteResources.standalone());
    Random r = new Random(42);
    requests = new RequestView[4096];
    int svcs = ROUTES / 5;
    for (int i = 0; i < requests.length; i++) {
      int svc = r.nextInt(svcs);
      String path = switch (r.nextInt(4)) {
        case 0 -> "/svc" + svc + "/exact";
        case 1 -> "/svc" + svc + "/items/" + r.nextInt(1_000_000) + "/reviews/" + r.nextInt(100);
        case 2 -> "/svc" + svc + "/api/orders/" + r.nextInt(1000);
        default -> "/svc" + svc + "/static/app.js";
      };
      requests[i] = new Req("GET", "svc" + svc + ".example.com", path,
          r.nextBoolean() ? Map.of("x-canary", "on") : Map.of());
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public CompiledRoute match() {
    RequestView q = requests[next++ & (requests.length - 1)];
    return table.match(q);
  }

  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 5)
  @Measurement(iterations = 10)
  public RouteTable compile() {
    return RouteTable.compile(resources, RouteResources.standalone());
  }
}
