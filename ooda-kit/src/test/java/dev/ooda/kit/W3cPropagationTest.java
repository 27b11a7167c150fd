package dev.ooda.kit;

import static org.assertj.core.api.Assertions.assertThat;

import brave.propagation.TraceContext;
import brave.propagation.TraceContextOrSamplingFlags;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class W3cPropagationTest {
  final TraceContext.Injector<Map<String, String>> inject = W3cPropagation.FACTORY.get().injector(Map::put);
  final TraceContext.Extractor<Map<String, String>> extract = W3cPropagation.FACTORY.get().extractor(Map::get);

  @Test
  void writesAndReadsTraceparent() {
    TraceContext c = TraceContext.newBuilder().traceIdHigh(0x0af7651916cd43ddL).traceId(0x8448eb211c80319cL)
        .spanId(0xb7ad6b7169203331L).sampled(true).build();
    Map<String, String> headers = new HashMap<>();
    inject.inject(c, headers);
    assertThat(headers).containsExactly(Map.entry("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"));
    TraceContext back = extract.extract(headers).context();
    assertThat(back.traceIdString()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
    assertThat(back.spanIdString()).isEqualTo("b7ad6b7169203331");
    assertThat(back.sampled()).isTrue();
  }

  @Test
  void refusesMalformedTraceparentAndFallsBackToB3() {
    Map<String, String> headers = new HashMap<>(Map.of(
        "traceparent", "00-00000000000000000000000000000000-b7ad6b7169203331-01",
        "b3", "463ac35c9f6413ad48485a3953bb6124-a2fb4a1d1a96d312-0"));
    TraceContextOrSamplingFlags r = extract.extract(headers);
    assertThat(r.context().traceIdString()).isEqualTo("463ac35c9f6413ad48485a3953bb6124");
    assertThat(r.context().sampled()).isFalse();

    for (String bad : new String[] {"ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        "00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331",
        "00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01"}) {
      assertThat(extract.extract(Map.of("traceparent", bad))).as(bad).isEqualTo(TraceContextOrSamplingFlags.EMPTY);
    }
  }

  @Test
  void readsMultiB3AndADecisionAlone() {
    TraceContext c = extract.extract(Map.of("x-b3-traceid", "463ac35c9f6413ad", "x-b3-spanid", "a2fb4a1d1a96d312",
        "x-b3-parentspanid", "0020000000000001", "x-b3-sampled", "1")).context();
    assertThat(c.traceIdString()).isEqualTo("463ac35c9f6413ad");
    assertThat(c.spanIdString()).isEqualTo("a2fb4a1d1a96d312");
    assertThat(c.parentIdString()).isEqualTo("0020000000000001");
    assertThat(c.sampled()).isTrue();
    assertThat(extract.extract(Map.of("b3", "0"))).isEqualTo(TraceContextOrSamplingFlags.NOT_SAMPLED);
  }
}
