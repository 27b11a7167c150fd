package dev.ooda.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ooda.model.ResourceCodec;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SplitTest {

  @Test
  void murmur3MatchesTheReferenceVectors() {
    assertThat(Murmur3.hash32(new byte[0], 0)).isEqualTo(0);
    assertThat(Murmur3.hash32("hello".getBytes(StandardCharsets.UTF_8), 0)).isEqualTo(0x248bfa47);
    assertThat(Murmur3.hash32("The quick brown fox jumps over the lazy dog".getBytes(StandardCharsets.UTF_8), 0))
        .isEqualTo(0x2e4ff723);
  }

  @Test
  void over100kKeysSharesAreWithinOnePointOfTheWeights() {
    CompiledRoute r = RouteTable.compile(ResourceCodec.readYaml("""
        kind: Route
        name: split
        spec:
          match: {pathPrefix: /}
          to:
            - {url: "http://127.0.0.1:1", weight: 70}
            - {url: "http://127.0.0.1:2", weight: 20}
            - {url: "http://127.0.0.1:3", weight: 10}
          sticky: {cookie: uid}
        """), RouteResources.standalone()).routes().get(0);
    Map<String, Integer> counts = new HashMap<>();
    int n = 100_000;
    for (int i = 0; i < n; i++) {
      TargetRef t = r.split.pick(Split.bucketOf("user-" + i));
      counts.merge(t.label, 1, Integer::sum);
    }
    assertThat(counts.get("http://127.0.0.1:1") * 100.0 / n).isCloseTo(70, org.assertj.core.data.Offset.offset(1.0));
    assertThat(counts.get("http://127.0.0.1:2") * 100.0 / n).isCloseTo(20, org.assertj.core.data.Offset.offset(1.0));
    assertThat(counts.get("http://127.0.0.1:3") * 100.0 / n).isCloseTo(10, org.assertj.core.data.Offset.offset(1.0));
    // The same key always lands on the same target.
    for (int i = 0; i < 1000; i++) {
      assertThat(r.split.pick(Split.bucketOf("user-" + i))).isSameAs(r.split.pick(Split.bucketOf("user-" + i)));
    }
  }

  @Test
  void zeroWeightTargetsGetNothing() {
    CompiledRoute r = RouteTable.compile(ResourceCodec.readYaml("""
        kind: Route
        name: split
        spec:
          match: {pathPrefix: /}
          to: [{url: "http://127.0.0.1:1", weight: 0}, {url: "http://127.0.0.1:2", weight: 5}]
        """), RouteResources.standalone()).routes().get(0);
    for (int b = 0; b < Split.BUCKETS; b++) assertThat(r.split.pick(b).label).isEqualTo("http://127.0.0.1:2");
  }
}
