package dev.ooda.flags;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ooda.model.Resource;
import dev.ooda.model.ResourceCodec;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FlagSetTest {
  private final FlagCounters counters = new FlagCounters();

  private FlagSet compile(String yaml) {
    List<Resource> rs = ResourceCodec.readYaml(yaml);
    return FlagSet.compile(rs, counters);
  }

  /** A string flag that answers "hit" when the one constraint holds, else "miss". */
  private FlagSet one(String attribute, String operator, String values) {
    return compile("""
        kind: Flag
        name: f
        spec:
          variants: {hit: "hit", miss: "miss"}
          defaultVariant: miss
          rules: [{id: r, constraints: [{attribute: %s, operator: %s, values: %s}], variant: hit}]
        """.formatted(attribute, operator, values));
  }

  private static boolean hits(FlagSet s, String... ctx) {
    return "hit".equals(s.evaluate("f", Context.of(ctx)).value());
  }

  @Test
  void inAndNotIn() {
    FlagSet in = one("country", "in", "[de, at, \"no\"]");
    assertThat(hits(in, "country", "de")).isTrue();
    assertThat(hits(in, "country", "no")).isTrue();
    assertThat(hits(in, "country", "fr")).isFalse();
    assertThat(hits(in)).isFalse();
    FlagSet notIn = one("country", "not_in", "[de]");
    assertThat(hits(notIn, "country", "fr")).isTrue();
    assertThat(hits(notIn, "country", "de")).isFalse();
    assertThat(hits(notIn)).as("a missing attribute is not in any list").isTrue();
  }

  @Test
  void stringOperators() {
    assertThat(hits(one("email", "ends_with", "['@example.com', '@example.org']"), "email", "a@example.org")).isTrue();
    assertThat(hits(one("email", "ends_with", "['@example.com']"), "email", "a@example.com.evil")).isFalse();
    assertThat(hits(one("path", "starts_with", "[/api/]"), "path", "/api/x")).isTrue();
    assertThat(hits(one("path", "starts_with", "[/api/]"), "path", "/web")).isFalse();
    assertThat(hits(one("agent", "contains", "[Mobile]"), "agent", "Mozilla Mobile Safari")).isTrue();
    assertThat(hits(one("agent", "contains", "[Mobile]"))).isFalse();
  }

  @Test
  void semverOperators() {
    assertThat(hits(one("v", "semver_ge", "['2.3.0']"), "v", "2.10.0")).isTrue();
    assertThat(hits(one("v", "semver_ge", "['2.3.0']"), "v", "2.3.0-rc.1")).as("a pre-release comes before its release").isFalse();
    assertThat(hits(one("v", "semver_gt", "['2.3.0']"), "v", "2.3.0")).isFalse();
    assertThat(hits(one("v", "semver_lt", "['2.3.0']"), "v", "2.2.99")).isTrue();
    assertThat(hits(one("v", "semver_le", "['2.3.0']"), "v", "2.3.0")).isTrue();
    assertThat(hits(one("v", "semver_eq", "['2.3.0']"), "v", "v2.3.0+build.7")).isTrue();
    assertThat(hits(one("v", "semver_eq", "['2.3.0']"), "v", "not-a-version")).isFalse();
  }

  @Test
  void numberOperators() {
    assertThat(hits(one("n", "lt", "[10]"), "n", "9.5")).isTrue();
    assertThat(hits(one("n", "lt", "[10]"), "n", "10")).isFalse();
    assertThat(hits(one("n", "le", "[10]"), "n", "10")).isTrue();
    assertThat(hits(one("n", "gt", "[10]"), "n", "11")).isTrue();
    assertThat(hits(one("n", "ge", "[10]"), "n", "9")).isFalse();
    assertThat(hits(one("n", "between", "[10, 20]"), "n", "20")).isTrue();
    assertThat(hits(one("n", "between", "[10, 20]"), "n", "20.01")).isFalse();
    assertThat(hits(one("n", "gt", "[10]"), "n", "eleven")).isFalse();
  }

  @Test
  void regexFindsAnywhereUnlessAnchored() {
    assertThat(hits(one("user", "regex", "['^qa-[0-9]+$']"), "user", "qa-17")).isTrue();
    assertThat(hits(one("user", "regex", "['^qa-[0-9]+$']"), "user", "xqa-17")).isFalse();
    assertThat(hits(one("user", "regex", "['bot']"), "user", "a-bot-1")).isTrue();
  }

  @Test
  void dateOperators() {
    FlagSet before = one("signup", "before", "['2024-01-01']");
    assertThat(hits(before, "signup", "2023-12-31T23:59:59Z")).isTrue();
    assertThat(hits(before, "signup", "2024-01-01")).isFalse();
    FlagSet after = one("signup", "after", "['2024-01-01T12:00:00Z']");
    assertThat(hits(after, "signup", "2024-01-01T14:00:00+01:00")).isTrue();
    assertThat(hits(after, "signup", "2024-01-01T12:30:00+01:00")).isFalse();
    assertThat(hits(after, "signup", "yesterday")).isFalse();
    // currentTime is now unless the context says otherwise: a flag that turns on at a date
    assertThat(hits(one("currentTime", "after", "['2020-01-01']"))).isTrue();
    assertThat(hits(one("currentTime", "before", "['2020-01-01']"))).isFalse();
    assertThat(hits(one("currentTime", "before", "['2020-01-01']"), "currentTime", "2019-06-01")).isTrue();
  }

  @Test
  void rulesAreTriedInOrderAndTheFirstMatchDecides() {
    FlagSet s = compile("""
        kind: Flag
        name: f
        spec:
          variants: {a: "A", b: "B", c: "C"}
          defaultVariant: c
          rules:
            - {id: first, constraints: [{attribute: tier, operator: in, values: [gold]}], variant: a}
            - {id: second, constraints: [{attribute: country, operator: in, values: [de]}], variant: b}
        """);
    Evaluation both = s.evaluate("f", Context.of("tier", "gold", "country", "de"));
    assertThat(both.variant()).isEqualTo("a");
    assertThat(both.value()).isEqualTo("A");
    assertThat(both.reason()).isEqualTo(Reason.TARGETING_MATCH);
    assertThat(both.ruleId()).isEqualTo("first");
    assertThat(s.evaluate("f", Context.of("country", "de")).ruleId()).isEqualTo("second");
    Evaluation none = s.evaluate("f", Context.EMPTY);
    assertThat(none.variant()).isEqualTo("c");
    assertThat(none.reason()).isEqualTo(Reason.DEFAULT);
    assertThat(none.ruleId()).isNull();
  }

  @Test
  void segmentsAreInlinedAndAMissingOneNeverMatches() {
    String flag = """
        kind: Flag
        name: f
        spec:
          variants: {on: true, off: false}
          defaultVariant: off
          rules: [{id: beta, segments: [beta-testers], constraints: [{attribute: country, operator: in, values: [de]}], variant: on}]
        """;
    FlagSet s = compile(flag + """
        ---
        kind: Segment
        name: beta-testers
        spec: {constraints: [{attribute: plan, operator: in, values: [beta]}, {attribute: v, operator: semver_ge, values: ["2.0.0"]}]}
        """);
    assertThat(s.evaluate("f", Context.of("plan", "beta", "v", "2.1.0", "country", "de")).value()).isEqualTo(true);
    assertThat(s.evaluate("f", Context.of("plan", "beta", "v", "1.9.0", "country", "de")).value()).isEqualTo(false);
    assertThat(s.evaluate("f", Context.of("plan", "beta", "v", "2.1.0", "country", "fr")).value()).isEqualTo(false);
    assertThat(s.problems()).isEmpty();
    FlagSet missing = compile(flag);
    assertThat(missing.evaluate("f", Context.of("plan", "beta", "v", "2.1.0", "country", "de")).reason()).isEqualTo(Reason.DEFAULT);
    assertThat(missing.problems()).singleElement().asString().contains("no Segment/beta-testers");
    assertThat(missing.changedSince(s)).containsExactly("f");
  }

  @Test
  void theKillSwitchServesTheDefaultEverywhere() {
    FlagSet s = compile("""
        kind: Flag
        name: f
        spec:
          variants: {on: true, off: false}
          defaultVariant: off
          killSwitch: true
          rules: [{id: all, variant: on}]
        """);
    Evaluation e = s.evaluate("f", Context.of("targetingKey", "u1"));
    assertThat(e.value()).isEqualTo(false);
    assertThat(e.reason()).isEqualTo(Reason.DISABLED);
  }

  @Test
  void errorsCarryACode() {
    FlagSet s = one("a", "in", "[x]");
    Evaluation missing = s.evaluate("nope", Context.EMPTY);
    assertThat(missing.reason()).isEqualTo(Reason.ERROR);
    assertThat(missing.errorCode()).isEqualTo(ErrorCode.FLAG_NOT_FOUND);
    assertThat(missing.message()).contains("nope");
    Evaluation wrongType = Flags.typed(s.evaluate("f", Context.EMPTY), Boolean.class);
    assertThat(wrongType.errorCode()).isEqualTo(ErrorCode.TYPE_MISMATCH);
    assertThat(wrongType.message()).contains("String").contains("Boolean");
  }

  @Test
  void valuesHaveTheFlagsType() {
    FlagSet s = compile("""
        kind: Flag
        name: limit
        spec: {type: number, variants: {low: 10, high: 2.5}, defaultVariant: low, rules: [{id: r, constraints: [{attribute: a, operator: in, values: [x]}], variant: high}]}
        ---
        kind: Flag
        name: layout
        spec: {type: json, variants: {grid: {columns: 3}}, defaultVariant: grid}
        """);
    assertThat(s.evaluate("limit", Context.EMPTY).value()).isEqualTo(10L);
    assertThat(s.evaluate("limit", Context.of("a", "x")).value()).isEqualTo(2.5);
    assertThat(s.evaluate("layout", Context.EMPTY).value()).asString().isEqualTo("{\"columns\":3}");
    assertThat(s.type("layout")).isEqualTo("json");
  }

  @Test
  void countsPerFlagAndVariantSurviveARecompile() {
    FlagSet s = one("a", "in", "[x]");
    s.evaluate("f", Context.of("a", "x"));
    s.evaluate("f", Context.of("a", "x"));
    FlagSet again = one("a", "in", "[x, y]");
    again.evaluate("f", Context.EMPTY);
    assertThat(counters.usage()).extracting(u -> u.variant() + "=" + u.count()).containsExactly("hit=2", "miss=1");
    assertThat(counters.usage().get(0).lastEvaluated()).isNotNull();
    assertThat(again.changedSince(s)).isEqualTo(Set.of("f"));
    assertThat(one("a", "in", "[x, y]").changedSince(again)).isEmpty();
  }
}
