package dev.ooda.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ooda.testing.Eventually;
import dev.ooda.testing.TestControl;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ooda register} as a user runs it beside a process: started, listed, drained, stopped, gone. */
class RegisterTest {
  static TestControl t;
  @TempDir Path work;

  @BeforeAll
  static void start() throws Exception {
    t = TestControl.start();
    // A long lease: an instance that is gone within seconds was deregistered, not expired.
    t.client().apply("kind: Service\nname: catalog\nspec: {lease: {heartbeat: 1s, expiry: 60s}}\n");
  }

  @AfterAll
  static void stop() throws Exception {
    t.close();
  }

  @Test
  void registerKeepsTheInstanceListedUntilStoppedAndThenDeregistersIt() throws Exception {
    String server = "--server=" + t.control.url();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "dev.ooda.cli.Main",
        "register", "catalog", "--version", "v7", "--url", "http://127.0.0.1:4567", "--health", "/healthz",
        "--zone", "zone-b", "--metadata", "lang=python", server)
        .redirectError(work.resolve("register.err").toFile())
        .start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      List<String> lines = new ArrayList<>();
      String id = null;
      for (String line; id == null && (line = out.readLine()) != null; ) {
        lines.add(line);
        Matcher m = Pattern.compile("^registered catalog instance (\\S+) at 127.0.0.1:4567").matcher(line);
        if (m.find()) id = m.group(1);
      }
      assertThat(id).as("stdout %s, stderr %s", lines, Files.readString(work.resolve("register.err"))).isNotNull();
      String instance = id;

      // Listed once the control plane's watch has seen the registration, a moment after it was acknowledged.
      Eventually.within(Duration.ofSeconds(10), () ->
          assertThat(UpTest.ooda(null, "get", "instances", "catalog", server).out()).contains(instance));
      UpTest.Result table = UpTest.ooda(null, "get", "instances", server);
      assertThat(table.code()).as(table.err()).isZero();
      assertThat(table.out()).contains("SERVICE", "ID", "VERSION", "ADDRESS", "ZONE", "STATUS", "AGE");
      assertThat(table.out().lines().filter(l -> l.contains(instance)).findFirst()).hasValueSatisfying(l ->
          assertThat(l.split("\\s+")).startsWith("catalog", instance, "v7", "127.0.0.1:4567", "zone-b", "UP"));
      UpTest.Result json = UpTest.ooda(null, "get", "instances", "catalog", "-o", "json", server);
      assertThat(json.out()).contains("\"id\" : \"" + instance + "\"", "\"healthPath\" : \"/healthz\"", "\"lang\" : \"python\"");
      assertThat(UpTest.ooda(null, "get", "instances", "catalog", "-o", "yaml", server).out()).contains("id: " + instance);

      UpTest.Result drained = UpTest.ooda(null, "drain", "catalog", instance, server);
      assertThat(drained.code()).as(drained.err()).isZero();
      assertThat(drained.out()).contains("catalog instance " + instance + " is DRAINING");
      Eventually.within(Duration.ofSeconds(10), () ->
          assertThat(UpTest.ooda(null, "get", "instances", "catalog", server).out()).contains("DRAINING"));
      assertThat(UpTest.ooda(null, "drain", "catalog", "nope12", server).err()).contains("instance nope12 of service catalog is not registered");

      // SIGTERM (through the handle, which leaves the output readable): it deregisters and exits.
      p.toHandle().destroy();
      String rest = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(rest).contains("deregistered catalog instance " + instance);
      Eventually.within(Duration.ofSeconds(10), () ->
          assertThat(UpTest.ooda(null, "get", "instances", "catalog", server).out()).isEqualTo("no instances of catalog\n"));
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void badArgumentsAreNamed() {
    String server = "--server=" + t.control.url();
    assertThat(UpTest.ooda(null, "register", "catalog", "--version", "v1", "--url", "http://127.0.0.1:80/app", server).err())
        .contains("must not have a path");
    assertThat(UpTest.ooda(null, "register", "catalog", "--version", "v1", "--url", "ftp://x:1", server).err())
        .contains("must be http://HOST:PORT");
    assertThat(UpTest.ooda(null, "register", "Bad_Name", "--version", "v1", "--url", "http://127.0.0.1:80", server).err())
        .contains("service: 'Bad_Name' must be lowercase");
    assertThat(UpTest.ooda(null, "register", "catalog", "--url", "http://127.0.0.1:80", server).err())
        .contains("Missing required option: '--version=V'");
    assertThat(UpTest.ooda(null, "get", "widgets", server).err()).contains("unknown kind 'widgets'", "instances");
  }
}
