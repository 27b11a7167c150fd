package dev.ooda.control.experiments;

import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.stat.descriptive.StatisticalSummaryValues;
import org.apache.commons.math3.stat.inference.ChiSquareTest;
import org.apache.commons.math3.stat.inference.TTest;

/**
 * The tests an experiment's results rest on, from Apache Commons Math: the two-proportion z-test
 * for rates, Welch's t-test for means, the mixture sequential probability ratio test (mSPRT) for
 * results that stay valid however often they are read, and the chi-square goodness-of-fit test for
 * sample-ratio mismatch. Intervals are two-sided at 95 %.
 */
public final class Statistics {
  /** 1 - the confidence of every interval. */
  public static final double ALPHA = 0.05;
  /**
   * The mSPRT's mixing distribution is N(0, tau^2) over the true difference, with tau this fraction
   * of the control cell's per-unit standard deviation: it puts most weight on effects up to a few
   * tenths of a standard deviation, the range A/B tests live in (for a 10 % conversion rate, tau is
   * 3 points).
   */
  public static final double MIXING_SD_FRACTION = 0.1;

  private static final NormalDistribution NORMAL = new NormalDistribution(null, 0, 1);

  private Statistics() {}

  /**
   * A treatment against control.
   *
   * @param difference treatment - control
   * @param low        lower end of the difference's interval
   * @param high       upper end
   * @param relative   difference / control; NaN when control is 0
   * @param relLow     lower end of the relative difference's interval (delta method)
   * @param relHigh    upper end
   * @param p          two-sided p-value against no difference
   */
  public record Comparison(double difference, double low, double high, double relative, double relLow, double relHigh, double p) {}

  /** Two-proportion z-test: p-value with the pooled standard error, interval with the unpooled one. */
  public static Comparison twoProportions(long x0, long n0, long x1, long n1) {
    double p0 = (double) x0 / n0;
    double p1 = (double) x1 / n1;
    double pooled = (double) (x0 + x1) / (n0 + n1);
    double sePooled = Math.sqrt(pooled * (1 - pooled) * (1.0 / n0 + 1.0 / n1));
    double v0 = p0 * (1 - p0) / n0;
    double v1 = p1 * (1 - p1) / n1;
    double d = p1 - p0;
    double p = sePooled == 0 ? (d == 0 ? 1 : 0) : 2 * NORMAL.cumulativeProbability(-Math.abs(d / sePooled));
    double z = NORMAL.inverseCumulativeProbability(1 - ALPHA / 2);
    return comparison(p0, p1, v0, v1, z, p);
  }

  /** The z statistic of the two-proportion test (pooled standard error). */
  public static double twoProportionZ(long x0, long n0, long x1, long n1) {
    double pooled = (double) (x0 + x1) / (n0 + n1);
    return ((double) x1 / n1 - (double) x0 / n0) / Math.sqrt(pooled * (1 - pooled) * (1.0 / n0 + 1.0 / n1));
  }

  /** Welch's t-test on two means with their sample variances; the interval uses Welch-Satterthwaite degrees of freedom. */
  public static Comparison welch(double mean0, double var0, long n0, double mean1, double var1, long n1) {
    double v0 = var0 / n0;
    double v1 = var1 / n1;
    double d = mean1 - mean0;
    if (v0 + v1 == 0) return comparison(mean0, mean1, 0, 0, 0, d == 0 ? 1 : 0);
    double p = new TTest().tTest(summary(mean0, var0, n0), summary(mean1, var1, n1));
    double df = welchDegreesOfFreedom(var0, n0, var1, n1);
    double t = new TDistribution(null, df).inverseCumulativeProbability(1 - ALPHA / 2);
    return comparison(mean0, mean1, v0, v1, t, p);
  }

  /** Welch-Satterthwaite degrees of freedom. */
  public static double welchDegreesOfFreedom(double var0, long n0, double var1, long n1) {
    double a = var0 / n0;
    double b = var1 / n1;
    return (a + b) * (a + b) / (a * a / (n0 - 1) + b * b / (n1 - 1));
  }

  /**
   * The always-valid version (mSPRT, Johari, Koomen, Pekelis and Walsh, "Peeking at A/B tests",
   * KDD 2017, normal approximation): with V the variance of the difference's estimate and a
   * N(0, tau^2) mixture over the true difference, the likelihood ratio against "no difference" is
   * {@code sqrt(V/(V+tau^2)) exp(d^2 tau^2 / (2 V (V+tau^2)))}; the p-value is its inverse (capped at
   * 1) and the interval every difference whose ratio stays under 1/alpha. Both hold at any
   * number of looks.
   */
  public static Comparison sequential(double control, double treatment, double var0, long n0, double var1, long n1, double tau2) {
    double v0 = var0 / n0;
    double v1 = var1 / n1;
    double v = v0 + v1;
    double d = treatment - control;
    if (v == 0 || tau2 <= 0) return comparison(control, treatment, 0, 0, 0, d == 0 ? 1 : 0);
    double logLambda = 0.5 * Math.log(v / (v + tau2)) + d * d * tau2 / (2 * v * (v + tau2));
    double p = Math.min(1, Math.exp(-logLambda));
    double half = Math.sqrt(v * (v + tau2) / tau2 * (2 * Math.log(1 / ALPHA) + Math.log((v + tau2) / v)));
    return comparison(control, treatment, v0, v1, half / Math.sqrt(v), p);
  }

  /** The mixing variance for a control cell whose per-unit variance is {@code controlVariance}. */
  public static double mixingVariance(double controlVariance) {
    return MIXING_SD_FRACTION * MIXING_SD_FRACTION * controlVariance;
  }

  /**
   * Sample-ratio mismatch: the chi-square goodness-of-fit p-value of the units seen per cell
   * against the cells' weights (in any unit; they are normalised). 1 when there are no units.
   */
  public static double sampleRatioP(long[] observed, double[] weights) {
    long total = 0;
    for (long o : observed) total += o;
    if (total == 0 || observed.length < 2) return 1;
    return new ChiSquareTest().chiSquareTest(expected(observed, weights, total), observed);
  }

  /** The chi-square statistic of the same test. */
  public static double sampleRatioChiSquare(long[] observed, double[] weights) {
    long total = 0;
    for (long o : observed) total += o;
    if (total == 0 || observed.length < 2) return 0;
    return new ChiSquareTest().chiSquare(expected(observed, weights, total), observed);
  }

  private static double[] expected(long[] observed, double[] weights, long total) {
    double sum = 0;
    for (double w : weights) sum += w;
    double[] e = new double[observed.length];
    for (int i = 0; i < e.length; i++) e[i] = total * weights[i] / sum;
    return e;
  }

  /** Difference with an interval of {@code multiplier} standard errors, relative difference by the delta method. */
  private static Comparison comparison(double m0, double m1, double v0, double v1, double multiplier, double p) {
    double d = m1 - m0;
    double half = multiplier * Math.sqrt(v0 + v1);
    double rel = m0 == 0 ? Double.NaN : d / m0;
    double seRel = m0 == 0 ? Double.NaN : Math.sqrt(v1 / (m0 * m0) + m1 * m1 * v0 / (m0 * m0 * m0 * m0));
    return new Comparison(d, d - half, d + half, rel, rel - multiplier * seRel, rel + multiplier * seRel, p);
  }

  private static StatisticalSummaryValues summary(double mean, double variance, long n) {
    return new StatisticalSummaryValues(mean, variance, n, Double.NaN, Double.NaN, mean * n);
  }
}
