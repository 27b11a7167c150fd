package dev.ooda.kit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A circuit breaker per instance: a failing instance stops getting calls; healthy ones carry on. */
class BreakerTest {
  TestPlatform platform;
  Kit kit;
  Kit caller;

  @BeforeEach
  void start() {
    platform = new TestPlatform();
    kit = platform.kit("stock");
    caller = platform.kit("caller");
  }

  @AfterEach
  void stop() throws Exception {
    platform.close();
  }

  OodaService instance(AtomicInteger hits, HttpStatus status) {
    return platform.serve(kit, b -> b.service("/count", (ctx, req) -> {
      hits.incrementAndGet();
      return HttpResponse.of(status);
    }));
  }

  OodaClient client() {
    return caller.client("stock", OodaClient.Options.DEFAULT.withBreaker(0.5, 5, Duration.ofSeconds(30)));
  }

  @Test
  void anInstanceWithAnOpenCircuitGetsNoMoreCalls() {
    AtomicInteger good = new AtomicInteger();
    AtomicInteger bad = new AtomicInteger();
    instance(good, HttpStatus.OK);
    instance(bad, HttpStatus.INTERNAL_SERVER_ERROR);
    OodaClient client = client();
    AtomicInteger successesInARow = new AtomicInteger();
    Eventually.until("the failing instance's circuit opens", () -> {
      try {
        client.get("/count").send();
        successesInARow.incrementAndGet();
      } catch (RemoteProblemException e) {
        successesInARow.set(0);
      }
      return successesInARow.get() >= 30;
    });
    int badBefore = bad.get();
    for (int i = 0; i < 100; i++) client.get("/count").send();
    assertThat(bad.get()).isEqualTo(badBefore);
    assertThat(badBefore).isGreaterThanOrEqualTo(5);
  }

  @Test
  void whenEveryCircuitIsOpenCallsFailFastWithoutBeingSent() {
    AtomicInteger bad = new AtomicInteger();
    instance(bad, HttpStatus.INTERNAL_SERVER_ERROR);
    OodaClient client = client();
    Eventually.until("the circuit opens", () -> {
      try {
        client.get("/count").send();
        return false;
      } catch (CircuitOpenException e) {
        return true;
      } catch (RemoteProblemException e) {
        assertThat(e.status()).isEqualTo(500);
        return false;
      }
    });
    int before = bad.get();
    assertThatThrownBy(() -> client.get("/count").send())
        .isInstanceOf(CircuitOpenException.class).hasMessageContaining("stock");
    assertThat(bad.get()).isEqualTo(before);
  }
}
