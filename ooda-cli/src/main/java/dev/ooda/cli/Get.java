package dev.ooda.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ooda.model.Kinds;
import dev.ooda.model.NamespaceSpec;
import dev.ooda.model.Resource;
import dev.ooda.model.ResourceCodec;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "get", description = {"Show resources of a kind, or one of them.",
    "`get instances [SERVICE]` shows the registry's instances, of one service or of all."})
final class Get implements Callable<Integer> {
  enum Format { table, yaml, json }

  @Parameters(index = "0", paramLabel = "KIND", description = "e.g. routes, services, instances")
  String kind;

  @Parameters(index = "1", arity = "0..1", paramLabel = "NAME", description = "a resource's name; for instances, a service")
  String name;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "table, yaml or json (default: table for a list, yaml for one)")
  Format format;

  @Option(names = "--data", paramLabel = "URL", defaultValue = "${env:OODA_DATA:-http://127.0.0.1:8070}",
      description = "Data service, for the storage and tables of namespaces (env OODA_DATA; default ${DEFAULT-VALUE}).")
  java.net.URI dataUrl;

  @Option(names = "--stale-after", paramLabel = "DAYS", defaultValue = "30",
      description = "For flags: stale when not evaluated for this many days, where counts are known (default ${DEFAULT-VALUE}).")
  int staleAfterDays;

  @Mixin ClientOptions client;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (kind.equalsIgnoreCase("instances") || kind.equalsIgnoreCase("instance")) {
      Instances.print(out, client.registry().instances(name), name, format == null ? Format.table : format);
      return 0;
    }
    if (Kinds.find(kind).isEmpty()) {
      throw new ParameterException(spec.commandLine(), "unknown kind '" + kind + "' (known: " + Kinds.known() + ", instances)");
    }
    List<Resource> items = new ArrayList<>();
    if (name != null) {
      items.add(read(client.client().get(kind, name)));
    } else {
      for (JsonNode n : client.client().list(kind).get("items")) items.add(read(n));
    }
    Format f = format != null ? format : name != null ? Format.yaml : Format.table;
    switch (f) {
      case yaml -> out.print(ResourceCodec.toYaml(items));
      case json -> out.println(ResourceCodec.toJson(name != null ? items.get(0) : items));
      case table -> {
        if (Kinds.find(kind).get() == NamespaceSpec.KIND) NamespaceTable.print(out, items, dataUrl);
        else if (Kinds.find(kind).get() == dev.ooda.model.SecretSpec.KIND) SecretCommand.table(out, items);
        else if (Kinds.find(kind).get() == dev.ooda.model.DeploymentSpec.KIND)
          DeploymentTable.print(out, items, client.client(), client.registry());
        else if (Kinds.find(kind).get() == dev.ooda.model.FlagSpec.KIND)
          FlagTable.print(out, items, client.client(), staleAfterDays, java.time.Clock.systemUTC());
        else if (Kinds.find(kind).get() == dev.ooda.model.ExperimentSpec.KIND)
          ExperimentsCommand.table(out, items, System.currentTimeMillis());
        else if (Kinds.find(kind).get() == Kinds.SERVICE) ServiceContracts.table(out, items, client.client());
        else Table.print(out, List.of("NAME", "VERSION", "SPEC"),
            items.stream().map(r -> List.of(r.name(), Long.toString(r.version()), Summary.of(r))).toList());
      }
    }
    out.flush();
    return 0;
  }

  private static Resource read(JsonNode n) throws Exception {
    return ResourceCodec.readStored(ResourceCodec.json().writeValueAsBytes(n));
  }
}
