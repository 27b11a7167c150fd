package dev.ooda.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ooda.model.Resource;
import dev.ooda.model.ResourceCodec;
import dev.ooda.model.SecretSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ooda secret}: values encrypted at rest that only their owner service reads back. */
@Command(name = "secret", description = "Write, list and delete secrets; rotate the master key that protects them.",
    subcommands = {SecretCommand.Set.class, SecretCommand.ListSecrets.class, SecretCommand.DeleteSecret.class,
        SecretCommand.RotateMasterKey.class})
final class SecretCommand {

  @Command(name = "set", description = {"Write a new value of a secret (creating it); prints the new version.",
      "The value is read from --from-file, or from standard input without it. Needs the admin token.",
      "Only the owner service can read the value back, with its own token; nobody else, admins included."})
  static final class Set implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME") String name;

    @Option(names = "--owner", required = true, paramLabel = "SERVICE", description = "The service that owns the secret and alone reads it.")
    String owner;

    @Option(names = "--description", paramLabel = "TEXT", description = "What the value is (kept when not given).")
    String description;

    @Option(names = "--from-file", paramLabel = "FILE", description = "Read the value from FILE (default: standard input).")
    Path file;

    @Mixin ClientOptions client;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    /** Standard input, replaceable in tests. */
    InputStream stdin = System.in;

    @Override
    public Integer call() throws IOException {
      byte[] value;
      if (file != null) {
        try {
          value = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
          throw new ParameterException(spec.commandLine(), "--from-file: " + file + " does not exist");
        } catch (IOException e) {
          throw new ParameterException(spec.commandLine(), "--from-file: cannot read " + file + ": " + e.getMessage());
        }
      } else {
        value = stdin.readAllBytes();
      }
      if (value.length == 0) {
        throw new ParameterException(spec.commandLine(), "the value is empty (" + (file != null ? file : "standard input") + ")");
      }
      JsonNode r = client.client().setSecret(name, owner, description, value);
      spec.commandLine().getOut().printf("secret/%s version %d (owner %s)%n", name, r.get("version").asInt(), r.get("owner").asText());
      return 0;
    }
  }

  @Command(name = "list", description = "List secrets: owner, current version, when it changed. Never values.")
  static final class ListSecrets implements Callable<Integer> {
    @Mixin ClientOptions client;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      List<Resource> items = new ArrayList<>();
      for (JsonNode n : client.client().list(SecretSpec.KIND.plural()).get("items")) {
        items.add(ResourceCodec.readStored(ResourceCodec.json().writeValueAsBytes(n)));
      }
      PrintWriter out = spec.commandLine().getOut();
      table(out, items);
      out.flush();
      return 0;
    }
  }

  /** The table {@code ooda secret list} and {@code ooda get secrets} print. */
  static void table(PrintWriter out, List<Resource> items) {
    Table.print(out, List.of("NAME", "OWNER", "VERSION", "CHANGED", "DESCRIPTION"), items.stream().map(r -> {
      SecretSpec s = r.spec(SecretSpec.class);
      return List.of(r.name(), s.owner(), s.current() == null ? "-" : Integer.toString(s.current()),
          s.changed() == null ? "-" : s.changed(), s.description() == null ? "" : s.description());
    }).toList());
  }

  @Command(name = "delete", description = "Delete a secret and every stored version of its value.")
  static final class DeleteSecret implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME") String name;
    @Mixin ClientOptions client;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      client.client().delete(SecretSpec.KIND.plural(), name);
      spec.commandLine().getOut().printf("secret/%s deleted%n", name);
      return 0;
    }
  }

  @Command(name = "rotate-master-key", description = {
      "Add a new master key, re-wrap every stored data key with it, then disable the old keys.",
      "Values are not re-encrypted and stay readable throughout. Writes the new keyset to the control",
      "plane's master-key file; in a cluster, use --keep-old and copy that file to every control node."})
  static final class RotateMasterKey implements Callable<Integer> {
    @Option(names = "--keep-old", description = "Keep the old keys enabled (a cluster whose nodes do not all have the new keyset yet).")
    boolean keepOld;

    @Mixin ClientOptions client;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      JsonNode r = client.client().rotateMasterKey(keepOld);
      List<String> disabled = new ArrayList<>();
      r.path("disabled").forEach(n -> disabled.add(n.asText()));
      spec.commandLine().getOut().printf("master key rotated: primary key %d, %d data keys re-wrapped, %s%n",
          r.get("primary").asInt(), r.get("rewrapped").asInt(),
          disabled.isEmpty() ? "no key disabled" : "disabled keys " + String.join(", ", disabled));
      return 0;
    }
  }
}
