package dev.ooda.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ooda.model.Names;
import dev.ooda.model.ResourceCodec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** API contracts: push a version's OpenAPI document, show the active ones, diff two versions, list callers. */
@Command(name = "contract", description = "API contracts: OpenAPI documents per service and major version (see docs/contracts.md).",
    subcommands = {ContractCommand.Push.class, ContractCommand.Show.class, ContractCommand.Diff.class, ContractCommand.CallersOf.class})
final class ContractCommand {

  @Command(name = "push", description = {"Push FILE (OpenAPI 3, YAML or JSON; - for standard input) as the contract of version V of SERVICE.",
      "Checked against the active contract of V's major version by the service's spec.contract policy; exits 1 when refused."})
  static final class Push implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SERVICE") String service;
    @Parameters(index = "1", paramLabel = "FILE") String file;

    // Its own help option: the inherited -V/--version would clash with the service version.
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Option(names = "--version", required = true, paramLabel = "V", description = "The version the document describes, e.g. v1.2.0.")
    String version;

    @Mixin ClientOptions client;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      requireName(spec, service);
      String text = read(spec, file);
      JsonNode a = client.client().pushContract(service, version, text);
      PrintWriter out = spec.commandLine().getOut();
      printAdmission(out, a);
      out.flush();
      return 0;
    }
  }

  @Command(name = "show", description = {"The active contract of each major version of SERVICE and its operations.",
      "With --version V, the document of V's major version (-o yaml or json)."})
  static final class Show implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SERVICE") String service;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Option(names = "--version", paramLabel = "V", description = "Print the document of V's major version.")
    String version;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "With --version: yaml (default) or json.")
    String format;

    @Mixin ClientOptions client;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws IOException {
      requireName(spec, service);
      PrintWriter out = spec.commandLine().getOut();
      JsonNode all = client.client().contract(service);
      if (version != null) {
        String major = dev.ooda.contracts.ContractVersions.major(version);
        JsonNode c = null;
        for (JsonNode i : all.get("items")) if (i.get("major").asText().equals(major)) c = i;
        if (c == null) throw new ParameterException(spec.commandLine(), service + " has no contract for " + major);
        if ("json".equals(format)) out.println(ResourceCodec.json().writerWithDefaultPrettyPrinter().writeValueAsString(c.get("document")));
        else out.print(ResourceCodec.yaml().writeValueAsString(c.get("document")));
        out.flush();
        return 0;
      }
      Table.print(out, List.of("MAJOR", "VERSION", "PUSHED", "SOURCE", "FLAG"), rows(all.get("items"), i -> List.of(
          i.get("major").asText(), i.get("version").asText(), Instant.ofEpochMilli(i.get("pushedAtMillis").asLong()).toString(),
          i.get("source").asText(), i.path("flagSummary").asText("-"))));
      out.println();
      List<List<String>> ops = new ArrayList<>();
      for (JsonNode i : all.get("items")) {
        for (JsonNode op : i.get("operations")) {
          ops.add(List.of(i.get("major").asText(), op.get("method").asText(), op.get("path").asText(),
              op.path("operationId").asText("-"), deprecation(op), op.has("example") ? "yes" : "-"));
        }
      }
      Table.print(out, List.of("MAJOR", "METHOD", "PATH", "OPERATION", "DEPRECATED", "EXAMPLE"), ops);
      out.flush();
      return 0;
    }
  }

  @Command(name = "diff", description = "The changes from version FROM to version TO of SERVICE, and who calls what the breaking ones break.")
  static final class Diff implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SERVICE") String service;
    @Parameters(index = "1", paramLabel = "FROM", description = "A version pushed or registered, e.g. v1.1.0, or a major, e.g. v1.") String from;
    @Parameters(index = "2", paramLabel = "TO") String to;

    @Mixin ClientOptions client;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      requireName(spec, service);
      JsonNode d = client.client().contractDiff(service, from, to);
      PrintWriter out = spec.commandLine().getOut();
      JsonNode changes = d.get("changes");
      long breaking = 0;
      for (JsonNode c : changes) if (c.get("breaking").asBoolean()) breaking++;
      out.printf("%s %s -> %s: %d %s, %d breaking%n", service, d.get("from").asText(), d.get("to").asText(), changes.size(),
          changes.size() == 1 ? "change" : "changes", breaking);
      printChanges(out, changes);
      if (d.has("note")) out.println("note: " + d.get("note").asText());
      out.flush();
      return 0;
    }
  }

  @Command(name = "callers", description = {"Who still calls the deprecated operations of SERVICE (all operations with --all),",
      "from the traces within the service's contract window."})
  static final class CallersOf implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SERVICE") String service;

    @Option(names = "--all", description = "Every operation, not only deprecated ones.")
    boolean all;

    @Mixin ClientOptions client;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      requireName(spec, service);
      JsonNode c = client.client().contractCallers(service);
      PrintWriter out = spec.commandLine().getOut();
      List<List<String>> rows = new ArrayList<>();
      for (JsonNode op : c.get("operations")) {
        if (!all && !op.path("deprecated").asBoolean()) continue;
        String name = op.get("method").asText() + " " + op.get("path").asText();
        if (op.get("callers").isEmpty()) {
          rows.add(List.of(op.get("major").asText(), name, deprecation(op), "-", "0", "-"));
        }
        for (JsonNode u : op.get("callers")) {
          rows.add(List.of(op.get("major").asText(), name, deprecation(op), u.get("caller").asText(),
              u.get("requests").asText(), Instant.ofEpochMilli(u.get("lastSeenMillis").asLong()).toString()));
        }
      }
      if (rows.isEmpty()) out.println(all ? service + " has no operations" : service + " has no deprecated operations");
      else Table.print(out, List.of("MAJOR", "OPERATION", "DEPRECATED", "CALLER", "REQUESTS", "LAST SEEN"), rows);
      if (c.has("note")) out.println("note: " + c.get("note").asText());
      out.flush();
      return 0;
    }
  }

  /** What a push or a registration's contract came to, as the CLI prints it. */
  static void printAdmission(PrintWriter out, JsonNode a) {
    String outcome = a.get("outcome").asText();
    String head = a.get("service").asText() + " " + a.get("version").asText() + ": ";
    int n = a.get("changes").size();
    String changes = n + (n == 1 ? " change" : " changes");
    out.println(head + switch (outcome) {
      case "first" -> "first contract of " + a.get("major").asText();
      case "unchanged" -> "same as the active contract of " + a.get("major").asText();
      case "compatible" -> "compatible with the active contract of " + a.get("major").asText() + " (" + changes + ")";
      case "older" -> "older than the active contract of " + a.get("major").asText() + " (" + a.get("active").asText() + "), which stays";
      case "breaking-warned" -> "BREAKING, taken because the contract mode is warn; " + a.get("major").asText() + " is flagged";
      case "breaking-unused" -> "BREAKING, taken because no caller used what it breaks (unusedOk); recorded";
      case "breaking-unchecked" -> "breaking, taken because the contract mode is off";
      default -> outcome;
    });
    if (!outcome.equals("older")) {
      List<JsonNode> list = new ArrayList<>();
      a.get("changes").forEach(list::add);
      // Breaking changes carry their callers in "breaking".
      for (JsonNode c : list) {
        out.println("  " + (c.get("breaking").asBoolean() ? "! " : "+ ") + c.get("method").asText() + " " + c.get("path").asText()
            + ": " + c.get("what").asText());
        for (JsonNode b : a.path("breaking")) {
          if (b.get("method").asText().equals(c.get("method").asText()) && b.get("path").asText().equals(c.get("path").asText())
              && b.get("what").asText().equals(c.get("what").asText())) {
            printCallers(out, b.get("callers"));
          }
        }
      }
    }
    if (a.has("note")) out.println("note: " + a.get("note").asText());
  }

  static void printChanges(PrintWriter out, JsonNode changes) {
    for (JsonNode c : changes) {
      out.println("  " + (c.get("breaking").asBoolean() ? "! " : "+ ") + c.get("method").asText() + " " + c.get("path").asText()
          + ": " + c.get("what").asText());
      if (c.has("callers")) printCallers(out, c.get("callers"));
    }
  }

  private static void printCallers(PrintWriter out, JsonNode callers) {
    if (callers == null || callers.isEmpty()) {
      out.println("      no callers in the window");
      return;
    }
    for (JsonNode u : callers) {
      out.println("      called by " + u.get("caller").asText() + ": " + u.get("requests").asText() + " requests, last "
          + Instant.ofEpochMilli(u.get("lastSeenMillis").asLong()));
    }
  }

  private static String deprecation(JsonNode op) {
    if (!op.path("deprecated").asBoolean()) return "-";
    return op.has("sunset") ? "sunset " + op.get("sunset").asText() : "yes";
  }

  private static List<List<String>> rows(JsonNode items, java.util.function.Function<JsonNode, List<String>> row) {
    List<List<String>> out = new ArrayList<>();
    items.forEach(i -> out.add(row.apply(i)));
    return out;
  }

  static void requireName(CommandSpec spec, String service) {
    String bad = Names.problem(service);
    if (bad != null) throw new ParameterException(spec.commandLine(), "SERVICE: " + bad);
  }

  /** The text of {@code file}, or of standard input for {@code -}. */
  static String read(CommandSpec spec, String file) {
    try {
      if (file.equals("-")) return new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
      return Files.readString(Path.of(file));
    } catch (NoSuchFileException e) {
      throw new ParameterException(spec.commandLine(), "no such file: " + file);
    } catch (IOException e) {
      throw new ParameterException(spec.commandLine(), "cannot read " + file + ": " + e.getMessage());
    }
  }
}
