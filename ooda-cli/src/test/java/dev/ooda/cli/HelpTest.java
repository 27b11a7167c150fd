package dev.ooda.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class HelpTest {

  /** Every command and subcommand, listed or not, answers -h and --help with its usage and exit 0. */
  @Test
  void everyCommandAnswersHelp() {
    List<List<String>> paths = new ArrayList<>();
    collect(Main.commandLine(), new ArrayList<>(), paths);
    assertThat(paths).extracting(p -> String.join(" ", p))
        .contains("up", "serve control", "serve gateway", "serve traces", "serve data", "traces list", "traces show",
            "traces deps", "get", "apply", "delete", "register", "drain", "control", "trace deps",
            "credentials create", "credentials list", "credentials revoke", "tokens create", "tokens list", "tokens revoke",
            "deploy", "rollback", "deployments analysis", "deployments promote", "deployments schedule", "agent");
    for (List<String> path : paths) {
      for (String flag : List.of("-h", "--help")) {
        List<String> args = new ArrayList<>(path);
        args.add(flag);
        UpTest.Result r = UpTest.ooda(null, args.toArray(String[]::new));
        assertThat(r.code()).as("ooda %s", String.join(" ", args)).isZero();
        assertThat(r.out()).as("ooda %s", String.join(" ", args)).startsWith("Usage: ooda " + String.join(" ", path));
      }
    }
  }

  @Test
  void topLevelHelpListsEveryCommandOnOneLine() {
    UpTest.Result r = UpTest.ooda(null, "--help");
    assertThat(r.code()).isZero();
    for (String command : List.of("up", "serve", "apply", "get", "delete", "register", "drain", "traces")) {
      assertThat(r.out()).containsPattern("(?m)^  " + command + " +\\S.*$");
    }
    assertThat(r.out()).as("old spellings stay unlisted").doesNotContainPattern("(?m)^  (control|gateway|data|trace) ");
  }

  @Test
  void oldSpellingOfARoleNamesTheNewOne() {
    UpTest.Result r = UpTest.ooda(null, "control", "--zookeeper", "127.0.0.1:1", "--port", "-1");
    assertThat(r.code()).isNotZero();
    assertThat(r.err()).contains("'ooda control' is now 'ooda serve control'");
  }

  @Test
  void theAgentNamesItsEngines() {
    UpTest.Result help = UpTest.ooda(null, "agent", "--help");
    assertThat(help.out()).contains("--engine=local|kubernetes").contains("--namespace").contains("--image");
    UpTest.Result r = UpTest.ooda(null, "agent", "--zookeeper", "127.0.0.1:1", "--engine", "docker");
    assertThat(r.code()).isNotZero();
    assertThat(r.err()).contains("--engine 'docker' must be local or kubernetes");
  }

  private static void collect(CommandLine cl, List<String> path, List<List<String>> into) {
    for (var e : cl.getSubcommands().entrySet()) {
      List<String> p = new ArrayList<>(path);
      p.add(e.getKey());
      into.add(p);
      collect(e.getValue(), p, into);
    }
  }
}
