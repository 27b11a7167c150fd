package dev.ooda.control.experiments;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.ooda.control.experiments.ExperimentStore.CellFigures;
import dev.ooda.model.ExperimentSpec;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An experiment's results: per metric and cell the units, the rate or mean, and against control
 * the absolute and relative difference with a 95 % interval and a p-value; and the sample-ratio
 * check. A cell "wins" only while the experiment is healthy (no sample-ratio mismatch at
 * p &lt; 0.001), on the primary metric, significantly (p &lt; 0.05) and for the better, higher
 * being better; when every treatment is significantly worse, control wins.
 *
 * @param experiment       the experiment's name
 * @param flag             the flag it owns
 * @param status           SCHEDULED, RUNNING or STOPPED
 * @param health           HEALTHY, UNHEALTHY (sample-ratio mismatch) or NO_DATA (no units yet)
 * @param control          the control cell
 * @param primaryMetric    the metric a winner is judged on
 * @param method           {@code fixed-horizon} or {@code mSPRT} (always valid, see {@link Statistics#sequential})
 * @param mixingSdFraction for mSPRT, tau as a fraction of the control's per-unit standard deviation
 * @param srm              the sample-ratio check
 * @param winner           the winning cell, or null
 * @param verdict          one sentence for people
 * @param metrics          per metric, per cell
 * @param requests         per cell, the requests services served to its units, their error rate and
 *                         mean latency against control; absent when no service counted any
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"experiment", "flag", "status", "health", "control", "primaryMetric", "method", "mixingSdFraction", "srm",
    "winner", "verdict", "metrics", "requests"})
