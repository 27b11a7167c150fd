package dev.ooda.cli;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The demo's users: a steady trickle of requests through the gateway, each from one of 40 users
 * ({@code X-User-Id: user-N}), mostly catalog reads (so a canary step has its samples within
 * seconds), and some home pages, reviews, orders and account pages. Requests are sent without
 * waiting for answers, so a slow origin does not slow the rate.
 */
final class DemoTraffic implements AutoCloseable {
  static final int USERS = 40;

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2)).build();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "ooda-demo-traffic");
    t.setDaemon(true);
    return t;
  });
  private final String gateway;
  private final AtomicLong tick = new AtomicLong();
  final AtomicLong sent = new AtomicLong();

  /** Starts {@code perSecond} requests a second to the gateway at {@code gateway} (http://host:port). */
  DemoTraffic(String gateway, int perSecond) {
    this.gateway = gateway;
    if (perSecond > 0) timer.scheduleAtFixedRate(this::send, 0, 1_000_000 / perSecond, TimeUnit.MICROSECONDS);
  }

  private void send() {
    String user = "user-" + (1 + ThreadLocalRandom.current().nextInt(USERS));
    HttpRequest.Builder b;
    switch ((int) (tick.getAndIncrement() % 10)) {
      case 0 -> b = get("/");
      case 1 -> b = get("/api/reviews/lamp");
      case 2 -> b = HttpRequest.newBuilder(URI.create(gateway + "/api/orders")).header("content-type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"customer\":\"" + user + "\",\"total\":12.50}"));
      case 3 -> b = get("/api/account");
      default -> b = get("/api/catalog/items");
    }
    sent.incrementAndGet();
    http.sendAsync(b.header("X-User-Id", user).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding());
  }

  private HttpRequest.Builder get(String path) {
    return HttpRequest.newBuilder(URI.create(gateway + path)).GET();
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
