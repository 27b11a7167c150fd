package dev.ooda.kit;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.common.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Power of two choices on requests in flight, in the caller's zone first. */
class BalancerTest {
  TestPlatform platform;

  @BeforeEach
  void start() {
    platform = new TestPlatform();
  }

  @AfterEach
  void stop() throws Exception {
    platform.close();
  }

  OodaService instance(Kit kit, AtomicInteger hits, Duration delay) {
    return platform.serve(kit, b -> b.service("/work", (ctx, req) -> {
      hits.incrementAndGet();
      return delay.isZero() ? HttpResponse.of("done") : HttpResponse.delayed(HttpResponse.of("done"), delay);
    }));
  }

  @Test
  void aSlowInstanceGetsLessTrafficThanHealthyOnes() {
    Kit pool = platform.kit("pool");
    AtomicInteger fast1 = new AtomicInteger();
    AtomicInteger fast2 = new AtomicInteger();
    AtomicInteger slow = new AtomicInteger();
    instance(pool, fast1, Duration.ofMillis(2));
    instance(pool, fast2, Duration.ofMillis(2));
    instance(pool, slow, Duration.ofMillis(100));
    OodaClient client = platform.kit("caller").client("pool");

    // 12 callers in parallel, each making its calls one after another
    List<CompletableFuture<Void>> callers = new ArrayList<>();
    for (int c = 0; c < 12; c++) {
      CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
      for (int i = 0; i < 25; i++) chain = chain.thenCompose(x -> client.get("/work").sendAsync());
      callers.add(chain);
    }
    CompletableFuture.allOf(callers.toArray(CompletableFuture[]::new)).join();

    assertThat(fast1.get() + fast2.get() + slow.get()).isEqualTo(300);
    assertThat(slow.get()).isLessThan(fast1.get()).isLessThan(fast2.get());
  }

  @Test
  void callsStayInTheCallersZoneWhileItHasAnInstance() throws Exception {
    AtomicInteger local = new AtomicInteger();
    AtomicInteger remote1 = new AtomicInteger();
    AtomicInteger remote2 = new AtomicInteger();
    OodaService near = instance(platform.kit("pool", o -> o.zone("zone-a")), local, Duration.ZERO);
    Kit far = platform.kit("pool", o -> o.zone("zone-b"));
    instance(far, remote1, Duration.ZERO);
    instance(far, remote2, Duration.ZERO);
    OodaClient client = platform.kit("caller", o -> o.zone("zone-a")).client("pool");

    for (int i = 0; i < 50; i++) client.get("/work").send();
    assertThat(local.get()).isEqualTo(50);
    assertThat(remote1.get() + remote2.get()).isZero();

    near.close();
    for (int i = 0; i < 50; i++) client.get("/work").send();
    assertThat(local.get()).isEqualTo(50);
    assertThat(remote1.get() + remote2.get()).isEqualTo(50);
  }
}
