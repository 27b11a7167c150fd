package dev.ooda.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ExperimentSpecTest {
  private static final String EXPERIMENT = """
      kind: Experiment
      name: checkout-button
      spec:
        owner: team-checkout
        hypothesis: a green button raises conversion by 2 points
        flag: button-color
        unit: userId
        cells:
          - {name: control, variant: blue, weight: 50}
          - {name: green, variant: green, weight: 50}
        eligibility:
          constraints: [{attribute: country, operator: in, values: [de, fr]}]
        layer: {name: checkout, share: 40}
        start: 2025-06-01T00:00:00Z
        stop: 2025-07-01
        metrics: [conversion, {name: revenue}, {name: clicks, statistic: rate}]
      """;

  @Test
  void readsAnExperiment() {
    Resource r = ResourceCodec.readYaml(EXPERIMENT).get(0);
    ExperimentSpec e = r.spec(ExperimentSpec.class);
    assertThat(Kinds.find("experiments")).contains(ExperimentSpec.KIND);
    assertThat(e.effectiveUnit()).isEqualTo("userId");
    assertThat(e.controlCell().name()).isEqualTo("control");
    assertThat(e.layerName("checkout-button")).isEqualTo("checkout");
    assertThat(e.layerBuckets()).isEqualTo(4000);
    assertThat(e.layerOffset()).isNull();
    assertThat(e.metrics()).extracting(ExperimentSpec.Metric::statistic).containsExactly("rate", "mean", "rate");
    assertThat(e.stopMillis()).isGreaterThan(e.startMillis());
    // what the store keeps reads back the same
    Resource again = ResourceCodec.readStored(ResourceCodec.toJsonBytes(r.withVersion(1)));
    assertThat(again.spec()).isEqualTo(e);
  }

  @Test
  void withoutALayerItHasOneOfItsOwn() {
    ExperimentSpec e = ResourceCodec.readYaml("""
        kind: Experiment
        name: solo
        spec: {flag: f, cells: [{name: a, variant: x, weight: 50}, {name: b, variant: y, weight: 50}], metrics: [conversion]}
        """).get(0).spec(ExperimentSpec.class);
    assertThat(e.layerName("solo")).isEqualTo("solo");
    assertThat(e.layerBuckets()).isEqualTo(10_000);
    assertThat(e.layerOffset()).isZero();
    assertThat(e.effectiveUnit()).isEqualTo("targetingKey");
  }

  @Test
  void refusesBadInputNamingTheField() {
    assertThatThrownBy(() -> ResourceCodec.readYaml("""
        kind: Experiment
        name: bad
        spec:
          cells:
            - {name: a, variant: x, weight: 60}
            - {name: a, variant: y, weight: 30}
          control: c
          layer: {name: l, share: 0}
          start: 2025-07-01
          stop: 2025-06-01
          metrics: [{name: revenue, statistic: median}]
        """))
        .isInstanceOf(InvalidResourceException.class)
        .hasMessageContaining("spec.flag: is required")
        .hasMessageContaining("spec.cells[1].name: 'a' is used by an earlier cell")
        .hasMessageContaining("spec.cells: weights must sum to 100, sum to 90")
        .hasMessageContaining("spec.control: unknown cell 'c'")
        .hasMessageContaining("spec.layer.share: must be a percentage above 0")
        .hasMessageContaining("spec.stop: '2025-06-01' must be after start")
        .hasMessageContaining("spec.metrics[0].statistic: 'median' must be rate or mean");
  }
}
