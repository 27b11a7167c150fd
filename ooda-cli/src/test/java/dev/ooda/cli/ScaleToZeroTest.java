package dev.ooda.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ooda.deploy.Rollouts;
import dev.ooda.deploy.Supervisor;
import dev.ooda.gateway.GatewayOptions;
import dev.ooda.gateway.GatewayServer;
import dev.ooda.model.DeploymentSpec;
import dev.ooda.testing.Eventually;
import dev.ooda.testing.TestControl;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Scale to zero with real processes: the example catalog deployed with {@code --idle 5s} stops
 * after five seconds without requests, and the next request through the gateway is held while the
 * supervisor starts an instance, then answered by it.
 */
class ScaleToZeroTest {
  private static final Duration LONG = Duration.ofSeconds(90);

  @Test
  void aVersionAtZeroIsWokenByARequestThatSucceeds() throws Exception {
    TestControl t = TestControl.start();
    Platform p = new Platform(new PrintWriter(Writer.nullWriter()));
    try (t; p) {
      GatewayServer g = Roles.gateway(p, t.control.zookeeper(), GatewayOptions.builder().ephemeral().build());
      Roles.deploy(p, t.control.zookeeper(), Supervisor.Options.of(Files.createTempDirectory("ooda-deploy"),
              URI.create(t.control.url()), t.adminToken())
          .withPlatform(t.zookeeper.getConnectString(), null).withStop(Duration.ofMillis(200), Duration.ofSeconds(15)),
          null, "gateway");
      t.client().apply("kind: Route\nname: catalog\nspec: {match: {pathPrefix: /}, to: [{service: catalog}]}\n");

      assertThat(ooda(t, deploy("v1", "--idle", "5s", "--wait", "--timeout", "2m"))).startsWith("0\n").contains("stable: v1 serves");
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      URI items = URI.create("http://127.0.0.1:" + g.port() + "/items");
      Eventually.within(LONG, () -> assertThat(http.send(HttpRequest.newBuilder(items).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200));

      // five seconds without requests: the instance is drained and stopped, and the status says why
      Eventually.within(LONG, () -> {
        assertThat(t.registry().instances("catalog")).isEmpty();
        assertThat(deployment(t).status().reason()).contains("v1 at zero: no request since").contains("idle after 5s");
      });
      assertThat(ooda(t, "get", "deployments")).contains("0/1").contains("v1 at zero");

      // the next request is held while an instance starts, and answered by it
      HttpResponse<String> woken = http.send(HttpRequest.newBuilder(items).timeout(Duration.ofSeconds(60)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(woken.statusCode()).isEqualTo(200);
      assertThat(t.registry().instances("catalog")).hasSize(1);

      // the cold start is measured by the gateway and shown per service (the instance may be at zero
      // again by now: five seconds without requests)
      assertThat(g.meterRegistry().scrape()).contains("ooda_gateway_cold_start_seconds_count{service=\"catalog\"} 1");
      Eventually.within(LONG, () -> {
        DeploymentSpec.ColdStart cold = deployment(t).status().coldStart();
        assertThat(cold).isNotNull();
        assertThat(cold.millis()).isPositive();
      });
      assertThat(ooda(t, "get", "deployments")).contains("idle after 5s, last cold start");
    }
  }

  private static DeploymentSpec deployment(TestControl t) {
    return Rollouts.find(t.client(), "catalog").spec(DeploymentSpec.class);
  }

  private static String[] deploy(String version, String... extra) {
    List<String> a = new ArrayList<>(List.of("deploy", "catalog", "--version", version, "--heap-mb", "96"));
    a.addAll(List.of(extra));
    a.addAll(List.of("--command", Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--",
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
        "dev.ooda.examples.catalog.CatalogServer"));
    return a.toArray(String[]::new);
  }

  private static String ooda(TestControl t, String... args) {
    StringWriter out = new StringWriter();
    CommandLine cl = Main.commandLine(args[0]);
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(out, true));
    List<String> all = new ArrayList<>(List.of(args));
    int dashes = all.indexOf("--");
    all.addAll(dashes < 0 ? all.size() : dashes, List.of("--server", t.control.url(), "--token", t.adminToken()));
    int code = Main.run(cl, all.toArray(String[]::new));
    return code + "\n" + out;
  }
}
