package dev.ooda.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ooda.control.client.ControlClient;
import dev.ooda.model.ResourceCodec;
import dev.ooda.testing.Eventually;
import dev.ooda.testing.TestControl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ooda get experiments} and {@code ooda experiments results} as a user runs them. */
class ExperimentsCliTest {
  static TestControl t;
  @TempDir Path work;

  @BeforeAll
  static void start() throws Exception {
    t = TestControl.start();
  }

  @AfterAll
  static void stop() throws Exception {
    t.close();
  }

  static UpTest.Result ooda(String... args) {
    return FlagsCliTest.oodaAt(t, args);
  }

  @Test
  void applyTrafficAndResults() throws Exception {
    Path f = work.resolve("experiment.yaml");
    Files.writeString(f, """
        kind: Flag
        name: checkout-button
        spec: {owner: team-checkout, variants: {blue: "#1f6feb", green: "#2da44e"}, defaultVariant: blue}
        ---
        kind: Experiment
        name: green-button
        spec:
          owner: team-checkout
          hypothesis: a green checkout button lifts conversion by 2 points
          flag: checkout-button
          unit: userId
          cells:
            - {name: control, variant: blue, weight: 50}
            - {name: green, variant: green, weight: 50}
          layer: {name: checkout, share: 100}
          metrics: [conversion, revenue]
        """);
    UpTest.Result applied = ooda("apply", "-f", f.toString());
    assertThat(applied.code()).as(applied.err()).isZero();

    // traffic: users evaluated over OFREP, and their conversions and revenue sent as a service would
    ControlClient c = new ControlClient(java.net.URI.create(t.control.url()), null);
    // OFREP's evaluator learns of the experiment through the change watch, a moment after the apply:
    // evaluations before that are no exposure. Wait until it assigns cells (user-0's one exposure).
    Eventually.within(Duration.ofSeconds(10), () -> assertThat(
        c.evaluateFlag("checkout-button", Map.of("userId", "user-0")).at("/metadata/cell").asText()).isNotEmpty());
    Random random = new Random(17);
    var batch = ResourceCodec.json().createObjectNode();
    var events = batch.putArray("events");
    for (int i = 0; i < 4000; i++) {
      String user = "user-" + i;
      JsonNode e = c.evaluateFlag("checkout-button", Map.of("userId", user));
      boolean green = e.at("/metadata/cell").asText().equals("green");
      if (random.nextDouble() < (green ? 0.14 : 0.10)) {
        events.addObject().put("unit", user).put("name", "conversion");
        events.addObject().put("unit", user).put("name", "revenue").put("value", 20 + random.nextInt(60));
      }
    }
    // what the services' kits counted for the requests they served to each cell
    var requests = batch.putArray("requests");
    requests.addObject().put("experiment", "green-button").put("cell", "control").put("requests", 9000).put("errors", 45)
        .put("latencyMsSum", 9000 * 42.0).put("latencyMsSumOfSquares", 9000 * (42.0 * 42 + 100));
    requests.addObject().put("experiment", "green-button").put("cell", "green").put("requests", 9100).put("errors", 48)
        .put("latencyMsSum", 9100 * 43.0).put("latencyMsSumOfSquares", 9100 * (43.0 * 43 + 100));
    c.sendExperimentEvents(ResourceCodec.toJsonBytes(batch));
    Eventually.within(Duration.ofSeconds(10),
        () -> assertThat(t.control.experiments().exposures("green-button")).isEqualTo(4000));

    UpTest.Result eval = ooda("flags", "eval", "checkout-button", "-c", "userId=user-1");
    assertThat(eval.out()).contains("reason:  SPLIT", "experiment: green-button (cell ");

    UpTest.Result list = ooda("get", "experiments");
    assertThat(list.code()).as(list.err()).isZero();
    assertThat(list.out()).containsPattern("NAME +FLAG +STATUS +UNIT +CELLS +LAYER +PRIMARY")
        .containsPattern("green-button +checkout-button +running +userId +control=blue 50%, green=green 50% +checkout 100% @0 +conversion");

    UpTest.Result results = ooda("experiments", "results", "green-button");
    assertThat(results.code()).as(results.err()).isZero();
    assertThat(results.out()).contains("experiment green-button  (flag checkout-button)  RUNNING  HEALTHY", "conversion (rate, primary)",
            "revenue (mean)", "requests (served by the services to each cell's units; error = 5xx)", "verdict: green wins on conversion")
        .containsPattern("CELL +REQUESTS +ERRORS +DIFF, 95% CI +P +MEAN MS +DIFF, 95% CI +P")
        .containsPattern("green +9100 +0\\.53% +\\+0\\.03 pts \\[")
        .containsPattern("CELL +UNITS +RATE +DIFF +95% CI +RELATIVE +95% CI +P")
        .containsPattern("green +\\d+ +\\d+\\.\\d\\d% +\\+\\d\\.\\d\\d pts +\\[\\+");
    UpTest.Result seq = ooda("experiments", "results", "green-button", "--sequential");
    assertThat(seq.out()).contains("always-valid (mSPRT)");
    UpTest.Result json = ooda("experiments", "results", "green-button", "--json");
    JsonNode r = ResourceCodec.json().readTree(json.out());
    assertThat(r.get("winner").asText()).isEqualTo("green");
    assertThat(r.at("/srm/units/control").asLong() + r.at("/srm/units/green").asLong()).isEqualTo(4000);

    Path bad = work.resolve("bad.yaml");
    Files.writeString(bad, """
        kind: Experiment
        name: red-button
        spec:
          flag: checkout-button
          cells: [{name: control, variant: blue, weight: 50}, {name: red, variant: red, weight: 40}]
          metrics: [conversion]
        """);
    UpTest.Result refused = ooda("apply", "-f", bad.toString());
    assertThat(refused.code()).isNotZero();
    assertThat(refused.err()).contains("spec.cells: weights must sum to 100, sum to 90");
    assertThat(ooda("experiments", "results", "red-button").err()).contains("Experiment/red-button does not exist");
  }
}
