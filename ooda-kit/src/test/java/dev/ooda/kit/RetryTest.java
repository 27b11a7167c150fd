package dev.ooda.kit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.linecorp.armeria.client.retry.Backoff;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import dev.ooda.model.Instance;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Retries: only safe ones, at most the budget's share of calls. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RetryTest {
  TestPlatform platform;
  Kit caller;
  OodaService flaky;
  final AtomicInteger attempts = new AtomicInteger();
  final AtomicInteger failFirst = new AtomicInteger();
  final java.util.Queue<String> deadlines = new java.util.concurrent.ConcurrentLinkedQueue<>();

  @BeforeAll
  void start() {
    platform = new TestPlatform();
    flaky = platform.serve(platform.kit("flaky"), b -> b
        .service("/down", (ctx, req) -> {
          attempts.incrementAndGet();
          return HttpResponse.of(HttpStatus.SERVICE_UNAVAILABLE);
        })
        .service("/wobbly", (ctx, req) -> {
          attempts.incrementAndGet();
          deadlines.add(req.headers().get(Deadlines.HEADER));
          return failFirst.getAndDecrement() > 0 ? HttpResponse.of(HttpStatus.BAD_GATEWAY) : HttpResponse.of("ok");
        }));
    caller = platform.kit("caller");
  }

  @AfterAll
  void stop() throws Exception {
    platform.close();
  }

  @BeforeEach
  void reset() {
    attempts.set(0);
    failFirst.set(0);
    deadlines.clear();
  }

  /** A client with a fresh budget of its own, no retries to spare beyond it, and no waiting. */
  OodaClient client(int minRetriesPerSecond) {
    return caller.client("flaky", OodaClient.Options.DEFAULT
        .withRetryBudget(0.2, minRetriesPerSecond)
        .withBackoff(Backoff.fixed(1))
        .withBreaker(0.5, Integer.MAX_VALUE, java.time.Duration.ofSeconds(10)));
  }

  @Test
  void idempotentCallsAreRetriedAtMostTheBudget() {
    OodaClient client = client(0);
    int calls = 200;
    for (int i = 0; i < calls; i++) {
      assertThatThrownBy(() -> client.get("/down").send())
          .isInstanceOfSatisfying(RemoteProblemException.class, e -> assertThat(e.status()).isEqualTo(503));
    }
    assertThat(attempts.get()).isGreaterThan(calls).isLessThanOrEqualTo(calls + calls / 5);
  }

  @Test
  void aRetryCanTurnAFailureIntoSuccess() {
    failFirst.set(1);
    assertThat(client(10).get("/wobbly").as(String.class)).isEqualTo("ok");
    assertThat(attempts.get()).isEqualTo(2);
    // each attempt tells the callee the time left, less on the second
    assertThat(deadlines).hasSize(2).allSatisfy(d -> assertThat(Long.parseLong(d)).isBetween(1L, 2_000L));
    assertThat(Long.parseLong(deadlines.stream().skip(1).findFirst().orElseThrow()))
        .isLessThanOrEqualTo(Long.parseLong(deadlines.peek()));
  }

  @Test
  void nonIdempotentCallsAreNotRetriedUnlessMarkedSafe() {
    OodaClient client = client(10);
    failFirst.set(1);
    assertThatThrownBy(() -> client.post("/wobbly").body("x").send()).isInstanceOf(RemoteProblemException.class);
    assertThat(attempts.get()).isEqualTo(1);

    reset();
    failFirst.set(1);
    client.post("/wobbly").body("x").idempotent().send();
    assertThat(attempts.get()).isEqualTo(2);
  }

  @Test
  void attemptsThatWereNeverSentGoToAnotherInstanceWhateverTheMethod() {
    // the registry lists an instance that is gone; posts that hit it are sent again elsewhere
    Instance live = platform.registry.instances("flaky").get(0);
    List<Instance> withGhost = new ArrayList<>(List.of(live));
    withGhost.add(CodecAndErrorsTest.instance("flaky", CodecAndErrorsTest.closedPort()));
    platform.registry.set("flaky", withGhost);
    try {
      OodaClient client = client(0);
      for (int i = 0; i < 30; i++) {
        failFirst.set(0);
        assertThat(client.post("/wobbly").body("x").as(String.class)).isEqualTo("ok");
      }
      assertThat(attempts.get()).isEqualTo(30);
    } finally {
      platform.registry.set("flaky", List.of(live));
    }
  }
}
