package dev.ooda.gateway.proxy;

import dev.ooda.model.ResourceCodec;
import dev.ooda.gateway.GatewayOptions;
import dev.ooda.gateway.observe.RateLimitingSampler;
import dev.ooda.gateway.observe.Sampler;
import dev.ooda.gateway.observe.Tracing;
import dev.ooda.gateway.routing.RouteResources;
import dev.ooda.gateway.routing.RouteTable;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The default edge sampler, on a ticker the test moves: no sleeps. */
class SamplerTest {
  private final AtomicLong ticker = new AtomicLong(1_000);

  private int sampledOf(Sampler s, int n) {
    int yes = 0;
    for (int i = 0; i < n; i++) if (s.sample()) yes++;
    return yes;
  }

  private void advanceMillis(long ms) {
    ticker.addAndGet(TimeUnit.MILLISECONDS.toNanos(ms));
  }

  @Test
  void samplesEveryTraceUpToTheBudgetOfEachSecondAndNoneBeyond() {
    RateLimitingSampler s = new RateLimitingSampler(10, ticker::get);
    assertThat(sampledOf(s, 7)).isEqualTo(7);
    advanceMillis(500);
    assertThat(sampledOf(s, 1000)).isEqualTo(3);
    advanceMillis(499);
    assertThat(s.sample()).isFalse();
    advanceMillis(1);
    assertThat(sampledOf(s, 1000)).isEqualTo(10);
    // A quiet spell does not bank budget: the next second has the same ten.
    advanceMillis(60_000);
    assertThat(sampledOf(s, 1000)).isEqualTo(10);
  }

  @Test
  void zeroSamplesNothing() {
    assertThat(sampledOf(new RateLimitingSampler(0, ticker::get), 100)).isZero();
  }

  @Test
  void theCallersDecisionIsKeptWhateverTheBudget() {
    RateLimitingSampler spent = new RateLimitingSampler(1, ticker::get);
    spent.sample();
    HttpHeaders sampled = new DefaultHttpHeaders().set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    HttpHeaders unsampled = new DefaultHttpHeaders().set("b3", "463ac35c9f6413ad-a2fb4a1d1a96d312-0");
    assertThat(Tracing.extract(sampled, spent).sampled()).isTrue();
    assertThat(Tracing.extract(unsampled, Sampler.ALWAYS).sampled()).isFalse();
    assertThat(Tracing.extract(new DefaultHttpHeaders(), spent).sampled()).isFalse();
  }

  @Test
  void aRoutesOwnSampleRateTakesThePlaceOfTheBudget() {
    RouteTable table = RouteTable.compile(ResourceCodec.readYaml("""
        kind: Route
        name: all
        spec: {match: {pathPrefix: /all}, to: [{url: 'http://127.0.0.1:9'}], sampleRate: 1}
        ---
        kind: Route
        name: budget
        spec: {match: {pathPrefix: /budget}, to: [{url: 'http://127.0.0.1:9'}]}
        """), RouteResources.standalone());
    Inbound inbound = new Inbound(GatewayOptions.defaults(), ticker::get);
    int all = 0;
    int budget = 0;
    for (int i = 0; i < 100; i++) {
      InboundRequest a = request(table, "/all");
      InboundRequest b = request(table, "/budget");
      inbound.run(a);
      inbound.run(b);
      if (a.trace.sampled()) all++;
      if (b.trace.sampled()) budget++;
    }
    assertThat(all).isEqualTo(100);
    assertThat(budget).isEqualTo(10);
  }

  private static InboundRequest request(RouteTable table, String path) {
    var head = new io.netty.handler.codec.http.DefaultHttpRequest(io.netty.handler.codec.http.HttpVersion.HTTP_1_1,
        io.netty.handler.codec.http.HttpMethod.GET, path);
    head.headers().set("Host", "a");
    return new InboundRequest(head, false, table);
  }
}
