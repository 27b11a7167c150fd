package dev.ooda.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ooda.model.ExperimentSpec;
import dev.ooda.model.Resource;
import dev.ooda.model.ResourceCodec;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** A/B experiments: their results. List them with {@code ooda get experiments}. */
@Command(name = "experiments", description = "A/B experiments: show one's results (list them with `ooda get experiments`).",
    subcommands = {ExperimentsCommand.Results.class})
final class ExperimentsCommand {

  @Command(name = "results", description = {"Show the results of experiment NAME: per metric and cell the units, rate or mean,",
      "the difference to control with its 95% interval and p-value, and the sample-ratio check.",
      "Exits 0; 2 when the experiment is UNHEALTHY (sample-ratio mismatch)."})
  static final class Results implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME", description = "the experiment's name") String name;

    @Option(names = "--json", description = "Print the results as JSON.") boolean json;

    @Option(names = "--sequential", description = {"Always-valid p-values and intervals (mSPRT), safe to read at any time",
        "and as often as you like; wider than the fixed-horizon ones."}) boolean sequential;

    @Mixin ClientOptions client;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      JsonNode r = client.client().experimentResults(name, sequential);
      PrintWriter out = spec.commandLine().getOut();
      if (json) out.println(ResourceCodec.toJson(r));
      else print(out, r);
      out.flush();
      return "UNHEALTHY".equals(r.path("health").asText()) ? 2 : 0;
    }
  }

  /** The results as a person reads them. */
  static void print(PrintWriter out, JsonNode r) {
    out.println("experiment " + r.path("experiment").asText() + "  (flag " + r.path("flag").asText() + ")  "
        + r.path("status").asText() + "  " + r.path("health").asText());
    JsonNode srm = r.path("srm");
    List<String> parts = new ArrayList<>();
    srm.path("units").fields().forEachRemaining(e -> parts.add(e.getKey() + " " + e.getValue().asLong()
        + " (" + srm.path("weights").path(e.getKey()).asText() + "%)"));
    out.println("units: " + String.join(", ", parts) + ";  sample-ratio chi-square "
        + String.format(Locale.ROOT, "%.3f", srm.path("chiSquare").asDouble()) + ", p " + p(srm.path("p").asDouble()));
    String method = r.path("method").asText();
    if (method.equals("mSPRT"))
      out.println("always-valid (mSPRT): mixing sd = " + r.path("mixingSdFraction").asDouble() + " x control's per-unit sd");
    for (JsonNode m : r.path("metrics")) {
      boolean rate = m.path("statistic").asText().equals("rate");
      out.println();
      out.println(m.path("name").asText() + " (" + m.path("statistic").asText()
          + (m.path("name").asText().equals(r.path("primaryMetric").asText()) ? ", primary" : "") + ")");
      List<List<String>> rows = new ArrayList<>();
      for (JsonNode c : m.path("cells")) {
        boolean compared = c.has("difference");
        rows.add(List.of(
            c.path("cell").asText() + (c.path("cell").asText().equals(r.path("control").asText()) ? " (control)" : ""),
            Long.toString(c.path("units").asLong()),
            c.has("value") ? value(c.path("value").asDouble(), rate) : "-",
            compared ? diff(c.path("difference").asDouble(), rate) : "-",
            compared ? "[" + diff(c.path("low").asDouble(), rate) + ", " + diff(c.path("high").asDouble(), rate) + "]" : "-",
            compared && c.has("relative") ? signedPercent(c.path("relative").asDouble()) : "-",
            compared && c.has("relativeLow") ? "[" + signedPercent(c.path("relativeLow").asDouble()) + ", "
                + signedPercent(c.path("relativeHigh").asDouble()) + "]" : "-",
            compared ? p(c.path("p").asDouble()) + (c.path("significant").asBoolean() ? " *" : "") : "-"));
      }
      Table.print(out, List.of("CELL", "UNITS", rate ? "RATE" : "MEAN", "DIFF", "95% CI", "RELATIVE", "95% CI", "P"), rows);
    }
    if (r.has("requests")) {
      out.println();
      out.println("requests (served by the services to each cell's units; error = 5xx)");
      List<List<String>> rows = new ArrayList<>();
      for (JsonNode c : r.path("requests")) {
        boolean compared = c.has("errorRateDifference");
        rows.add(List.of(
            c.path("cell").asText() + (c.path("cell").asText().equals(r.path("control").asText()) ? " (control)" : ""),
            Long.toString(c.path("requests").asLong()),
            c.has("errorRate") ? value(c.path("errorRate").asDouble(), true) : "-",
            compared ? diff(c.path("errorRateDifference").asDouble(), true) + " [" + diff(c.path("errorRateLow").asDouble(), true) + ", "
                + diff(c.path("errorRateHigh").asDouble(), true) + "]" : "-",
            compared ? p(c.path("errorRateP").asDouble()) : "-",
            c.has("latencyMs") ? num(c.path("latencyMs").asDouble()) : "-",
            compared ? diff(c.path("latencyDifference").asDouble(), false) + " [" + diff(c.path("latencyLow").asDouble(), false) + ", "
                + diff(c.path("latencyHigh").asDouble(), false) + "]" : "-",
            compared ? p(c.path("latencyP").asDouble()) : "-"));
      }
      Table.print(out, List.of("CELL", "REQUESTS", "ERRORS", "DIFF, 95% CI", "P", "MEAN MS", "DIFF, 95% CI", "P"), rows);
    }
    out.println();
    out.println("verdict: " + r.path("verdict").asText() + ("fixed-horizon".equals(method) ? "" : " (always-valid)"));
  }

  private static String value(double v, boolean rate) {
    return rate ? String.format(Locale.ROOT, "%.2f%%", v * 100) : num(v);
  }

  private static String diff(double d, boolean rate) {
    return rate ? String.format(Locale.ROOT, "%+.2f pts", d * 100) : (d >= 0 ? "+" : "") + num(d);
  }

  private static String signedPercent(double d) {
    return String.format(Locale.ROOT, "%+.1f%%", d * 100);
  }

  private static String num(double v) {
    return Math.abs(v) >= 1000 || v == Math.rint(v) && Math.abs(v) < 1e15 ? String.format(Locale.ROOT, "%.1f", v)
        : String.format(Locale.ROOT, "%.4g", v);
  }

  private static String p(double p) {
    return p < 0.0001 ? "<0.0001" : String.format(Locale.ROOT, "%.4f", p);
  }

  /** {@code ooda get experiments}: one line per experiment. */
  static void table(PrintWriter out, List<Resource> items, long nowMillis) {
    List<List<String>> rows = new ArrayList<>();
    for (Resource r : items) {
      ExperimentSpec s = r.spec(ExperimentSpec.class);
      String status = nowMillis < s.startMillis() ? "scheduled" : s.ended(nowMillis) ? "stopped" : "running";
      List<String> cells = new ArrayList<>();
      for (ExperimentSpec.Cell c : s.cells()) cells.add(c.name() + "=" + c.variant() + " " + c.weight().stripTrailingZeros().toPlainString() + "%");
      String layer = s.layer() == null ? "-" : s.layerName(r.name()) + " " + s.layer().share().stripTrailingZeros().toPlainString() + "%"
          + (s.layerOffset() == null ? "" : " @" + s.layerOffset());
      rows.add(List.of(r.name(), s.flag(), status, s.effectiveUnit(), String.join(", ", cells), layer,
          s.metrics().isEmpty() ? "-" : s.metrics().get(0).name()));
    }
    Table.print(out, List.of("NAME", "FLAG", "STATUS", "UNIT", "CELLS", "LAYER", "PRIMARY"), rows);
  }
}
