package dev.ooda.kit.flags;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ooda.flags.Context;
import dev.ooda.flags.Evaluation;
import dev.ooda.flags.Reason;
import dev.ooda.kit.Kit;
import dev.ooda.testing.Eventually;
import dev.ooda.testing.TestControl;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Exposures and events from kits reach a real control plane, each unit counted once. */
class KitExperimentsTest {
  static TestControl t;

  @BeforeAll
  static void start() throws Exception {
    t = TestControl.start();
    t.client().apply("""
        kind: Flag
        name: new-checkout
        spec: {variants: {on: true, off: false}, defaultVariant: off}
        ---
        kind: Experiment
        name: one-page-checkout
        spec:
          flag: new-checkout
          unit: userId
          cells: [{name: control, variant: off, weight: 50}, {name: one-page, variant: on, weight: 50}]
          metrics: [conversion, revenue]
        ---
        kind: Flag
        name: search-engine
        spec: {variants: {old: "old", new: "new"}, defaultVariant: old}
        ---
        kind: Experiment
        name: new-search
        spec:
          flag: search-engine
          unit: userId
          cells: [{name: control, variant: old, weight: 50}, {name: new, variant: new, weight: 50}]
          metrics: [conversion]
        """);
  }

  @AfterAll
  static void stop() throws Exception {
    t.close();
  }

  @Test
  void requestsErrorsAndLatencyPerCellFromTheServerSide() throws Exception {
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    Map<String, Integer> perCell = new HashMap<>();
    try (Kit kit = Kit.builder("search").controlPlane(t.control.url()).start()) {
      assertThat(kit.flags().awaitReady(10, TimeUnit.SECONDS)).isTrue();
      // the new engine fails every request: the service answers 500 for its cell
      dev.ooda.kit.OodaService server = kit.server("v1").service("/search", (ctx, req) -> {
        Evaluation e = kit.flags().evaluate("search-engine", Context.of("userId", req.headers().get("x-user")));
        return com.linecorp.armeria.common.HttpResponse.of(e.cell().equals("new") ? 500 : 200);
      }).start();
      try (server) {
        for (int i = 0; i < 200; i++) {
          var r = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + server.port() + "/search"))
              .header("x-user", "s-" + (i % 100)).build(), java.net.http.HttpResponse.BodyHandlers.discarding());
          perCell.merge(r.statusCode() == 500 ? "new" : "control", 1, Integer::sum);
        }
      }
      Eventually.within(Duration.ofSeconds(10), () -> {
        assertThat(kit.events().flush()).isTrue();
        JsonNode r = t.client().experimentResults("new-search", false);
        JsonNode control = r.at("/requests/0");
        JsonNode fresh = r.at("/requests/1");
        assertThat(control.get("requests").asInt()).isEqualTo(perCell.get("control"));
        assertThat(fresh.get("requests").asInt()).isEqualTo(perCell.get("new"));
        assertThat(control.get("errorRate").asDouble()).isZero();
        assertThat(fresh.get("errorRate").asDouble()).isEqualTo(1.0);
        assertThat(fresh.get("errorRateP").asDouble()).isLessThan(0.001);
        assertThat(fresh.get("latencyMs").asDouble()).isPositive();
      });
    }
  }

  @Test
  void twoKitsEvaluatingTheSameUnitsCountEachOnceAndEventsComeAlong() throws Exception {
    Map<String, String> cellOf = new HashMap<>();
    try (Kit a = Kit.builder("checkout").controlPlane(t.control.url()).start();
         Kit b = Kit.builder("payments").controlPlane(t.control.url()).start()) {
      assertThat(a.flags().awaitReady(10, TimeUnit.SECONDS)).isTrue();
      assertThat(b.flags().awaitReady(10, TimeUnit.SECONDS)).isTrue();
      for (int round = 0; round < 3; round++) {
        for (int i = 0; i < 400; i++) {
          Context ctx = Context.of("userId", "kit-" + i);
          Evaluation e = (round % 2 == 0 ? a : b).flags().evaluate("new-checkout", ctx);
          assertThat(e.reason()).isEqualTo(Reason.SPLIT);
          assertThat(e.experiment()).isEqualTo("one-page-checkout");
          assertThat(e.value()).isEqualTo(e.cell().equals("one-page"));
          String before = cellOf.put("kit-" + i, e.cell());
          if (before != null) assertThat(e.cell()).isEqualTo(before); // sticky, across processes too
        }
      }
      cellOf.forEach((unit, cell) -> {
        if (cell.equals("one-page")) a.events().track(unit, "conversion");
        b.events().track(unit, "revenue", 20);
      });
      assertThat(a.events().flush()).isTrue();
      assertThat(b.events().flush()).isTrue();
      assertThatThrownBy(() -> a.events().track("u", "not a name!", 1)).isInstanceOf(IllegalArgumentException.class);
    }
    assertThat(t.control.experiments().exposures("one-page-checkout")).isEqualTo(400);
    Eventually.within(Duration.ofSeconds(10), () -> {
      JsonNode r = t.client().experimentResults("one-page-checkout", false);
      assertThat(r.at("/srm/units/control").asLong() + r.at("/srm/units/one-page").asLong()).isEqualTo(400);
      assertThat(r.at("/metrics/0/cells/1/value").asDouble()).isEqualTo(1.0);
      assertThat(r.at("/metrics/0/cells/0/value").asDouble()).isEqualTo(0.0);
      assertThat(r.at("/metrics/1/cells/0/value").asDouble()).isEqualTo(20.0);
      assertThat(r.get("winner").asText()).isEqualTo("one-page");
    });
  }
}
