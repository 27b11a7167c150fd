package dev.ooda.kit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Header;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Deadlines through two hops: edge -> front -> middle -> back. Each hop gets less time than its
 * caller had, gives up when the first caller's deadline passes, and does not call once it has.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeadlineTest {
  TestPlatform platform;
  Kit edge;
  OodaService back;
  /** the deadline header each hop received */
  final Map<String, Long> received = new ConcurrentHashMap<>();
  /** how each hop's own call ended */
  final Map<String, CompletableFuture<Throwable>> outcome = new ConcurrentHashMap<>();
  final AtomicInteger backCalls = new AtomicInteger();

  /** A hop that records the deadline it was given, then calls the next service. */
  public class Hop {
    final String name;
    final OodaClient next;

    Hop(String name, OodaClient next) {
      this.name = name;
      this.next = next;
    }

    @Get("/call")
    public String call(@Header("ooda-deadline-ms") long deadlineMs) {
      received.put(name, deadlineMs);
      try {
        return next.get("/call").as(String.class);
      } catch (RuntimeException e) {
        outcome.get(name).complete(e);
        throw e;
      }
    }

    /** Works past its deadline, then tries to call on. */
    @Get("/late")
    public String late() throws InterruptedException {
      Thread.sleep(400);
      try {
        return next.get("/count").as(String.class);
      } catch (RuntimeException e) {
        outcome.get(name).complete(e);
        throw e;
      }
    }
  }

  @BeforeAll
  void start() {
    platform = new TestPlatform();
    Kit backKit = platform.kit("back");
    back = platform.serve(backKit, b -> b
        .service("/call", (ctx, req) -> {
          received.put("back", Long.parseLong(req.headers().get(Deadlines.HEADER)));
          return HttpResponse.delayed(HttpResponse.of("too late"), Duration.ofSeconds(5));
        })
        .service("/count", (ctx, req) -> {
          backCalls.incrementAndGet();
          return HttpResponse.of("counted");
        }));
    Kit middle = platform.kit("middle");
    platform.serve(middle, b -> b.annotatedService(new Hop("middle", middle.client("back"))));
    Kit front = platform.kit("front");
    platform.serve(front, b -> b.annotatedService(new Hop("front", front.client("middle"))));
    edge = platform.kit("edge");
  }

  @AfterAll
  void stop() throws Exception {
    platform.close();
  }

  @Test
  void everyHopGivesUpWhenTheFirstCallersDeadlinePasses() throws Exception {
    outcome.put("front", new CompletableFuture<>());
    outcome.put("middle", new CompletableFuture<>());
    // the hops' own clients would wait 2 s; the edge's 300 ms bound them all
    assertThatThrownBy(() -> edge.client("front").get("/call").timeout(Duration.ofMillis(300)).as(String.class))
        .isInstanceOf(DeadlineExceededException.class);

    assertThat(outcome.get("middle").get(5, TimeUnit.SECONDS)).isInstanceOf(DeadlineExceededException.class);
    assertThat(outcome.get("front").get(5, TimeUnit.SECONDS)).isInstanceOf(DeadlineExceededException.class);
    long front = received.get("front");
    long middle = received.get("middle");
    long last = received.get("back");
    assertThat(front).isPositive().isLessThanOrEqualTo(300);
    assertThat(middle).isPositive().isLessThanOrEqualTo(front);
    assertThat(last).isPositive().isLessThanOrEqualTo(middle);
  }

  @Test
  void aCallMadeAfterTheDeadlineIsNotSent() throws Exception {
    outcome.put("front", new CompletableFuture<>());
    outcome.put("middle", new CompletableFuture<>());
    backCalls.set(0);
    assertThatThrownBy(() -> edge.client("middle").get("/late").timeout(Duration.ofMillis(200)).as(String.class))
        .isInstanceOf(DeadlineExceededException.class);
    assertThat(outcome.get("middle").get(5, TimeUnit.SECONDS)).isInstanceOf(DeadlineExceededException.class)
        .hasMessageContaining("passed before calling back");
    assertThat(backCalls.get()).isZero();
  }

  @Test
  void aCalleeEndsTheRequestAtItsCallersDeadlineByItself() {
    // a plain client that would wait 10 s: the callee answers 504 when the deadline it was sent passes
    AggregatedHttpResponse r = WebClient.builder("http://127.0.0.1:" + back.port())
        .responseTimeout(Duration.ofSeconds(10)).build()
        .execute(RequestHeaders.builder(HttpMethod.GET, "/call").add(Deadlines.HEADER, "200").build())
        .aggregate().join();
    assertThat(r.status().code()).isEqualTo(504);
    assertThat(r.contentUtf8()).contains("urn:ooda:problem:deadline-exceeded");
  }
}
