package dev.ooda.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ooda.model.Kinds;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "delete", description = "Delete one resource.")
final class Delete implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "KIND") String kind;
  @Parameters(index = "1", paramLabel = "NAME") String name;
  @Mixin ClientOptions client;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    if (Kinds.find(kind).isEmpty()) {
      throw new ParameterException(spec.commandLine(), "unknown kind '" + kind + "' (known: " + Kinds.known() + ")");
    }
    JsonNode r = client.client().delete(kind, name);
    spec.commandLine().getOut().printf("%s/%s deleted%n",
        r.get("deleted").get("kind").asText().toLowerCase(java.util.Locale.ROOT), name);
    return 0;
  }
}
