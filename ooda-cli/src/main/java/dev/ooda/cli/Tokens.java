package dev.ooda.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "tokens",
    description = {"Create, list and revoke named admin tokens. Scopes: read (list credentials and tokens),",
        "write (also apply and delete resources), admin (also manage credentials, tokens and secrets)."},
    subcommands = {Tokens.Create.class, Tokens.ListTokens.class, Tokens.Revoke.class})
final class Tokens {
  enum Scope { read, write, admin }

  @Command(name = "create", description = "Create an admin token named NAME; it is printed once. Needs scope admin.")
  static final class Create implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME", description = "Who or what holds it, e.g. ci or alice.") String name;

    @Option(names = "--scope", required = true, paramLabel = "SCOPE", description = "read, write or admin.")
    Scope scope;

    @Mixin ClientOptions client;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      JsonNode t = client.client().createAdminToken(name, scope.name());
      PrintWriter out = spec.commandLine().getOut();
      out.println(t.get("token").asText());
      spec.commandLine().getErr().printf("admin token %s (scope %s) created; it is not shown again. Use it as OODA_TOKEN or --token.%n",
          name, scope);
      return 0;
    }
  }

  @Command(name = "list", description = "List admin tokens (names, scopes, creation times). Needs scope read.")
  static final class ListTokens implements Callable<Integer> {
    @Mixin ClientOptions client;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      List<List<String>> rows = new ArrayList<>();
      for (JsonNode t : client.client().adminTokens().path("items")) {
        rows.add(List.of(t.get("name").asText(), t.get("scope").asText(), t.get("created").asText()));
      }
      Table.print(spec.commandLine().getOut(), List.of("NAME", "SCOPE", "CREATED"), rows);
      return 0;
    }
  }

  @Command(name = "revoke", description = "Revoke the admin token NAME; it is refused from then on. Needs scope admin.")
  static final class Revoke implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME") String name;
    @Mixin ClientOptions client;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      client.client().revokeAdminToken(name);
      spec.commandLine().getOut().printf("admin token %s revoked%n", name);
      return 0;
    }
  }
}