public record ExperimentResults(String experiment, String flag, String status, String health, String control, String primaryMetric,
                                String method, Double mixingSdFraction, Srm srm, String winner, String verdict,
                                List<MetricResult> metrics, List<RequestResult> requests) {
  /** Below this sample-ratio p-value the experiment is UNHEALTHY. */
  public static final double SRM_THRESHOLD = 0.001;

  /** Units per cell against the weights: chi-square goodness of fit. */
  @JsonPropertyOrder({"chiSquare", "p", "units", "weights"})
  public record Srm(double chiSquare, double p, Map<String, Long> units, Map<String, BigDecimal> weights) {}

  @JsonPropertyOrder({"name", "statistic", "cells"})
  public record MetricResult(String name, String statistic, List<CellResult> cells) {}

  /**
   * One cell for one metric. For control, the comparison fields are absent; they are also absent
   * while either cell has fewer than two units.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"cell", "variant", "weight", "units", "value", "difference", "low", "high", "relative", "relativeLow",
      "relativeHigh", "p", "significant"})
  public record CellResult(String cell, String variant, BigDecimal weight, long units, Double value, Double difference, Double low,
                           Double high, Double relative, Double relativeLow, Double relativeHigh, Double p, Boolean significant) {}

  /**
   * Requests served to one cell's units. Error rates compare as proportions of requests, latency as
   * Welch means over requests (fixed-horizon); requests of one unit are not independent, so these
   * intervals are narrower than they should be: read them as a guard against harm, not as proof.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"cell", "requests", "errorRate", "errorRateDifference", "errorRateLow", "errorRateHigh", "errorRateP",
      "latencyMs", "latencyDifference", "latencyLow", "latencyHigh", "latencyP"})
  public record RequestResult(String cell, long requests, Double errorRate, Double errorRateDifference, Double errorRateLow,
                              Double errorRateHigh, Double errorRateP, Double latencyMs, Double latencyDifference, Double latencyLow,
                              Double latencyHigh, Double latencyP) {}

  /** Reads the figures of {@code name} from {@code store} and judges them. */
  public static ExperimentResults of(String name, ExperimentSpec spec, ExperimentStore store, boolean sequential, long nowMillis)
      throws java.sql.SQLException {
    Map<String, Map<String, CellFigures>> byMetric = new LinkedHashMap<>();
    for (ExperimentSpec.Metric m : spec.metrics()) {
      Map<String, CellFigures> cells = new HashMap<>();
      for (CellFigures f : store.figures(name, m.name(), spec.stopMillis())) cells.put(f.cell(), f);
      byMetric.put(m.name(), cells);
    }
    ExperimentResults r = judge(name, spec, byMetric, sequential, nowMillis);
    List<ExperimentStore.Requests> requests = store.requests(name);
    if (requests.isEmpty()) return r;
    return new ExperimentResults(r.experiment(), r.flag(), r.status(), r.health(), r.control(), r.primaryMetric(), r.method(),
        r.mixingSdFraction(), r.srm(), r.winner(), r.verdict(), r.metrics(), requests(spec, requests));
  }

  /** Error rate and latency per cell, against control. */
  static List<RequestResult> requests(ExperimentSpec spec, List<ExperimentStore.Requests> totals) {
    Map<String, ExperimentStore.Requests> by = new HashMap<>();
    totals.forEach(t -> by.put(t.cell(), t));
    String control = spec.controlCell().name();
    ExperimentStore.Requests c = by.getOrDefault(control, new ExperimentStore.Requests(spec.flag(), control, 0, 0, 0, 0));
    List<RequestResult> out = new ArrayList<>();
    for (ExperimentSpec.Cell cell : spec.cells()) {
      ExperimentStore.Requests t = by.getOrDefault(cell.name(), new ExperimentStore.Requests(spec.flag(), cell.name(), 0, 0, 0, 0));
      Double rate = t.requests() == 0 ? null : (double) t.errors() / t.requests();
      Double latency = t.requests() == 0 ? null : t.latencyMsSum() / t.requests();
      if (cell.name().equals(control) || t.requests() < 2 || c.requests() < 2) {
        out.add(new RequestResult(cell.name(), t.requests(), rate, null, null, null, null, latency, null, null, null, null));
        continue;
      }
      Statistics.Comparison e = Statistics.twoProportions(c.errors(), c.requests(), t.errors(), t.requests());
      Statistics.Comparison l = Statistics.welch(c.latencyMsSum() / c.requests(), variance(c.requests(), c.latencyMsSum(), c.latencyMsSumOfSquares()),
          c.requests(), latency, variance(t.requests(), t.latencyMsSum(), t.latencyMsSumOfSquares()), t.requests());
      out.add(new RequestResult(cell.name(), t.requests(), rate, e.difference(), e.low(), e.high(), finite(e.p()), latency,
          l.difference(), l.low(), l.high(), finite(l.p())));
    }
    return out;
  }

  /** Judges figures per metric and cell (cells without figures have no units). */
  public static ExperimentResults judge(String name, ExperimentSpec spec, Map<String, Map<String, CellFigures>> byMetric,
                                        boolean sequential, long nowMillis) {
    String status = nowMillis < spec.startMillis() ? "SCHEDULED" : spec.ended(nowMillis) ? "STOPPED" : "RUNNING";
    ExperimentSpec.Cell control = spec.controlCell();
    List<ExperimentSpec.Cell> cells = spec.cells();
    String primary = spec.metrics().get(0).name();
    Map<String, CellFigures> first = byMetric.getOrDefault(primary, Map.of());
    long[] observed = new long[cells.size()];
    double[] weights = new double[cells.size()];
    Map<String, Long> units = new LinkedHashMap<>();
    Map<String, BigDecimal> ws = new LinkedHashMap<>();
    long total = 0;
    for (int i = 0; i < cells.size(); i++) {
      CellFigures f = first.get(cells.get(i).name());
      observed[i] = f == null ? 0 : f.units();
      weights[i] = cells.get(i).weight().doubleValue();
      units.put(cells.get(i).name(), observed[i]);
      ws.put(cells.get(i).name(), cells.get(i).weight());
      total += observed[i];
    }
    double srmP = Statistics.sampleRatioP(observed, weights);
    Srm srm = new Srm(round(Statistics.sampleRatioChiSquare(observed, weights)), srmP, units, ws);
    String health = total == 0 ? "NO_DATA" : srmP < SRM_THRESHOLD ? "UNHEALTHY" : "HEALTHY";

    List<MetricResult> metrics = new ArrayList<>();
    for (ExperimentSpec.Metric m : spec.metrics()) {
      Map<String, CellFigures> figures = byMetric.getOrDefault(m.name(), Map.of());
      CellFigures c = figures.getOrDefault(control.name(), new CellFigures(control.name(), 0, 0, 0, 0));
      List<CellResult> rows = new ArrayList<>();
      for (ExperimentSpec.Cell cell : cells) {
        CellFigures f = figures.getOrDefault(cell.name(), new CellFigures(cell.name(), 0, 0, 0, 0));
        Double value = f.units() == 0 ? null : m.rate() ? (double) f.unitsWithEvents() / f.units() : f.sum() / f.units();
        if (cell == control || f.units() < 2 || c.units() < 2) {
          rows.add(new CellResult(cell.name(), cell.variant(), cell.weight(), f.units(), value, null, null, null, null, null, null, null, null));
          continue;
        }
        Statistics.Comparison k = compare(m, c, f, sequential);
        rows.add(new CellResult(cell.name(), cell.variant(), cell.weight(), f.units(), value, k.difference(), k.low(), k.high(),
            finite(k.relative()), finite(k.relLow()), finite(k.relHigh()), k.p(), k.p() < Statistics.ALPHA));
      }
      metrics.add(new MetricResult(m.name(), m.statistic(), rows));
    }

    String winner = null;
    String verdict;
    if (health.equals("NO_DATA")) {
      verdict = "no units exposed yet";
    } else if (health.equals("UNHEALTHY")) {
      verdict = "UNHEALTHY: units per cell do not match the weights (sample-ratio mismatch, p = " + String.format(java.util.Locale.ROOT, "%.2g", srmP)
          + "); assignment or exposure logging is broken, so no winner is declared";
    } else {
      List<CellResult> rows = metrics.get(0).cells();
      CellResult best = null;
      boolean allWorse = rows.size() > 1;
      for (CellResult r : rows) {
        if (r.cell().equals(control.name())) continue;
        boolean sig = Boolean.TRUE.equals(r.significant());
        if (sig && r.difference() > 0 && (best == null || r.difference() > best.difference())) best = r;
        if (!(sig && r.difference() < 0)) allWorse = false;
      }
      if (best != null) winner = best.cell();
      else if (allWorse) winner = control.name();
      verdict = winner == null ? "no significant difference on " + primary + " yet"
          : winner + " wins on " + primary + (winner.equals(control.name()) ? " (every treatment is worse)" : "");
    }
    return new ExperimentResults(name, spec.flag(), status, health, control.name(), primary, sequential ? "mSPRT" : "fixed-horizon",
        sequential ? Statistics.MIXING_SD_FRACTION : null, srm, winner, verdict, metrics, null);
  }

  private static Statistics.Comparison compare(ExperimentSpec.Metric m, CellFigures c, CellFigures t, boolean sequential) {
    if (m.rate()) {
      if (!sequential) return Statistics.twoProportions(c.unitsWithEvents(), c.units(), t.unitsWithEvents(), t.units());
      double p0 = (double) c.unitsWithEvents() / c.units();
      double p1 = (double) t.unitsWithEvents() / t.units();
      double var0 = p0 * (1 - p0);
      return Statistics.sequential(p0, p1, var0, c.units(), p1 * (1 - p1), t.units(), Statistics.mixingVariance(var0));
    }
    double mean0 = c.sum() / c.units();
    double mean1 = t.sum() / t.units();
    double var0 = variance(c);
    double var1 = variance(t);
    if (!sequential) return Statistics.welch(mean0, var0, c.units(), mean1, var1, t.units());
    return Statistics.sequential(mean0, mean1, var0, c.units(), var1, t.units(), Statistics.mixingVariance(var0));
  }

  /** Sample variance of the per-unit totals. */
  private static double variance(CellFigures f) {
    return variance(f.units(), f.sum(), f.sumOfSquares());
  }

  private static double variance(long n, double sum, double sumOfSquares) {
    return Math.max(0, (sumOfSquares - sum * sum / n) / (n - 1));
  }

  private static Double finite(double d) {
    return Double.isFinite(d) ? d : null;
  }

  private static double round(double d) {
    return Math.round(d * 1000) / 1000.0;
  }
}
