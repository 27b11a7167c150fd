package dev.ooda.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ooda.model.ResourceCodec;
import dev.ooda.model.RouteSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouteWeightsTest {
  private static RouteSpec route(String to) {
    return ResourceCodec.readYaml("kind: Route\nname: r\nspec: {match: {pathPrefix: /}, to: " + to + "}\n").get(0).spec(RouteSpec.class);
  }

  private static Map<String, Integer> split(String stable, int s, String canary, int c) {
    Map<String, Integer> m = new LinkedHashMap<>();
    m.put(stable, s);
    m.put(canary, c);
    return m;
  }

  @Test
  void aRouteOfTheServiceAloneIsSplitByPercent() {
    RouteSpec r = RouteWeights.split(route("[{service: catalog}]"), "r", "catalog", split("v1", 99, "v2", 1));
    assertThat(r.to()).extracting(RouteSpec.Target::toString).containsExactly("catalog@v1", "catalog@v2");
    assertThat(r.to()).extracting(RouteSpec.Target::weight).containsExactly(9900, 100);
    assertThat(RouteWeights.percents(r, "catalog")).containsEntry("v1", 99.0).containsEntry("v2", 1.0);
  }

  @Test
  void otherTargetsKeepTheirShare() {
    RouteSpec r = RouteWeights.split(route("[{url: 'http://127.0.0.1:3000', weight: 7000}, {service: catalog, weight: 3000}]"),
        "r", "catalog", split("v1", 90, "v2", 10));
    assertThat(r.to()).extracting(RouteSpec.Target::weight).containsExactly(7000, 2700, 300);
    assertThat(r.to().get(0).url()).isEqualTo("http://127.0.0.1:3000");
    // and again, from the split it made
    RouteSpec again = RouteWeights.split(r, "r", "catalog", split("v1", 0, "v2", 100));
    assertThat(again.to()).extracting(RouteSpec.Target::weight).containsExactly(7000, 0, 3000);
  }

  @Test
  void aRouteWithoutTheServiceIsRefused() {
    assertThatThrownBy(() -> RouteWeights.split(route("[{service: orders}]"), "r", "catalog", Map.of("v1", 100)))
        .hasMessageContaining("route r has no target for service catalog");
  }
}
