package dev.ooda.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ooda.deploy.Rollouts;
import dev.ooda.deploy.RouteWeights;
import dev.ooda.deploy.Supervisor;
import dev.ooda.gateway.GatewayOptions;
import dev.ooda.gateway.GatewayServer;
import dev.ooda.model.DeploymentSpec;
import dev.ooda.model.Instance;
import dev.ooda.testing.Eventually;
import dev.ooda.testing.TestControl;
import dev.ooda.trace.TraceOptions;
import dev.ooda.trace.TraceServer;
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
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Deployments through the CLI against a real platform: control plane, gateway, span collector and
 * the deployments role, running the example catalog service as child processes.
 */
class DeployTest {
  private static final Duration LONG = Duration.ofSeconds(90);

  /** The platform a test deploys on. */
  private record Setup(TestControl t, Platform p, GatewayServer gateway, String zipkin) implements AutoCloseable {
    static Setup start() throws Exception {
      TestControl t = TestControl.start();
      Platform p = new Platform(new PrintWriter(Writer.nullWriter()));
      TraceServer traces = Roles.traces(p, TraceOptions.builder().port(0).build());
      String zipkin = "http://127.0.0.1:" + traces.port();
      GatewayServer g = Roles.gateway(p, t.control.zookeeper(), GatewayOptions.builder().ephemeral().zipkinUrl(zipkin).build());
      Roles.deploy(p, t.control.zookeeper(), Supervisor.Options.of(Files.createTempDirectory("ooda-deploy"),
              URI.create(t.control.url()), t.adminToken())
          .withPlatform(t.zookeeper.getConnectString(), zipkin).withStop(Duration.ofSeconds(1), Duration.ofSeconds(15)),
          zipkin, "gateway");
      // every request traced, so that each canary step has its samples quickly
      t.client().apply("kind: Route\nname: catalog\nspec: {match: {pathPrefix: /}, to: [{service: catalog}], sampleRate: 1.0}\n");
      return new Setup(t, p, g, zipkin);
    }

    /** Runs an ooda command against this platform; answers its exit code and output. */
    String ooda(String... args) {
      StringWriter out = new StringWriter();
      CommandLine cl = Main.commandLine(args[0]);
      cl.setOut(new PrintWriter(out, true));
      cl.setErr(new PrintWriter(out, true));
      List<String> all = new ArrayList<>(List.of(args));
      int dashes = all.indexOf("--");
      List<String> options = List.of("--server", t.control.url(), "--token", t.adminToken());
      all.addAll(dashes < 0 ? all.size() : dashes, options);
      int code = Main.run(cl, all.toArray(String[]::new));
      return code + "\n" + out;
    }

    DeploymentSpec deployment() {
      return Rollouts.find(t.client(), "catalog").spec(DeploymentSpec.class);
    }

    Map<String, Double> traffic() {
      return RouteWeights.percents(Rollouts.readRoute(t.client(), "catalog"), "catalog");
    }

    long instances(String version) {
      return t.registry().instances("catalog").stream().filter(i -> version.equals(i.version())).count();
    }

    @Override
    public void close() throws Exception {
      p.close();
      t.close();
    }
  }

  /** {@code ooda deploy catalog --version V --command java -- <the catalog on this classpath>}, plus {@code extra} options. */
  private static String[] deploy(String version, String... extra) {
    List<String> a = new ArrayList<>(List.of("deploy", "catalog", "--version", version, "--heap-mb", "96"));
    a.addAll(List.of(extra));
    a.addAll(List.of("--command", Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--",
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
        "dev.ooda.examples.catalog.CatalogServer"));
    return a.toArray(String[]::new);
  }

  /** Steady GETs through the gateway on a few threads, counting what failed. */
  private static final class Load implements AutoCloseable {
    final AtomicBoolean running = new AtomicBoolean(true);
    final AtomicInteger ok = new AtomicInteger();
    final List<String> failures = new CopyOnWriteArrayList<>();
    final List<Thread> threads = new ArrayList<>();

