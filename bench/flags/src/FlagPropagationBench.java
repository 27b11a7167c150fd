import dev.ooda.control.client.ControlClient;
import dev.ooda.flags.Context;
import dev.ooda.kit.Kit;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Time from applying a flag change to the control plane until each evaluator answers with it: a
 * kit (its change watch), the gateway (a route on the flag; ZooKeeper watch through the assembler)
 * and the control plane's OFREP endpoint. Runs against a platform started by {@code ooda up}.
 *
 * <pre>FlagPropagationBench CONTROL_URL GATEWAY_URL DATA_DIR [ROUNDS]</pre>
 */
public final class FlagPropagationBench {
  static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  public static void main(String[] args) throws Exception {
    URI control = URI.create(args[0]);
    URI gateway = URI.create(args[1] + "/propagation");
    String token = Files.readString(Path.of(args[2], "admin-token")).trim();
    int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 100;
    ControlClient admin = new ControlClient(control, token);
    admin.apply(flag("a") + """
        ---
        kind: Route
        name: propagation-a
        spec: {match: {path: /propagation, flags: {propagation: a}}, respond: {status: 200, body: a}}
        ---
        kind: Route
        name: propagation
        spec: {match: {path: /propagation}, respond: {status: 200, body: b}}
        """);
    try (Kit kit = Kit.builder("flag-bench").controlPlane(control.toString()).start()) {
      if (!kit.flags().awaitReady(10, TimeUnit.SECONDS)) throw new IllegalStateException("the kit's flags did not arrive");
      List<Double> kitMs = new ArrayList<>(), gatewayMs = new ArrayList<>(), ofrepMs = new ArrayList<>();
      for (int i = 0; i < rounds + 10; i++) {
        String want = i % 2 == 0 ? "b" : "a";
        long t0 = System.nanoTime();
        admin.apply(flag(want));
        long kitAt = 0, gatewayAt = 0, ofrepAt = 0;
        while (kitAt == 0 || gatewayAt == 0 || ofrepAt == 0) {
          long now = System.nanoTime();
          if (now - t0 > TimeUnit.SECONDS.toNanos(10)) throw new IllegalStateException("round " + i + " did not propagate in 10 s");
          if (kitAt == 0 && want.equals(kit.flags().evaluate("propagation", Context.EMPTY).variant())) kitAt = System.nanoTime();
          if (gatewayAt == 0 && want.equals(get(gateway))) gatewayAt = System.nanoTime();
          if (ofrepAt == 0 && ofrep(control).contains("\"variant\":\"" + want + "\"")) ofrepAt = System.nanoTime();
          Thread.sleep(0, 200_000);
        }
        if (i < 10) continue; // warm-up rounds
        kitMs.add((kitAt - t0) / 1e6);
        gatewayMs.add((gatewayAt - t0) / 1e6);
        ofrepMs.add((ofrepAt - t0) / 1e6);
        Thread.sleep(20);
      }
      System.out.printf("flag change -> evaluator answers with it, %d rounds (ms, from the apply call's start)%n", rounds);
      report("kit", kitMs);
      report("gateway", gatewayMs);
      report("ofrep", ofrepMs);
    }
  }

  static String flag(String variant) {
    return """
        kind: Flag
        name: propagation
        spec: {owner: bench, variants: {a: "a", b: "b"}, defaultVariant: %s}
        """.formatted(variant);
  }

  static String get(URI uri) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  static String ofrep(URI control) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(control.resolve("/ofrep/v1/evaluate/flags/propagation"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"context\":{}}")).build(),
        HttpResponse.BodyHandlers.ofString()).body().replace(" ", "");
  }

  static void report(String evaluator, List<Double> ms) {
    Collections.sort(ms);
    System.out.printf("%-8s p50 %7.1f   p99 %7.1f   max %7.1f%n", evaluator, ms.get(ms.size() / 2),
        ms.get((int) Math.ceil(ms.size() * 0.99) - 1), ms.get(ms.size() - 1));
  }
}
