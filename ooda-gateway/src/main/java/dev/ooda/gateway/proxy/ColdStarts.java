package dev.ooda.gateway.proxy;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The services that may scale to zero. The gateway notes when each last had a request (the
 * supervisor stops a service that had none for its idle period), and holds a request that finds a
 * service with no instance: up to {@link #MAX_HELD} per service, for at most the hold timeout,
 * while {@link #onWake} asks for an instance. The held requests go on once the service's instances
 * are pushed. Services not listed here cost one map lookup per request, in an empty map.
 */
public final class ColdStarts {
  /** Requests held per service; beyond, a request is answered 503 at once. */
  public static final int MAX_HELD = 256;
  public static final Duration DEFAULT_HOLD = Duration.ofSeconds(30);
  static final String METRIC = "ooda.gateway.cold.start";

  /** A service's activity as this gateway saw it; {@code coldStartMillis} is -1 until one was measured. */
  public record Activity(String service, long lastRequestMillis, long coldStartMillis, long coldStartAtMillis) {}

  /** One service that may be at zero. */
  static final class Service {
    final String name;
    final Timer coldStarts;
    volatile long lastRequest;
    volatile long coldStartMillis = -1;
    volatile long coldStartAt;
    /** Guarded by itself. */
    final ArrayDeque<Exchange> held = new ArrayDeque<>();

    Service(String name, Timer coldStarts) {
      this.name = name;
      this.coldStarts = coldStarts;
    }
  }

  private final MeterRegistry registry;
  private final long holdNanos;
  private volatile Map<String, Service> services = Map.of();
  private volatile Consumer<String> wake = s -> {};

  ColdStarts(MeterRegistry registry, Duration hold) {
    this.registry = registry;
    this.holdNanos = hold.toNanos();
  }

  /** Replaces the services that may be at zero; those that stay keep their state. */
  public synchronized void services(Set<String> names) {
    Map<String, Service> next = new HashMap<>();
    for (String n : names) {
      Service s = services.get(n);
      next.put(n, s != null ? s : new Service(n, Timer.builder(METRIC)
          .description("Time from a request held for a service at zero to its first byte")
          .tag("service", n).publishPercentiles(0.5, 0.99).register(registry)));
    }
    services = Map.copyOf(next);
  }

  /** Called (on the event loop: must not block) with the service's name when a request is held for it. */
  public void onWake(Consumer<String> wake) {
    this.wake = wake == null ? s -> {} : wake;
  }

  /**
   * What each listed service saw, for the supervisor. A service with requests held counts as
   * requested now: a wake that finds the last instance still stopping must not expire while its
   * requests wait.
   */
  public List<Activity> activity() {
    List<Activity> out = new ArrayList<>();
    long now = System.currentTimeMillis();
    for (Service s : services.values()) {
      long last = s.lastRequest;
      synchronized (s.held) {
        if (!s.held.isEmpty()) last = Math.max(last, now);
      }
      out.add(new Activity(s.name, last, s.coldStartMillis, s.coldStartAt));
    }
    return out;
  }

  long holdNanos() {
    return holdNanos;
  }

  /** The service when it may be at zero, else null. */
  Service of(String service) {
    return service == null ? null : services.get(service);
  }

  /** Holds {@code e} until the service has instances; false when the queue is full. */
  boolean hold(Service s, Exchange e) {
    s.lastRequest = System.currentTimeMillis();
    synchronized (s.held) {
      if (s.held.size() >= MAX_HELD) return false;
      s.held.add(e);
    }
    wake.accept(s.name);
    return true;
  }

  void forget(Service s, Exchange e) {
    synchronized (s.held) {
      s.held.remove(e);
    }
  }

  /** The service has instances again: every held request tries once more, on its own event loop. */
  void release(String service) {
    Service s = services.get(service);
    if (s == null) return;
    List<Exchange> go;
    synchronized (s.held) {
      if (s.held.isEmpty()) return;
      go = new ArrayList<>(s.held);
      s.held.clear();
    }
    for (Exchange e : go) e.resume();
  }

  /** A held request's first byte, {@code nanos} after it was held. */
  void coldStart(Service s, long nanos) {
    s.coldStarts.record(nanos, TimeUnit.NANOSECONDS);
    s.coldStartMillis = TimeUnit.NANOSECONDS.toMillis(nanos);
    s.coldStartAt = System.currentTimeMillis();
  }
}
