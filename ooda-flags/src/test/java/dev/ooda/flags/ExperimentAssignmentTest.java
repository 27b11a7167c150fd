package dev.ooda.flags;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ooda.model.ResourceCodec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class ExperimentAssignmentTest {
  private static final String FLAGS = """
      kind: Flag
      name: button
      spec:
        variants: {blue: "#00f", green: "#0f0", red: "#f00"}
        defaultVariant: blue
        rules: [{id: staff, constraints: [{attribute: staff, operator: in, values: ["yes"]}], variant: red}]
      ---
      kind: Flag
      name: banner
      spec:
        variants: {plain: "p", bold: "b"}
        defaultVariant: plain
      """;

  private static String experiment(String name, String flag, String layer, String extra) {
    return """
        ---
        kind: Experiment
        name: %s
        spec:
          flag: %s
          unit: userId
          cells: [{name: control, variant: %s, weight: 50}, {name: treatment, variant: %s, weight: 50}]
          layer: %s
          metrics: [conversion]
          %s
        """.formatted(name, flag, flag.equals("button") ? "blue" : "plain", flag.equals("button") ? "green" : "bold", layer, extra);
  }

  private final Map<String, String> exposed = new ConcurrentHashMap<>();

  private FlagSet compile(String yaml) {
    return FlagSet.compile(ResourceCodec.readYaml(yaml), new FlagCounters(), (x, cell, unit) -> exposed.put(x + "/" + unit, cell));
  }

  @Test
  void aRunningExperimentDecidesForUnitsInItsSliceAndTheFlagForTheRest() {
    FlagSet set = compile(FLAGS + experiment("green-button", "button", "{name: checkout, share: 40, offset: 0}",
        "eligibility: {constraints: [{attribute: country, operator: in, values: [de]}]}"));
    assertThat(set.problems()).isEmpty();
    Map<String, Integer> cells = new HashMap<>();
    int inside = 0;
    for (int i = 0; i < 10_000; i++) {
      Evaluation e = set.evaluate("button", Context.of("userId", "u" + i, "country", "de"));
      if (e.experiment() != null) {
        inside++;
        assertThat(e.reason()).isEqualTo(Reason.SPLIT);
        assertThat(e.experiment()).isEqualTo("green-button");
        assertThat(e.variant()).isEqualTo(e.cell().equals("control") ? "blue" : "green");
        cells.merge(e.cell(), 1, Integer::sum);
        assertThat(exposed).containsEntry("green-button/u" + i, e.cell());
      } else {
        assertThat(e.reason()).isEqualTo(Reason.DEFAULT);
      }
      // not eligible: the flag's own answer, no exposure
      Evaluation fr = set.evaluate("button", Context.of("userId", "u" + i, "country", "fr"));
      assertThat(fr.experiment()).isNull();
    }
    assertThat(inside).isBetween(3800, 4200); // 40 % of the layer
    assertThat(cells.get("control")).isBetween(inside / 2 - 150, inside / 2 + 150);
    assertThat(exposed).hasSize(inside);
    // a unit without the unit attribute is not placed
    assertThat(set.evaluate("button", Context.of("country", "de")).experiment()).isNull();
  }

  @Test
  void experimentsInOneLayerNeverShareAUnitAndAddingOneMovesNobody() {
    FlagSet one = compile(FLAGS + experiment("green-button", "button", "{name: checkout, share: 50, offset: 0}", ""));
    FlagSet two = compile(FLAGS + experiment("green-button", "button", "{name: checkout, share: 50, offset: 0}", "")
        + experiment("bold-banner", "banner", "{name: checkout, share: 50, offset: 5000}", ""));
    int a = 0;
    int b = 0;
    for (int i = 0; i < 20_000; i++) {
      Context ctx = Context.of("userId", "u" + i);
      Evaluation before = one.evaluate("button", ctx);
      Evaluation x = two.evaluate("button", ctx);
      Evaluation y = two.evaluate("banner", ctx);
      assertThat(x.experiment() != null && y.experiment() != null).as("u" + i + " in both").isFalse();
      assertThat(x.cell()).isEqualTo(before.cell()); // the second experiment moved nobody of the first
      if (x.experiment() != null) a++;
      if (y.experiment() != null) b++;
    }
    assertThat(a + b).isEqualTo(20_000); // the two halves cover the layer
    assertThat(a).isBetween(9700, 10300);
  }

  @Test
  void experimentsInDifferentLayersAreIndependent() {
    FlagSet set = compile(FLAGS + experiment("green-button", "button", "{name: l1, share: 50, offset: 0}", "")
        + experiment("bold-banner", "banner", "{name: l2, share: 50, offset: 0}", ""));
    int both = 0;
    for (int i = 0; i < 20_000; i++) {
      Context ctx = Context.of("userId", "u" + i);
      if (set.evaluate("button", ctx).experiment() != null && set.evaluate("banner", ctx).experiment() != null) both++;
    }
    assertThat(both).isBetween(4700, 5300); // a quarter, as for independent halves
  }

  @Test
  void beforeStartAfterStopOrKilledTheFlagDecides() {
    FlagSet later = compile(FLAGS + experiment("green-button", "button", "{name: l, share: 100, offset: 0}", "start: 2999-01-01"));
    FlagSet over = compile(FLAGS + experiment("green-button", "button", "{name: l, share: 100, offset: 0}", "stop: 2001-01-01"));
    FlagSet staff = compile(FLAGS + experiment("green-button", "button", "{name: l, share: 100, offset: 0}", ""));
    assertThat(later.evaluate("button", Context.of("userId", "u1")).experiment()).isNull();
    assertThat(over.evaluate("button", Context.of("userId", "u1")).experiment()).isNull();
    // while it runs it decides before the flag's rules
    assertThat(staff.evaluate("button", Context.of("userId", "u1", "staff", "yes")).experiment()).isEqualTo("green-button");
    assertThat(exposed).hasSize(1);
  }

  @Test
  void anExperimentThatCannotAssignIsLeftOutWithAProblem() {
    FlagSet set = compile(FLAGS + experiment("green-button", "button", "{name: l, share: 30}", "")
        + experiment("pink", "banner", "{name: l2, share: 30, offset: 0}", "").replace("bold", "pink"));
    assertThat(set.problems()).anyMatch(p -> p.contains("Experiment/green-button") && p.contains("not allocated"))
        .anyMatch(p -> p.contains("Experiment/pink cells[1]") && p.contains("no variant 'pink'"));
    assertThat(set.evaluate("button", Context.of("userId", "u1")).experiment()).isNull();
  }

  @Test
  void firstOnlyPassesEachUnitOnce() {
    List<String> seen = new ArrayList<>();
    ExposureSink sink = ExposureSink.firstOnly((x, c, u) -> seen.add(x + "/" + u), 100);
    for (int i = 0; i < 3; i++) {
      sink.exposed("e", "a", "u1");
      sink.exposed("e", "a", "u2");
      sink.exposed("f", "a", "u1");
    }
    assertThat(seen).containsExactly("e/u1", "e/u2", "f/u1");
  }
}
