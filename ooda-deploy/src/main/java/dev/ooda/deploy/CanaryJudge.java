package dev.ooda.deploy;

import dev.ooda.model.DeploymentSpec;
import dev.ooda.model.DeploymentSpec.Judgement;
import dev.ooda.model.DeploymentSpec.Metric;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.commons.math3.stat.descriptive.rank.Median;
import org.apache.commons.math3.stat.inference.AlternativeHypothesis;
import org.apache.commons.math3.stat.inference.BinomialTest;
import org.apache.commons.math3.stat.inference.MannWhitneyUTest;

/**
 * Compares a canary with its baseline over one step, metric by metric; each is {@code pass},
 * {@code high}, {@code low} or {@code noData}, with a reason:
 * <ul>
 *   <li><b>errorRate</b>: high (fails) when the canary's share of errors exceeds the baseline's
 *       by more than {@code maxErrorRateIncrease}.
 *   <li><b>latency</b>: Mann-Whitney U on the two duration samples; high (fails) when they differ
 *       at {@code alpha} and the canary's median is more than {@code maxLatencyIncrease} above the
 *       baseline's; low when they differ and the canary is faster.
 *   <li><b>requestRate</b>: the canary's share of the requests against the share its weight should
 *       give it, by a one-sided binomial test at {@code alpha}: low (fails) when it serves
 *       significantly less than half its share (instances refusing, failing health, unreachable),
 *       high when it serves significantly more.
 * </ul>
 * Fewer than {@code minRequests} on either side is "no data" for every metric, never a pass.
 */
public final class CanaryJudge {
  /**
   * A canary is losing traffic when it serves less than this part of its expected share, and the
   * binomial test says so: a small deviation is noise from how requests happened to fall.
   */
  static final double LOW_SHARE = 0.5;

  private CanaryJudge() {}

  public static Judgement judge(List<Sample> canary, List<Sample> baseline, int weightPercent, int step,
                                DeploymentSpec.Analysis settings, Instant at) {
    return judge(canary, baseline, weightPercent, weightPercent, step, settings, at);
  }

  /**
   * @param weightPercent the canary's weight in the route
   * @param expectedShare the canary's expected share, in percent, of the requests the two samples hold
   *                      (with a fresh baseline as large as the canary: 50)
   */
  public static Judgement judge(List<Sample> canary, List<Sample> baseline, int weightPercent, int expectedShare, int step,
                                DeploymentSpec.Analysis settings, Instant at) {
    DeploymentSpec.Analysis a = settings.withDefaults();
    int nc = canary.size();
    int nb = baseline.size();
    List<Metric> metrics;
    if (nc < a.minRequests() || nb < a.minRequests()) {
      String why = "canary served " + nc + " and baseline " + nb + " requests; each needs " + a.minRequests();
      metrics = List.of(noData("errorRate", nc, nb, why), noData("latency", nc, nb, why), noData("requestRate", nc, nb, why));
    } else {
      metrics = List.of(errorRate(canary, baseline, a), latency(canary, baseline, a), requestRate(nc, nb, expectedShare, a));
    }
    String verdict = metrics.stream().anyMatch(m -> Boolean.TRUE.equals(m.failed())) ? Judgement.FAIL
        : metrics.stream().anyMatch(m -> m.result().equals("noData")) ? Judgement.NO_DATA : Judgement.PASS;
    return new Judgement(at.toString(), step, weightPercent, verdict, metrics);
  }

  private static Metric noData(String name, int nc, int nb, String why) {
    return new Metric(name, "noData", false, nc + " requests", nb + " requests", why);
  }

