package dev.ooda.kit;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.common.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One of three instances stops during a steady stream of idempotent calls, with a real control
 * plane and ZooKeeper: no call fails, and the client stops choosing it.
 */
class StopInstanceTest {
  TestPlatform platform;
  final List<AtomicInteger> hits = List.of(new AtomicInteger(), new AtomicInteger(), new AtomicInteger());
  final List<OodaService> instances = new ArrayList<>();
  final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
  final AtomicInteger successes = new AtomicInteger();
  final AtomicBoolean running = new AtomicBoolean(true);
  ExecutorService callers;
  OodaClient client;

  @BeforeEach
  void start() throws Exception {
    platform = TestPlatform.withControlPlane();
    Kit pool = platform.kit("pool");
    for (int n = 0; n < 3; n++) {
      int i = n;
      // the default drain delay: a stopping instance still accepts requests for a second
      instances.add(platform.add(pool.server("v1").shutdownTimeout(Duration.ofSeconds(1)).service("/work", (ctx, req) -> {
        hits.get(i).incrementAndGet();
        return HttpResponse.delayed(HttpResponse.of("done"), Duration.ofMillis(2));
      }).start()));
    }
    client = platform.kit("caller").client("pool");
    callers = Executors.newFixedThreadPool(4);
    for (int c = 0; c < 4; c++) {
      callers.submit(() -> {
        while (running.get()) {
          try {
            client.get("/work").send();
            successes.incrementAndGet();
          } catch (RuntimeException e) {
            failures.add(e);
          }
        }
      });
    }
    Eventually.until("every instance takes calls", () -> hits.stream().allMatch(h -> h.get() >= 20));
  }

  @AfterEach
  void stop() throws Exception {
    running.set(false);
    callers.shutdown();
    callers.awaitTermination(10, TimeUnit.SECONDS);
    platform.close();
  }

  @Test
  void aDrainedInstanceLosesItsTrafficWithoutAFailedCall() throws Exception {
    String drained = instances.get(0).instanceId();
    instances.get(0).close();
    int after = successes.get();
    Eventually.until("calls go on", () -> successes.get() > after + 200);
    Eventually.until("the client no longer lists it as taking traffic", () ->
        client.instances().stream().noneMatch(i -> i.id().equals(drained) && i.takesTraffic()));

    assertThat(failures).isEmpty();
  }

  @Test
  void anInstanceThatDiesWithoutDeregisteringFailsNoCall() throws Exception {
    instances.get(0).halt();
    int after = successes.get();
    int deadHits = hits.get(0).get();
    Eventually.until("calls go on", () -> successes.get() > after + 500);
    assertThat(failures).isEmpty();
    assertThat(hits.get(0).get()).isEqualTo(deadHits);
  }
}
