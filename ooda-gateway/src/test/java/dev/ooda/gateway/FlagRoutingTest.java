package dev.ooda.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import dev.ooda.flags.ExposureSink;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlagRoutingTest extends GatewayTestSupport {
  static final String ROUTES = """
      kind: Route
      name: checkout-new
      spec:
        match: {pathPrefix: /checkout, flags: {new-checkout: on}}
        to: [{url: "%s"}]
      ---
      kind: Route
      name: checkout
      spec:
        match: {pathPrefix: /checkout}
        to: [{url: "%s"}]
        flags: [new-checkout]
      """;

  static String flag(boolean killSwitch, int percentOn) {
    return """
        kind: Flag
        name: new-checkout
        spec:
          owner: team-checkout
          variants: {on: true, off: false}
          defaultVariant: off
          killSwitch: %s
          rules:
            - id: staff
              constraints: [{attribute: header.x-team, operator: in, values: [checkout]}]
              variant: on
            - id: gradual
              rollout:
                stickiness: header.x-user-id
                percentages: {on: %d, off: %d}
        """.formatted(killSwitch, percentOn, 100 - percentOn);
  }

  @Test
  void aFlagConditionPicksTheRouteAndTheOriginIsToldTheVariant() throws Exception {
    TestOrigin v1 = origin("v1");
    TestOrigin v2 = origin("v2");
    GatewayServer g = gateway();
    g.routes(yaml(ROUTES.formatted(v2.url(), v1.url())));
    g.flags(yaml(flag(false, 0)));

    assertThat(get(g, "/checkout", "X-Team", "checkout").body()).isEqualTo("v2");
    assertThat(v2.last().headers().getFirst("ooda-flags")).isEqualTo("new-checkout=on");

    assertThat(get(g, "/checkout", "X-User-Id", "u1").body()).isEqualTo("v1");
    assertThat(v1.last().headers().getFirst("ooda-flags")).isEqualTo("new-checkout=off");

    // A variant claimed from outside counts for nothing.
    assertThat(get(g, "/checkout", "ooda-flags", "new-checkout=on").body()).isEqualTo("v1");
    assertThat(v1.last().headers().get("ooda-flags")).containsExactly("new-checkout=off");

    // The kill switch reaches the next request.
    g.flags(yaml(flag(true, 0)));
    assertThat(get(g, "/checkout", "X-Team", "checkout").body()).isEqualTo("v1");
    assertThat(management(g, "/metrics").body())
        .contains("ooda_flag_evaluations_total{flag=\"new-checkout\",variant=\"on\"} 1")
        .containsPattern("ooda_flag_evaluations_total\\{flag=\"new-checkout\",variant=\"off\"} [1-9]");
  }

  @Test
  void aRolloutGrowingFrom10To50PercentKeepsEveryUserItHad() throws Exception {
    TestOrigin v1 = origin("v1");
    TestOrigin v2 = origin("v2");
    GatewayServer g = gateway();
    g.routes(yaml(ROUTES.formatted(v2.url(), v1.url())));
    g.flags(yaml(flag(false, 10)));
    Set<String> at10 = new HashSet<>();
    for (int u = 0; u < 400; u++) if (get(g, "/checkout", "X-User-Id", "user-" + u).body().equals("v2")) at10.add("user-" + u);

    g.flags(yaml(flag(false, 50)));
    Set<String> at50 = new HashSet<>();
    for (int u = 0; u < 400; u++) if (get(g, "/checkout", "X-User-Id", "user-" + u).body().equals("v2")) at50.add("user-" + u);

    assertThat(at50).containsAll(at10);
    // 10% and 50% of 400 users: a stable hash is not far off on this many.
    assertThat(at10.size()).isBetween(20, 60);
    assertThat(at50.size()).isBetween(160, 240);
  }

  @Test
  void anExperimentOnARoutesFlagReportsEachUnitOnceAndEveryRequestsOutcome() throws Exception {
    TestOrigin v1 = origin("v1");
    TestOrigin v2 = origin("v2");
    GatewayServer g = gateway();
    g.routes(yaml(ROUTES.formatted(v2.url(), v1.url())));
    g.flags(yaml(flag(false, 0) + """
        ---
        kind: Experiment
        name: one-page
        spec:
          owner: team-checkout
          flag: new-checkout
          unit: header.x-user-id
          cells: [{name: control, variant: off, weight: 50}, {name: treatment, variant: on, weight: 50}]
          layer: {name: checkout, share: 100, offset: 0}   # as the control plane allocates it on apply
          metrics: [conversion]
        """));
    Map<String, String> exposed = new ConcurrentHashMap<>();
    AtomicInteger exposures = new AtomicInteger();
    Map<String, Integer> requests = new ConcurrentHashMap<>();
    g.exposures(new ExposureSink() {
      @Override
      public void exposed(String experiment, String cell, String unit) {
        exposures.incrementAndGet();
        exposed.put(unit, cell);
      }

      @Override
      public void request(String experiment, String cell, boolean error, double latencyMs) {
        requests.merge(cell, 1, Integer::sum);
      }
    });
    for (int round = 0; round < 2; round++) {
      for (int u = 0; u < 100; u++) {
        String body = get(g, "/checkout", "X-User-Id", "user-" + u).body();
        // The cell's variant decides the route: treatment takes the new checkout.
        assertThat(body).isEqualTo("treatment".equals(exposed.get("user-" + u)) ? "v2" : "v1");
      }
    }
    assertThat(exposures.get()).isEqualTo(100);
    assertThat(exposed.values()).contains("control", "treatment");
    assertThat(requests.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(200);
    // A request without the unit's attribute is in no cell.
    assertThat(get(g, "/checkout").body()).isEqualTo("v1");
    assertThat(exposures.get()).isEqualTo(100);
  }

  @Test
  void aConditionOnAFlagThatDoesNotExistNeverMatches() throws Exception {
    TestOrigin v1 = origin("v1");
    TestOrigin v2 = origin("v2");
    GatewayServer g = gateway();
    g.routes(yaml(ROUTES.formatted(v2.url(), v1.url())));
    assertThat(get(g, "/checkout", "X-Team", "checkout").body()).isEqualTo("v1");
    assertThat(v1.last().headers().get("ooda-flags")).isNull();
  }

  @Test
  void aRestartedGatewayKeepsTheFlagsOfItsSnapshot(@TempDir Path dir) throws Exception {
    TestOrigin v1 = origin("v1");
    TestOrigin v2 = origin("v2");
    Path snapshot = dir.resolve("gateway-snapshot.json");
    GatewayServer first = gateway(GatewayOptions.builder().ephemeral().ioThreads(1).snapshotFile(snapshot).build());
    first.routes(yaml(ROUTES.formatted(v2.url(), v1.url())));
    first.flags(yaml(flag(false, 0)));
    ObservabilityTest.waitFor(() -> {
      try {
        return Files.readString(snapshot).contains("team-checkout");
      } catch (java.io.IOException e) {
        return false;
      }
    });
    closeables.remove(first);
    first.close();

    GatewayServer again = gateway(GatewayOptions.builder().ephemeral().ioThreads(1).snapshotFile(snapshot).build());
    assertThat(get(again, "/checkout", "X-Team", "checkout").body()).isEqualTo("v2");
  }
}
