package dev.ooda.control.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ooda.control.Eventually;
import dev.ooda.control.TestControl;
import dev.ooda.model.ProblemException;
import dev.ooda.model.ResourceCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Experiments through a real control plane: apply, OFREP exposures, the events endpoint, results. */
class ExperimentsApiTest {
  static TestControl t;
  static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    t = TestControl.start();
    t.client().apply("""
        kind: Flag
        name: button
        spec: {variants: {blue: "#00f", green: "#0f0"}, defaultVariant: blue}
        ---
        kind: Flag
        name: banner
        spec: {variants: {plain: "p", bold: "b"}, defaultVariant: plain}
        ---
        kind: Flag
        name: footer
        spec: {variants: {short: "s", long: "l"}, defaultVariant: short}
        ---
        kind: Experiment
        name: green-button
        spec:
          hypothesis: green raises conversion
          flag: button
          cells: [{name: control, variant: blue, weight: 50}, {name: green, variant: green, weight: 50}]
          layer: {name: home, share: 60}
          metrics: [conversion, revenue]
        """);
  }

  @AfterAll
  static void stop() throws Exception {
    t.close();
  }

  static HttpResponse<String> post(String path, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(t.control.url() + path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theControlPlaneAllocatesLayerSlicesAndRefusesAnOverfullLayer() {
    JsonNode stored = t.client().get("experiments", "green-button");
    assertThat(stored.at("/spec/layer/offset").asInt()).isZero();
    t.client().apply("""
        kind: Experiment
        name: bold-banner
        spec:
          flag: banner
          cells: [{name: control, variant: plain, weight: 50}, {name: bold, variant: bold, weight: 50}]
          layer: {name: home, share: 30}
          metrics: [conversion]
        """);
    assertThat(t.client().get("experiments", "bold-banner").at("/spec/layer/offset").asInt()).isEqualTo(6000);
    // re-applying the first keeps its slice
    t.client().apply(ResourceCodec.toYaml(java.util.List.of(ResourceCodec.readStored(ResourceCodec.toJsonBytes(stored)).withVersion(0)))
        .replace("hypothesis: green raises conversion", "hypothesis: green raises conversion a lot"));
    assertThat(t.client().get("experiments", "green-button").at("/spec/layer/offset").asInt()).isZero();

    long revision = t.client().list("experiments").get("revision").asLong();
    assertThatThrownBy(() -> t.client().apply("""
        kind: Experiment
        name: long-footer
        spec:
          flag: footer
          cells: [{name: control, variant: short, weight: 50}, {name: long, variant: longer, weight: 50}]
          layer: {name: home, share: 20}
          metrics: [conversion]
        """))
        .isInstanceOf(ProblemException.class)
        .hasMessageContaining("spec.layer.share: layer 'home' would be 110% taken by running experiments (bold-banner 30%, green-button 60%")
        .hasMessageContaining("spec.cells[1].variant: unknown variant 'longer' of Flag/footer (variants: short, long)");
    assertThat(t.client().list("experiments").get("revision").asLong()).isEqualTo(revision);
    assertThatThrownBy(() -> t.client().get("experiments", "long-footer")).isInstanceOf(ProblemException.class);
    // a second live experiment on one flag, and a flag that loses a variant an experiment serves
    assertThatThrownBy(() -> t.client().apply("""
        kind: Experiment
        name: other-button
        spec:
          flag: button
          cells: [{name: a, variant: blue, weight: 50}, {name: b, variant: green, weight: 50}]
          metrics: [conversion]
        """)).hasMessageContaining("spec.flag: Flag/button is already owned by Experiment/green-button");
    assertThatThrownBy(() -> t.client().apply("""
        kind: Flag
        name: button
        spec: {variants: {blue: "#00f"}, defaultVariant: blue}
        """)).hasMessageContaining("Experiment/green-button serves variant 'green'");
    assertThatThrownBy(() -> t.client().delete("flags", "button")).hasMessageContaining("owned by Experiment/green-button");
  }

  @Test
  void ofrepCountsEachUnitOnceAndEventsMakeResults() throws Exception {
    Map<String, String> cellOf = new HashMap<>();
    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < 300; i++) {
        JsonNode n = ResourceCodec.json().readTree(post("/ofrep/v1/evaluate/flags/button",
            "{\"context\": {\"targetingKey\": \"ofrep-" + i + "\"}}").body());
        if (n.at("/metadata/experiment").isTextual()) {
          assertThat(n.get("reason").asText()).isEqualTo("SPLIT");
          assertThat(n.at("/metadata/experiment").asText()).isEqualTo("green-button");
          cellOf.put("ofrep-" + i, n.at("/metadata/cell").asText());
        }
      }
    }
    assertThat(cellOf.size()).isBetween(120, 240); // 60 % of the layer
    Eventually.within(Duration.ofSeconds(10), () -> assertThat(t.control.experiments().exposures("green-button")).isEqualTo(cellOf.size()));

    // conversions for every unit in green, none in control; one revenue event each
    StringBuilder events = new StringBuilder("{\"events\": [");
    cellOf.forEach((unit, cell) -> {
      if (cell.equals("green")) events.append("{\"unit\":\"").append(unit).append("\",\"name\":\"conversion\"},");
      events.append("{\"unit\":\"").append(unit).append("\",\"name\":\"revenue\",\"value\":10},");
    });
    events.setLength(events.length() - 1);
    events.append("]}");
    HttpResponse<String> sent = post("/api/v1/experiments/events", events.toString());
    assertThat(sent.statusCode()).isEqualTo(200);

    JsonNode r = t.client().experimentResults("green-button", false);
    assertThat(r.get("status").asText()).isEqualTo("RUNNING");
    assertThat(r.get("primaryMetric").asText()).isEqualTo("conversion");
    JsonNode green = r.at("/metrics/0/cells/1");
    assertThat(green.get("cell").asText()).isEqualTo("green");
    assertThat(green.get("value").asDouble()).isEqualTo(1.0);
    assertThat(r.at("/metrics/0/cells/0/value").asDouble()).isEqualTo(0.0);
    assertThat(r.at("/metrics/1/cells/0/value").asDouble()).isEqualTo(10.0);
    long units = r.at("/srm/units/control").asLong() + r.at("/srm/units/green").asLong();
    assertThat(units).isEqualTo(cellOf.size());
    assertThat(t.client().experimentResults("green-button", true).get("method").asText()).isEqualTo("mSPRT");
  }

  @Test
  void badEventsAreRefusedWholeNamingTheField() throws Exception {
    long before = t.control.experiments().events();
    HttpResponse<String> r = post("/api/v1/experiments/events", """
        {"exposures": [{"experiment": "green-button", "cell": "purple", "unit": "u1"}, {"experiment": "nope", "cell": "a", "unit": "u2"}],
         "events": [{"unit": "u1", "name": "conversion"}, {"unit": "u1", "name": "revenue", "value": "ten"}, {"name": "x"},
                    {"unit": "u1", "name": "x", "at": "yesterday"}],
         "requests": [{"experiment": "green-button", "cell": "green", "requests": 3, "errors": 4, "latencyMsSum": 1, "latencyMsSumOfSquares": 1}]}
        """);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).contains("problem+json"));
    assertThat(r.body()).contains("exposures[0].cell", "unknown cell 'purple'", "exposures[1].experiment", "unknown experiment 'nope'",
        "events[1].value", "events[2].unit", "events[3].at", "requests[0].errors");
    assertThat(t.control.experiments().events()).isEqualTo(before);
    assertThat(post("/api/v1/experiments/events", "not json").statusCode()).isEqualTo(400);
    assertThatThrownBy(() -> t.client().experimentResults("nope", false)).hasMessageContaining("Experiment/nope does not exist");
  }
}
