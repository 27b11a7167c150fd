package dev.ooda.control.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.apache.commons.math3.stat.descriptive.SummaryStatistics;
import org.junit.jupiter.api.Test;

/** The statistics against published reference values. */
class StatisticsTest {

  /**
   * R's {@code t.test(ts1, ts2)} (Welch by default) on ts1 = 11,9,10,11,10,12,9,11,12,9 and
   * ts2 = 11,13,10,13,12,9,11,12,12,11 prints t = -1.8325, df = 17.9, p-value = 0.08356, 95 percent
   * confidence interval -2.1469104 0.1469104 (for ts1 - ts2).
   */
  @Test
  void welchMatchesR() {
    SummaryStatistics a = summary(11, 9, 10, 11, 10, 12, 9, 11, 12, 9);
    SummaryStatistics b = summary(11, 13, 10, 13, 12, 9, 11, 12, 12, 11);
    // treatment ts1 against control ts2, so the difference is ts1 - ts2 as R prints it
    Statistics.Comparison c = Statistics.welch(b.getMean(), b.getVariance(), b.getN(), a.getMean(), a.getVariance(), a.getN());
    assertThat(c.difference()).isCloseTo(-1.0, within(1e-12));
    assertThat(c.p()).isCloseTo(0.08356, within(5e-6));
    assertThat(c.low()).isCloseTo(-2.1469104, within(1e-4));
    assertThat(c.high()).isCloseTo(0.1469104, within(1e-4));
    assertThat(Statistics.welchDegreesOfFreedom(b.getVariance(), b.getN(), a.getVariance(), a.getN())).isCloseTo(17.9, within(0.05));
  }

  /**
   * A textbook two-proportion example: 140 of 200 against 255 of 340. Pooled proportion 0.7314815,
   * standard error 0.03949401, z = -1.266015; one-sided p 0.1028 (normal), so two-sided 0.2055.
   */
  @Test
  void twoProportionZTestMatchesTheTextbook() {
    assertThat(Statistics.twoProportionZ(255, 340, 140, 200)).isCloseTo(-1.266015, within(1e-6));
    Statistics.Comparison c = Statistics.twoProportions(255, 340, 140, 200);
    assertThat(c.difference()).isCloseTo(0.7 - 0.75, within(1e-12));
    assertThat(c.p()).isCloseTo(0.2055, within(5e-4));
    // unpooled interval: -0.05 +- 1.96 * sqrt(.7*.3/200 + .75*.25/340)
    double half = 1.959964 * Math.sqrt(0.7 * 0.3 / 200 + 0.75 * 0.25 / 340);
    assertThat(c.low()).isCloseTo(-0.05 - half, within(1e-6));
    assertThat(c.high()).isCloseTo(-0.05 + half, within(1e-6));
    assertThat(c.relative()).isCloseTo(-0.05 / 0.75, within(1e-12));
    // a second one: 122 of 202 against 220 of 340, z = -1.005, one-sided p 0.1574
    assertThat(Statistics.twoProportionZ(220, 340, 122, 202)).isCloseTo(-1.005, within(5e-4));
    assertThat(Statistics.twoProportions(220, 340, 122, 202).p() / 2).isCloseTo(0.1574, within(5e-4));
  }

  /** Chi-square goodness of fit: 5,200 against 4,800 for 50/50 is chi-square 16 on 1 df, p = 6.3e-5. */
  @Test
  void sampleRatioMismatch() {
    assertThat(Statistics.sampleRatioChiSquare(new long[] {5200, 4800}, new double[] {50, 50})).isCloseTo(16.0, within(1e-9));
    assertThat(Statistics.sampleRatioP(new long[] {5200, 4800}, new double[] {50, 50})).isCloseTo(6.334e-5, within(1e-7));
    assertThat(Statistics.sampleRatioP(new long[] {5030, 4970}, new double[] {50, 50})).isGreaterThan(0.5);
    // 20/80 weights: 2,000 and 8,000 fit exactly
    assertThat(Statistics.sampleRatioP(new long[] {2000, 8000}, new double[] {20, 80})).isCloseTo(1.0, within(1e-12));
  }

  /**
   * mSPRT: the likelihood ratio at d with V = tau^2 is sqrt(1/2) exp(d^2 / (4 V)); at d = 0 the
   * p-value is 1, and the interval is exactly where the ratio reaches 1/alpha.
   */
  @Test
  void sequentialRatioAndInterval() {
    double v = 0.0001; // var0/n0 + var1/n1 with var = 0.5, n = 10,000 each
    Statistics.Comparison none = Statistics.sequential(0.1, 0.1, 0.5, 10_000, 0.5, 10_000, v);
    assertThat(none.p()).isEqualTo(1.0);
    double d = 0.03;
    Statistics.Comparison c = Statistics.sequential(0.1, 0.1 + d, 0.5, 10_000, 0.5, 10_000, v);
    double lambda = Math.sqrt(0.5) * Math.exp(d * d / (4 * v));
    assertThat(c.p()).isCloseTo(1 / lambda, within(1e-12));
    // at the interval's ends the ratio is 1/alpha
    double theta = c.low();
    double atEnd = Math.sqrt(0.5) * Math.exp((c.difference() - theta) * (c.difference() - theta) / (4 * v));
    assertThat(atEnd).isCloseTo(1 / Statistics.ALPHA, within(1e-6));
    // always wider than the fixed-horizon interval at the same data
    assertThat(c.high() - c.low()).isGreaterThan(2 * 1.96 * Math.sqrt(v));
  }

  private static SummaryStatistics summary(double... xs) {
    SummaryStatistics s = new SummaryStatistics();
    for (double x : xs) s.addValue(x);
    return s;
  }
}
