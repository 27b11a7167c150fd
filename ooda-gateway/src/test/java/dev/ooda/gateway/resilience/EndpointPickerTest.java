package dev.ooda.gateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Ejection caps and the panic threshold, on origins alone: no sockets. */
class EndpointPickerTest {
  private static final OriginLimits ONE_FAILURE = OriginLimits.DEFAULT.withEjection(1, Duration.ofMinutes(5), Duration.ofMinutes(5));
  private final long now = System.nanoTime();

  private static Endpoint[] instances(int n) {
    Endpoint[] eps = new Endpoint[n];
    for (int i = 0; i < n; i++) eps[i] = new Endpoint("i" + i, "s", null, new Origin("10.0.0." + i, 80, false));
    return eps;
  }

  private int failAll(Endpoint[] eps, OriginLimits limits) {
    int ejected = 0;
    for (int round = 0; round < 3; round++) {
      for (Endpoint e : eps) if (e.origin().failed(now, limits, eps)) ejected++;
    }
    return ejected;
  }

  @Test
  void aLoneInstanceIsNeverEjected() {
    Endpoint[] one = instances(1);
    assertThat(failAll(one, ONE_FAILURE)).isZero();
    assertThat(failAll(one, ONE_FAILURE.withEjectionCaps(100, 0))).isZero();
    assertThat(EndpointPicker.pick(one, null, ONE_FAILURE, now)).isSameAs(one[0]);
  }

  @Test
  void atMostMaxEjectionPercentAreOutAndNeverTheLastOneIn() {
    assertThat(failAll(instances(2), ONE_FAILURE)).isEqualTo(1);
    assertThat(failAll(instances(4), ONE_FAILURE)).isEqualTo(2);
    assertThat(failAll(instances(10), ONE_FAILURE.withEjectionCaps(10, 50))).isEqualTo(1);
    assertThat(failAll(instances(4), ONE_FAILURE.withEjectionCaps(100, 0))).isEqualTo(3);
  }

  @Test
  void belowThePanicThresholdEjectedInstancesTakeTrafficAgain() {
    Endpoint[] eps = instances(2);
    // Ejected elsewhere (the same address serves another target), so this target's cap did not apply.
    for (Endpoint e : eps) e.origin().failed(now, ONE_FAILURE, null);
    assertThat(EndpointPicker.panics(eps, ONE_FAILURE, now)).isTrue();
    assertThat(EndpointPicker.pick(eps, null, ONE_FAILURE, now)).isNotNull();

    OriginLimits noPanic = ONE_FAILURE.withEjectionCaps(50, 0);
    assertThat(EndpointPicker.pick(eps, null, noPanic, now)).isNull();
    assertThat(EndpointPicker.none("service 's'", eps, noPanic, now).type()).isEqualTo("urn:ooda:problem:unavailable");
  }

  @Test
  void aboveThePanicThresholdEjectedInstancesAreSkipped() {
    Endpoint[] eps = instances(4);
    eps[0].origin().failed(now, ONE_FAILURE, eps);
    assertThat(EndpointPicker.panics(eps, ONE_FAILURE, now)).isFalse();
    for (int i = 0; i < 50; i++) {
      Endpoint e = EndpointPicker.pick(eps, null, ONE_FAILURE, now);
      assertThat(e).isNotSameAs(eps[0]);
      e.origin().release();
    }
  }
}