    Load(int port) {
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      URI uri = URI.create("http://127.0.0.1:" + port + "/items");
      for (int c = 0; c < 3; c++) {
        Thread th = new Thread(() -> {
          while (running.get()) {
            try {
              HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                  HttpResponse.BodyHandlers.ofString());
              if (r.statusCode() == 200) ok.incrementAndGet();
              else failures.add(r.statusCode() + " " + r.body());
              Thread.sleep(5);
            } catch (InterruptedException e) {
              return;
            } catch (Exception e) {
              failures.add(e.toString());
            }
          }
        });
        th.start();
        threads.add(th);
      }
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      for (Thread th : threads) th.join();
    }
  }

  private static void awaitServing(int port) throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    Eventually.within(LONG, () -> assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/items")).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200));
  }

  @Test
  void aCanaryPromotesOnGoodMetricsAndARollbackMovesTrafficBackWithoutAFailedRequest() throws Exception {
    try (Setup s = Setup.start()) {
      assertThat(s.ooda(deploy("v1"))).startsWith("0\n").contains("deployment catalog: v1 added (sideBySide, route catalog)");
      Eventually.within(LONG, () -> assertThat(s.deployment().status().phase()).isEqualTo(DeploymentSpec.Phase.stable));
      awaitServing(s.gateway().port());
      assertThat(s.traffic()).containsEntry("v1", 100.0);

      try (Load load = new Load(s.gateway().port())) {
        String out = s.ooda(deploy("v2", "--strategy", "canary", "--steps", "20:2s,50:2s,100:2s",
            // a fresh JVM is slower than a warm one for its first seconds: latency is not what this test judges
            "--analysis", "maxLatencyIncrease=20", "--analysis", "warmup=0s", "--wait", "--timeout", "3m"));
        assertThat(out).startsWith("0\n").contains("canary 20% 2s -> 50% 2s -> 100% 2s")
            .contains("progressing: step 1 of 3").contains("promoted: v2 promoted");
        assertThat(s.traffic()).containsEntry("v2", 100.0).containsEntry("v1", 0.0);
        DeploymentSpec.Status st = s.deployment().status();
        assertThat(st.stable()).isEqualTo("v2");
        assertThat(st.previous()).isEqualTo("v1");
        assertThat(st.analysis().verdict()).isEqualTo("pass");
        assertThat(st.analysis().metrics()).extracting(DeploymentSpec.Metric::result).doesNotContain("noData", "high");
        assertThat(s.ooda("get", "deployments")).contains("v2        stable").contains("100.0%").contains("v1        previous");
        assertThat(s.ooda("deployments", "analysis", "catalog")).contains("step 3 at 100%").contains("errorRate")
            .contains("Mann-Whitney U");
        int before = load.ok.get();
        Eventually.within(LONG, () -> assertThat(load.ok.get()).isGreaterThan(before + 50));

        // v1 still runs (one instance): all traffic goes back at once, then v2 is drained and stopped
        assertThat(s.ooda("rollback", "catalog")).startsWith("0\n").contains("catalog: all traffic on v1 (route catalog); v2 is stopping");
        assertThat(s.traffic()).containsEntry("v1", 100.0);
        Eventually.within(LONG, () -> assertThat(s.instances("v2")).isZero());
        int after = load.ok.get();
        Eventually.within(LONG, () -> assertThat(load.ok.get()).isGreaterThan(after + 50));
        load.close();
        assertThat(load.failures).isEmpty();
        assertThat(load.ok.get()).isGreaterThan(200);
      }
      assertThat(s.deployment().status().phase()).isEqualTo(DeploymentSpec.Phase.rolledBack);
      assertThat(s.deployment().versions()).extracting(DeploymentSpec.Version::version).containsExactly("v1");
    }
  }

  @Test
  void versionsRunSideBySideAndABadCanaryRollsBackByItself() throws Exception {
    try (Setup s = Setup.start()) {
      assertThat(s.ooda(deploy("v1"))).startsWith("0\n");
      assertThat(s.ooda(deploy("v2", "--wait", "--timeout", "2m"))).startsWith("0\n")
          .contains("running: v2 runs beside v1 and takes no traffic until promoted");
      assertThat(s.t().registry().instances("catalog")).extracting(Instance::version).containsExactlyInAnyOrder("v1", "v2");
      assertThat(s.traffic()).containsEntry("v1", 100.0).containsEntry("v2", 0.0);
      assertThat(s.ooda("get", "deployments")).contains("v1        stable").contains("v2        candidate   1/1");
      // one rollout at a time
      assertThat(s.ooda(deploy("v3"))).startsWith("1\n").contains("v2 of catalog is still being rolled out");
      assertThat(s.ooda("rollback", "catalog")).startsWith("0\n").contains("v2 is stopping");
      Eventually.within(LONG, () -> assertThat(s.instances("v2")).isZero());
      awaitServing(s.gateway().port());

      try (Load load = new Load(s.gateway().port())) {
        // v3 answers half its requests with 500: the first step's analysis sees it and rolls back
        String out = s.ooda(deploy("v3", "--env", "CATALOG_FAIL_PERCENT=50", "--strategy", "canary", "--steps", "30:3s,100:3s", "--analysis", "warmup=0s",
            "--wait", "--timeout", "3m"));
        assertThat(out).startsWith("1\n").contains("rolledBack: automatic rollback: step 1 at 30% failed: errorRate high");
      }
      assertThat(s.traffic()).containsEntry("v1", 100.0);
      assertThat(s.ooda("deployments", "analysis", "catalog")).contains("step 1 at 30%").contains(": fail")
          .containsPattern("errorRate +high \\(fails\\)");
      Eventually.within(LONG, () -> assertThat(s.instances("v3")).isZero());
      assertThat(s.deployment().versions()).extracting(DeploymentSpec.Version::version).containsExactly("v1");
    }
  }

  @Test
  void blueGreenSwitchesAllTrafficOnceTheNewVersionIsHealthyAndARollbackSwitchesBackWithoutAFailedRequest() throws Exception {
    try (Setup s = Setup.start()) {
      assertThat(s.ooda(deploy("v1", "--instances", "2"))).startsWith("0\n");
      Eventually.within(LONG, () -> assertThat(s.deployment().status().phase()).isEqualTo(DeploymentSpec.Phase.stable));
      awaitServing(s.gateway().port());

      try (Load load = new Load(s.gateway().port())) {
        String out = s.ooda(deploy("v2", "--instances", "2", "--strategy", "blueGreen", "--wait", "--timeout", "3m"));
        // no traffic while its instances start, then all of it at once
        assertThat(out).startsWith("0\n").contains("deployment catalog: v2 added (blueGreen, route catalog)")
            .contains("starting: v2: ").contains("promoted: v2 healthy (2 instances), all traffic switched to it");
        assertThat(out).doesNotContain("progressing");
        assertThat(s.traffic()).containsEntry("v2", 100.0).containsEntry("v1", 0.0);
        DeploymentSpec.Status st = s.deployment().status();
        assertThat(st.stable()).isEqualTo("v2");
        assertThat(st.previous()).isEqualTo("v1");
        // the old version stays at full size for keepPrevious
        assertThat(s.instances("v1")).isEqualTo(2);
        assertThat(s.ooda("get", "deployments")).contains("v1        previous   2/2");
        int before = load.ok.get();
        Eventually.within(LONG, () -> assertThat(load.ok.get()).isGreaterThan(before + 50));

        assertThat(s.ooda("rollback", "catalog")).startsWith("0\n").contains("catalog: all traffic on v1 (route catalog); v2 is stopping");
        assertThat(s.traffic()).containsEntry("v1", 100.0);
        Eventually.within(LONG, () -> assertThat(s.instances("v2")).isZero());
        int after = load.ok.get();
        Eventually.within(LONG, () -> assertThat(load.ok.get()).isGreaterThan(after + 50));
        load.close();
        assertThat(load.failures).isEmpty();
      }
      assertThat(s.deployment().versions()).extracting(DeploymentSpec.Version::version).containsExactly("v1");
      assertThat(s.instances("v1")).isEqualTo(2);
    }
  }

  @Test
  void aDeploymentOutsideItsUptimeIsScaledToZeroAndComesBackWhenForcedUp() throws Exception {
    try (Setup s = Setup.start()) {
      assertThat(s.ooda(deploy("v1"))).startsWith("0\n");
      Eventually.within(LONG, () -> assertThat(s.deployment().status().phase()).isEqualTo(DeploymentSpec.Phase.stable));
      Eventually.within(LONG, () -> assertThat(s.instances("v1")).isEqualTo(1));
      // up only tomorrow (UTC): today is outside
      String tomorrow = java.time.LocalDate.now(java.time.ZoneOffset.UTC).plusDays(1).getDayOfWeek()
          .getDisplayName(java.time.format.TextStyle.SHORT, java.util.Locale.ENGLISH);
      String uptime = tomorrow + " 00:00-24:00 UTC";
      assertThat(s.ooda("deployments", "schedule", "catalog", "--uptime", "Mon-Fry 08:00-19:00 UTC")).startsWith("1\n")
          .contains("spec.schedule.uptime: 'Fry' in 'Mon-Fry 08:00-19:00 UTC' is not a day");
      assertThat(s.deployment().schedule()).isNull();
      assertThat(s.ooda("deployments", "schedule", "catalog", "--uptime", uptime)).startsWith("0\n")
          .contains("catalog: schedule uptime " + uptime + "; now down: outside uptime " + uptime);
      Eventually.within(LONG, () -> assertThat(s.deployment().status().down()).isEqualTo("outside uptime " + uptime));
      Eventually.within(LONG, () -> assertThat(s.instances("v1")).isZero());
      assertThat(s.ooda("get", "deployments")).contains("0/0").contains("down: outside uptime " + uptime);
      // the rollout state is kept for when it comes back
      assertThat(s.deployment().status().phase()).isEqualTo(DeploymentSpec.Phase.stable);

      assertThat(s.ooda("deployments", "schedule", "catalog", "--force-up-for", "1h")).startsWith("0\n")
          .contains(", forced up until ").contains("; now up");
      Eventually.within(LONG, () -> assertThat(s.deployment().status().down()).isNull());
      Eventually.within(LONG, () -> assertThat(s.instances("v1")).isEqualTo(1));
      awaitServing(s.gateway().port());
      assertThat(s.ooda("get", "deployments")).contains("1/1").contains("stable: v1 serves");
    }
  }
}
