package dev.ooda.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ooda.deploy.Supervisor;
import dev.ooda.gateway.GatewayOptions;
import dev.ooda.gateway.GatewayServer;
import dev.ooda.model.FunctionSpec;
import dev.ooda.model.Resource;
import dev.ooda.model.ResourceCodec;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * A function behind a route, with real processes: no instance until a request comes, one started
 * for it (the request held meanwhile), warm requests served by it, usage metered in steps of
 * 100 ms, and the instance stopped after the function's idle period.
 */
class FunctionTest {
  private static final Duration LONG = Duration.ofSeconds(90);

  @Test
  void aFunctionBehindARouteStartsOnDemandServesAndStopsWhenIdle() throws Exception {
    TestControl t = TestControl.start();
    Platform p = new Platform(new PrintWriter(Writer.nullWriter()));
    try (t; p) {
      GatewayServer g = Roles.gateway(p, t.control.zookeeper(), GatewayOptions.builder().ephemeral().build());
      Roles.deploy(p, t.control.zookeeper(), Supervisor.Options.of(Files.createTempDirectory("ooda-functions"),
              URI.create(t.control.url()), t.adminToken())
          .withPlatform(t.zookeeper.getConnectString(), null).withStop(Duration.ofMillis(200), Duration.ofSeconds(15)),
          null, "gateway");
      t.client().apply("""
          kind: Function
          name: hello
          spec: {handler: dev.ooda.cli.HelloFunction, concurrency: 2, idle: 4s, heapMb: 64}
          ---
          kind: Route
          name: hello
          spec: {match: {pathPrefix: /hello}, to: [{function: hello}]}
          """);
      assertThat(t.registry().instances("hello")).isEmpty();

      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      HttpRequest first = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + g.port() + "/hello/there?name=ada"))
          .timeout(Duration.ofSeconds(60)).build();
      HttpResponse<String> cold = http.send(first, HttpResponse.BodyHandlers.ofString());
      assertThat(cold.statusCode()).isEqualTo(200);
      assertThat(cold.body()).isEqualTo("hello ada from /hello/there");
      assertThat(t.registry().instances("hello")).hasSize(1);
      for (int i = 0; i < 5; i++) {
        assertThat(http.send(first, HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("hello ada from /hello/there");
      }

      // usage in steps of 100 ms per invocation, in the Function's status and through the CLI
      Eventually.within(LONG, () -> {
        FunctionSpec.Status u = function(t).status();
        assertThat(u).isNotNull();
        assertThat(u.invocations()).isEqualTo(6);
        assertThat(u.billedMillis()).isEqualTo(600);
      });
      assertThat(ooda(t, "functions", "usage")).startsWith("0\n").contains("FUNCTION").contains("hello").contains("0.6 s");

      // no request for its idle period: the instance is stopped
      Eventually.within(LONG, () -> assertThat(t.registry().instances("hello")).isEmpty());
    }
  }

  private static FunctionSpec function(TestControl t) throws Exception {
    Resource r = ResourceCodec.readStored(ResourceCodec.json().writeValueAsBytes(t.client().get("functions", "hello")));
    return r.spec(FunctionSpec.class);
  }

  private static String ooda(TestControl t, String... args) {
    StringWriter out = new StringWriter();
    CommandLine cl = Main.commandLine(args[0]);
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(out, true));
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--server", t.control.url(), "--token", t.adminToken()));
    int code = Main.run(cl, all.toArray(String[]::new));
    return code + "\n" + out;
  }
}
