package dev.ooda.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ooda.model.DeploymentSpec;
import dev.ooda.model.DeploymentSpec.Judgement;
import dev.ooda.model.DeploymentSpec.Metric;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CanaryJudgeTest {
  private static final DeploymentSpec.Analysis DEFAULTS = DeploymentSpec.Analysis.DEFAULTS;

  private static List<Sample> samples(int n, long medianMicros, double errorRate, long seed) {
    Random r = new Random(seed);
    List<Sample> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new Sample((long) (medianMicros * (0.7 + 0.6 * r.nextDouble())), r.nextDouble() < errorRate));
    }
    return out;
  }

  private static Metric metric(Judgement j, String name) {
    return j.metrics().stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void aCanaryLikeItsBaselinePasses() {
    Judgement j = CanaryJudge.judge(samples(100, 2000, 0, 1), samples(400, 2000, 0, 2), 20, 0, DEFAULTS, Instant.EPOCH);
    assertThat(j.verdict()).isEqualTo(Judgement.PASS);
    assertThat(j.metrics()).extracting(Metric::result).containsExactly("pass", "pass", "pass");
    assertThat(metric(j, "latency").reason()).contains("Mann-Whitney U");
  }

  @Test
  void moreErrorsOrSlowerFail() {
    Judgement errors = CanaryJudge.judge(samples(100, 2000, 0.3, 1), samples(400, 2000, 0, 2), 20, 1, DEFAULTS, Instant.EPOCH);
    assertThat(errors.verdict()).isEqualTo(Judgement.FAIL);
    assertThat(metric(errors, "errorRate").result()).isEqualTo("high");
    assertThat(metric(errors, "errorRate").reason()).contains("more than 1.0% above");

    Judgement slow = CanaryJudge.judge(samples(100, 6000, 0, 1), samples(400, 2000, 0, 2), 20, 1, DEFAULTS, Instant.EPOCH);
    assertThat(slow.verdict()).isEqualTo(Judgement.FAIL);
    assertThat(metric(slow, "latency").result()).isEqualTo("high");

    Judgement fast = CanaryJudge.judge(samples(100, 1000, 0, 1), samples(400, 2000, 0, 2), 20, 1, DEFAULTS, Instant.EPOCH);
    assertThat(metric(fast, "latency").result()).isEqualTo("low");
    assertThat(fast.verdict()).isEqualTo(Judgement.PASS);
  }

  @Test
  void aCanaryThatGetsLessThanItsWeightIsLow() {
    Judgement j = CanaryJudge.judge(samples(30, 2000, 0, 1), samples(470, 2000, 0, 2), 20, 0, DEFAULTS, Instant.EPOCH);
    assertThat(metric(j, "requestRate").result()).isEqualTo("low");
    assertThat(j.verdict()).isEqualTo(Judgement.FAIL);
  }

  @Test
  void tooFewRequestsIsNoDataNeverAPass() {
    Judgement j = CanaryJudge.judge(samples(5, 2000, 0, 1), samples(400, 2000, 0, 2), 20, 0, DEFAULTS, Instant.EPOCH);
    assertThat(j.verdict()).isEqualTo(Judgement.NO_DATA);
    assertThat(j.metrics()).extracting(Metric::result).containsOnly("noData");
    assertThat(j.metrics().get(0).reason()).contains("canary served 5").contains("needs 20");
    assertThat(CanaryJudge.judge(List.of(), List.of(), 20, 0, DEFAULTS, Instant.EPOCH).verdict()).isEqualTo(Judgement.NO_DATA);
  }
}
