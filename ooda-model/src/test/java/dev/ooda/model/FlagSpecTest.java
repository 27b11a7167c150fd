package dev.ooda.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FlagSpecTest {
  private static final String FLAG = """
      kind: Flag
      name: new-checkout
      spec:
        owner: team-checkout
        expires: 2025-09-30
        variants: {on: true, off: false}
        defaultVariant: off
        rules:
          - id: staff
            constraints: [{attribute: email, operator: ends_with, values: ["@example.com"]}]
            variant: on
          - id: gradual
            rollout: {stickiness: userId, percentages: {on: 10, off: 90}}
      """;

  private static FlagSpec read(String yaml) {
    return ResourceCodec.readYaml(yaml).get(0).spec(FlagSpec.class);
  }

  @Test
  void readsAFlagWithBareYamlBooleansAsVariantNames() {
    FlagSpec f = read(FLAG);
    assertThat(Kinds.find("flags")).contains(FlagSpec.KIND);
    assertThat(f.effectiveType()).isEqualTo("boolean");
    assertThat(f.variants()).containsOnlyKeys("on", "off");
    // `off` and `on` reach string fields as "false"/"true"; they name the variants meant
    assertThat(f.defaultVariant()).isEqualTo("off");
    assertThat(f.rules().get(0).variant()).isEqualTo("on");
    assertThat(f.rules().get(1).rollout().percentages()).containsEntry("on", BigDecimal.valueOf(10));
    assertThat(f.rules().get(1).rollout().percentages().keySet()).containsExactly("on", "off");
    assertThat(f.expiryDate()).hasToString("2025-09-30");
    assertThat(f.killed()).isFalse();
  }

  @Test
  void numbersInConstraintValuesAreReadAsStrings() {
    FlagSpec f = read("""
        kind: Flag
        name: big-cart
        spec:
          variants: {a: "x", b: "y"}
          defaultVariant: a
          rules: [{id: big, constraints: [{attribute: cart, operator: between, values: [10, 99.5]}], variant: b}]
        """);
    assertThat(f.rules().get(0).constraints().get(0).values()).containsExactly("10", "99.5");
    assertThat(f.effectiveType()).isEqualTo("string");
  }

  @Test
  void roundTripsThroughJson() {
    Resource r = ResourceCodec.readYaml(FLAG).get(0);
    Resource back = ResourceCodec.readStored(ResourceCodec.toJsonBytes(r));
    assertThat(back.spec()).isEqualTo(r.spec());
  }

  @Test
  void validationNamesTheField() {
    String base = "kind: Flag\nname: f\nspec: {variants: {on: true, off: false}, defaultVariant: off, rules: [%s]}\n";
    assertThatThrownBy(() -> read(base.formatted("{id: r, variant: maybe}")))
        .hasMessageContaining("spec.rules[0].variant: unknown variant 'maybe'");
    assertThatThrownBy(() -> read(base.formatted("{id: r, rollout: {percentages: {on: 10, off: 80}}}")))
        .hasMessageContaining("spec.rules[0].rollout.percentages: must sum to 100, sum to 90");
    assertThatThrownBy(() -> read(base.formatted("{id: r, rollout: {percentages: {on: 10.005, off: 89.995}}}")))
        .hasMessageContaining("spec.rules[0].rollout.percentages.on").hasMessageContaining("two decimals");
    assertThatThrownBy(() -> read(base.formatted("{id: r, constraints: [{attribute: a, operator: regex, values: ['(']}], variant: on}")))
        .hasMessageContaining("spec.rules[0].constraints[0].values[0]").hasMessageContaining("regular expression");
    assertThatThrownBy(() -> read(base.formatted("{id: r, constraints: [{attribute: v, operator: semver_ge, values: ['1.2']}], variant: on}")))
        .hasMessageContaining("spec.rules[0].constraints[0].values[0]: '1.2' is not a semantic version");
    assertThatThrownBy(() -> read(base.formatted("{id: r, constraints: [{attribute: v, operator: almost, values: [x]}], variant: on}")))
        .hasMessageContaining("spec.rules[0].constraints[0].operator: unknown operator 'almost'");
    assertThatThrownBy(() -> read(base.formatted("{id: r, constraints: [{attribute: d, operator: before, values: [tomorrow]}], variant: on}")))
        .hasMessageContaining("spec.rules[0].constraints[0].values[0]: 'tomorrow' is not a date");
    assertThatThrownBy(() -> read(base.formatted("{id: r, constraints: [{attribute: n, operator: between, values: [5]}], variant: on}")))
        .hasMessageContaining("between takes two values");
    assertThatThrownBy(() -> read(base.formatted("{id: r, variant: on}, {id: r, variant: off}")))
        .hasMessageContaining("spec.rules[1].id: 'r' is used by an earlier rule");
    assertThatThrownBy(() -> read(base.formatted("{id: r}")))
        .hasMessageContaining("spec.rules[0]: give either variant or rollout");
    assertThatThrownBy(() -> read("kind: Flag\nname: f\nspec: {type: boolean, variants: {a: 1}, defaultVariant: b}\n"))
        .hasMessageContaining("spec.variants.a: must be a boolean value")
        .hasMessageContaining("spec.defaultVariant: unknown variant 'b'");
    assertThatThrownBy(() -> read("kind: Flag\nname: f\nspec: {variants: {a: 1}, defaultVariant: a, expires: soon}\n"))
        .hasMessageContaining("spec.expires: 'soon' must be a date");
  }

  @Test
  void segmentsAreNamedConstraintSets() {
    Resource r = ResourceCodec.readYaml("""
        kind: Segment
        name: beta-testers
        spec: {constraints: [{attribute: plan, operator: in, values: [beta, "no"]}]}
        """).get(0);
    assertThat(r.spec(SegmentSpec.class).constraints().get(0).values()).containsExactly("beta", "no");
    assertThatThrownBy(() -> ResourceCodec.readYaml("kind: Segment\nname: s\nspec: {}\n"))
        .hasMessageContaining("spec.constraints: is required");
    FlagSpec f = read("kind: Flag\nname: f\nspec: {variants: {a: 1}, defaultVariant: a, rules: [{id: r, segments: [beta], variant: a}]}\n");
    assertThat(FlagSpec.unknownSegments(f, Set.of("gamma"))).containsExactly("rules[0].segments[0]");
    assertThat(FlagSpec.unknownSegments(f, Set.of("beta"))).isEmpty();
  }

  @Test
  void semanticVersionsOrderBySemverRules() {
    assertThat(SemVer.parse("1.2")).isNull();
    assertThat(SemVer.parse("v2.0.0")).isEqualTo(SemVer.parse("2.0.0"));
    assertThat(SemVer.parse("1.0.0-alpha").compareTo(SemVer.parse("1.0.0-alpha.1"))).isNegative();
    assertThat(SemVer.parse("1.0.0-alpha.beta").compareTo(SemVer.parse("1.0.0-beta"))).isNegative();
    assertThat(SemVer.parse("1.0.0-beta.2").compareTo(SemVer.parse("1.0.0-beta.11"))).isNegative();
    assertThat(SemVer.parse("1.0.0-rc.1").compareTo(SemVer.parse("1.0.0"))).isNegative();
    assertThat(SemVer.parse("1.10.0").compareTo(SemVer.parse("1.9.9"))).isPositive();
    assertThat(SemVer.parse("1.0.0+build.5").compareTo(SemVer.parse("1.0.0"))).isZero();
  }
}
