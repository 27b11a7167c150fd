package dev.ooda.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ooda up} as a user runs it: a separate process, stopped with SIGTERM, started again. */
class UpTest {
  @TempDir Path work;

  record Running(Process process, String controlUrl, String gatewayUrl, List<String> lines) {}

  static final String[] FREE_PORTS = {"--zookeeper-port", "0", "--control-port", "0", "--gateway-port", "0",
      "--gateway-management-port", "0", "--traces-port", "0", "--data-port", "0"};

  static List<String> command(Path dataDir) {
    List<String> c = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "dev.ooda.cli.Main", "up", "--data-dir", dataDir.toString()));
    c.addAll(List.of(FREE_PORTS));
    return c;
  }

  Running up(Path dataDir) throws Exception {
    Process p = new ProcessBuilder(command(dataDir))
        .redirectError(work.resolve("up.err").toFile())
        .start();
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    List<String> lines = new ArrayList<>();
    String control = null;
    String gateway = null;
    for (String line; (line = out.readLine()) != null; ) {
      lines.add(line);
      Matcher m = Pattern.compile("^(control|gateway)\\s+(http://\\S+)").matcher(line);
      if (m.find() && m.group(1).equals("control")) control = m.group(2);
      if (m.find(0) && m.group(1).equals("gateway")) gateway = m.group(2);
      if (line.contains("ready")) break;
    }
    assertThat(lines).as("stderr: %s", Files.exists(work.resolve("up.err")) ? Files.readString(work.resolve("up.err")) : "")
        .anySatisfy(l -> assertThat(l).contains("ready"));
    return new Running(p, control, gateway, lines);
  }

  record Result(int code, String out, String err) {}

  static Result ooda(String stdin, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    java.io.InputStream before = System.in;
    try {
      if (stdin != null) System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
      CommandLine cl = Main.commandLine();
      cl.setOut(new PrintWriter(out, true));
      cl.setErr(new PrintWriter(err, true));
      int code = Main.run(cl, args);
      return new Result(code, out.toString(), err.toString());
    } finally {
      System.setIn(before);
    }
  }

  @Test
  void upServesTheCliKeepsResourcesAcrossRestartsAndStopsCleanly() throws Exception {
    Path data = work.resolve("data");
    Running first = up(data);
    assertThat(first.lines()).anySatisfy(l -> assertThat(l).startsWith("zookeeper"));
    assertThat(first.controlUrl()).isNotNull();
    String server = "--server=" + first.controlUrl();
    String dir = "--data-dir=" + data;

    String routes = """
        kind: Route
        name: catalog
        spec:
          match: {pathPrefix: /api/catalog}
          to: [{url: "http://127.0.0.1:3000"}]
        ---
        kind: Route
        name: reviews-stub
        spec:
          match: {pathPrefix: /api/reviews}
          respond: {status: 200, body: '{"reviews":[]}'}
        """;
    Result applied = ooda(routes, "apply", "-f", "-", server, dir);
    assertThat(applied.code()).as(applied.err()).isZero();
    assertThat(applied.out()).contains("route/catalog created (version 1)", "route/reviews-stub created (version 1)");

    // The gateway answers the stub route as soon as it is applied.
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    java.net.http.HttpResponse<String> stub = null;
    for (int i = 0; i < 50; i++) {
      stub = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(first.gatewayUrl() + "/api/reviews/1")).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      if (stub.statusCode() == 200) break;
      Thread.sleep(100);
    }
    assertThat(stub.body()).isEqualTo("{\"reviews\":[]}");

    // Bad input: the CLI prints the server's problem, naming document and field, and exits non-zero.
    Result bad = ooda("kind: Route\nname: broken\nspec: {match: {pathPrefix: nope}, respond: {}}\n", "apply", "-f", "-", server, dir);
    assertThat(bad.code()).isEqualTo(1);
    assertThat(bad.err()).contains("document 1 (Route/broken): spec.match.pathPrefix: 'nope' must start with '/'");
    assertThat(ooda(null, "get", "widgets", server).err()).contains("unknown kind 'widgets'");
    assertThat(ooda(null, "apply", "-f", work.resolve("missing.yaml").toString(), server, dir).err()).contains("no such file");
    assertThat(ooda("kind: Service\nname: s\nspec: {}\n", "apply", "-f", "-", server, "--token=ooda_wrong").err())
        .contains("the admin token is not valid");

    // SIGTERM: the platform stops cleanly and exits.
    first.process().destroy();
    assertThat(first.process().waitFor(30, TimeUnit.SECONDS)).isTrue();

    Running second = up(data);
    try {
      Result list = ooda(null, "get", "routes", "--server=" + second.controlUrl());
      assertThat(list.code()).isZero();
      assertThat(list.out()).contains("catalog", "reviews-stub");
      Result one = ooda(null, "get", "route", "catalog", "-o", "json", "--server=" + second.controlUrl());
      assertThat(one.out()).contains("\"version\" : 1", "\"url\" : \"http://127.0.0.1:3000\"");
      Result deleted = ooda(null, "delete", "route", "catalog", "--server=" + second.controlUrl(), "--data-dir=" + data);
      assertThat(deleted.out()).contains("route/catalog deleted");
      assertThat(ooda(null, "get", "route", "catalog", "--server=" + second.controlUrl()).err())
          .contains("Route/catalog does not exist");
    } finally {
      second.process().destroy();
      second.process().waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void aSecondPlatformOnTheSameDataDirectoryIsRefused() throws Exception {
    Path data = work.resolve("shared");
    Running first = up(data);
    try {
      Process second = new ProcessBuilder(command(data)).redirectErrorStream(true).start();
      String out = new String(second.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(second.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(second.exitValue()).isNotZero();
      assertThat(out).contains("another ooda is running on data directory");
    } finally {
      first.process().destroy();
      first.process().waitFor(30, TimeUnit.SECONDS);
    }
  }
}
