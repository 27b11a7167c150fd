package dev.ooda.cli;

import dev.ooda.access.ApiKeys;
import dev.ooda.model.Names;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** API keys for routes' {@code auth.apiKeys}: routes store only their SHA-256, never the key. */
@Command(name = "apikey", description = "API keys for routes (auth.apiKeys): make one, or hash one you have.",
    subcommands = {ApiKeyCommand.Create.class, ApiKeyCommand.Hash.class})
final class ApiKeyCommand {

  @Command(name = "create", description = {"Prints a new random API key and the auth.apiKeys entry that accepts it.",
      "The key is shown once: hand it to its holder; the route keeps only its hash."})
  static final class Create implements Callable<Integer> {
    @Option(names = "--name", required = true, paramLabel = "NAME",
        description = "Who holds the key, e.g. partner-a; the origin receives it as ooda-subject.")
    String name;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      String bad = Names.problem(name);
      if (bad != null) throw new ParameterException(spec.commandLine(), "--name " + bad);
      String key = ApiKeys.generate();
      PrintWriter out = spec.commandLine().getOut();
      out.println("key: " + key);
      out.println("# add to the route's spec.auth.apiKeys:");
      out.println("- {name: " + name + ", sha256: " + ApiKeys.hash(key) + "}");
      out.flush();
      return 0;
    }
  }

  @Command(name = "hash", description = {"Reads an API key from standard input (its first line) and prints its SHA-256,",
      "as a route's auth.apiKeys[].sha256 stores it."})
  static final class Hash implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws IOException {
      String key = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
      if (key == null || key.isBlank()) throw new ParameterException(spec.commandLine(), "no API key on standard input");
      PrintWriter out = spec.commandLine().getOut();
      out.println(ApiKeys.hash(key.trim()));
      out.flush();
      return 0;
    }
  }
}
