package dev.ooda.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ooda.model.FunctionSpec;
import dev.ooda.model.Resource;
import dev.ooda.model.ResourceCodec;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

@Command(name = "functions", description = "Functions (kind: Function): list them with `ooda get functions`.",
    subcommands = {FunctionsCommand.Usage.class})
final class FunctionsCommand {

  @Command(name = "usage", description = {"What each function served: invocations, their summed duration, and the billed",
      "duration (each invocation rounded up to 100 ms)."})
  static final class Usage implements Callable<Integer> {
    @Mixin ClientOptions client;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      List<List<String>> rows = new ArrayList<>();
      for (JsonNode n : client.client().list(FunctionSpec.KIND.plural()).path("items")) {
        Resource r = ResourceCodec.readStored(ResourceCodec.json().writeValueAsBytes(n));
        FunctionSpec.Status u = r.spec(FunctionSpec.class).status();
        long calls = u == null || u.invocations() == null ? 0 : u.invocations();
        long ms = u == null || u.durationMillis() == null ? 0 : u.durationMillis();
        long billed = u == null || u.billedMillis() == null ? 0 : u.billedMillis();
        rows.add(List.of(r.name(), Long.toString(calls), String.format(Locale.ROOT, "%.1f s", ms / 1000.0),
            String.format(Locale.ROOT, "%.1f s", billed / 1000.0), u == null || u.at() == null ? "-" : u.at()));
      }
      Table.print(out, List.of("FUNCTION", "INVOCATIONS", "DURATION", "BILLED", "AS OF"), rows);
      out.flush();
      return 0;
    }
  }
}
