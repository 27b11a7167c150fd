package dev.ooda.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ooda.model.ResourceCodec;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Feature flags: evaluate one as a service would. List them with {@code ooda get flags}. */
@Command(name = "flags", description = "Feature flags: evaluate one for a context, as the control plane answers it (OFREP).",
    subcommands = {FlagsCommand.Eval.class})
final class FlagsCommand {

  @Command(name = "eval", description = {"Evaluate flag FLAG for a context and print its value, variant, reason and rule.",
      "Exits 0 on an answer, 1 when the flag does not exist or the context is refused."})
  static final class Eval implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FLAG", description = "the flag's name") String flag;

    @Option(names = {"-c", "--context"}, paramLabel = "NAME=VALUE",
        description = "An attribute of the evaluation context, e.g. targetingKey=user-42 or country=de; repeatable.")
    List<String> context = List.of();

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text", description = "text or json (default ${DEFAULT-VALUE}).")
    String output;

    @Mixin ClientOptions client;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      Map<String, String> ctx = new LinkedHashMap<>();
      for (String kv : context) {
        int eq = kv.indexOf('=');
        if (eq <= 0) throw new ParameterException(spec.commandLine(), "--context '" + kv + "' must be NAME=VALUE, e.g. country=de");
        ctx.put(kv.substring(0, eq), kv.substring(eq + 1));
      }
      if (!output.equals("text") && !output.equals("json"))
        throw new ParameterException(spec.commandLine(), "--output '" + output + "' must be text or json");
      JsonNode r = client.client().evaluateFlag(flag, ctx);
      PrintWriter out = spec.commandLine().getOut();
      boolean error = r.has("errorCode");
      if (output.equals("json")) {
        out.println(ResourceCodec.toJson(r));
      } else if (error) {
        out.flush();
        spec.commandLine().getErr().println("error: " + r.path("errorCode").asText() + ": " + r.path("errorDetails").asText());
      } else {
        out.println("value:   " + r.get("value"));
        out.println("variant: " + r.path("variant").asText());
        out.println("reason:  " + r.path("reason").asText());
        out.println("rule:    " + (r.path("metadata").has("ruleId") ? r.path("metadata").path("ruleId").asText() : "-"));
        if (r.path("metadata").has("experiment"))
          out.println("experiment: " + r.path("metadata").path("experiment").asText() + " (cell " + r.path("metadata").path("cell").asText() + ")");
      }
      out.flush();
      return error ? 1 : 0;
    }
  }
}