  private static Metric errorRate(List<Sample> c, List<Sample> b, DeploymentSpec.Analysis a) {
    double ec = c.stream().filter(Sample::error).count() / (double) c.size();
    double eb = b.stream().filter(Sample::error).count() / (double) b.size();
    String cs = pct(ec);
    String bs = pct(eb);
    String limit = pct(a.maxErrorRateIncrease());
    if (ec - eb > a.maxErrorRateIncrease())
      return new Metric("errorRate", "high", true, cs, bs, "canary errors " + cs + " vs baseline " + bs + ": more than " + limit + " above");
    if (eb - ec > a.maxErrorRateIncrease())
      return new Metric("errorRate", "low", false, cs, bs, "canary errors " + cs + " vs baseline " + bs + ": fewer errors");
    return new Metric("errorRate", "pass", false, cs, bs, "canary errors " + cs + " vs baseline " + bs + ": within " + limit);
  }

  private static Metric latency(List<Sample> c, List<Sample> b, DeploymentSpec.Analysis a) {
    double[] dc = c.stream().mapToDouble(s -> s.durationMicros() / 1000.0).toArray();
    double[] db = b.stream().mapToDouble(s -> s.durationMicros() / 1000.0).toArray();
    double mc = new Median().evaluate(dc);
    double mb = new Median().evaluate(db);
    // Identical samples (all equal) make the test's variance zero: nothing differs.
    double p = Arrays.equals(sorted(dc), sorted(db)) ? 1.0 : new MannWhitneyUTest().mannWhitneyUTest(dc, db);
    String cs = ms(mc);
    String bs = ms(mb);
    String test = String.format(Locale.ROOT, "Mann-Whitney U p=%.3g", p);
    if (p < a.alpha() && mc > mb * (1 + a.maxLatencyIncrease()))
      return new Metric("latency", "high", true, cs, bs, "median " + cs + " vs " + bs + ", " + test + " < " + a.alpha()
          + ", more than " + pct(a.maxLatencyIncrease()) + " slower");
    if (p < a.alpha() && mc < mb)
      return new Metric("latency", "low", false, cs, bs, "median " + cs + " vs " + bs + ", " + test + ": faster");
    if (p < a.alpha())
      return new Metric("latency", "pass", false, cs, bs, "median " + cs + " vs " + bs + ", " + test + ": slower by less than " + pct(a.maxLatencyIncrease()));
    return new Metric("latency", "pass", false, cs, bs, "median " + cs + " vs " + bs + ", " + test + ": no significant difference");
  }

  private static Metric requestRate(int nc, int nb, int weightPercent, DeploymentSpec.Analysis a) {
    int n = nc + nb;
    double expected = weightPercent / 100.0;
    double observed = nc / (double) n;
    String cs = pct(observed) + " of " + n;
    String bs = "expected " + weightPercent + "%";
    if (expected <= 0 || expected >= 1)
      return new Metric("requestRate", "pass", false, cs, bs, "the canary takes all requests: no split to compare against");
    BinomialTest t = new BinomialTest();
    double pLow = t.binomialTest(n, nc, expected, AlternativeHypothesis.LESS_THAN);
    double pHigh = t.binomialTest(n, nc, expected, AlternativeHypothesis.GREATER_THAN);
    if (pLow < a.alpha() && observed < expected * LOW_SHARE)
      return new Metric("requestRate", "low", true, cs, bs, String.format(Locale.ROOT,
          "canary served %s of the compared requests, its weight gives %d%% (binomial p=%.3g): it is losing traffic", pct(observed), weightPercent, pLow));
    if (pHigh < a.alpha() && observed > expected + (1 - expected) * (1 - LOW_SHARE))
      return new Metric("requestRate", "high", false, cs, bs, String.format(Locale.ROOT,
          "canary served %s of the compared requests, its weight gives %d%% (binomial p=%.3g)", pct(observed), weightPercent, pHigh));
    return new Metric("requestRate", "pass", false, cs, bs, "canary served " + pct(observed) + " of the compared requests, as its weight gives (" + weightPercent + "%)");
  }

  private static double[] sorted(double[] x) {
    double[] s = x.clone();
    Arrays.sort(s);
    return s;
  }

  private static String pct(double x) {
    return String.format(Locale.ROOT, "%.1f%%", 100 * x);
  }

  private static String ms(double x) {
    return String.format(Locale.ROOT, "%.2fms", x);
  }
}
