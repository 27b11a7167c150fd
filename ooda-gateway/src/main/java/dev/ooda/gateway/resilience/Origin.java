package dev.ooda.gateway.resilience;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One origin address ({@code host:port}) and what the gateway knows about it: requests in flight
 * and its outlier state. One object per address, shared by every route and event loop, so that
 * its state survives route and instance updates.
 */
public final class Origin {
  public final String host;
  public final int port;
  public final String authority;
  /** Whether connections to it speak TLS (an {@code https} target). */
  public final boolean tls;
  /** Unresolved: each new connection resolves it through the gateway's DNS resolver, which follows the records' TTLs. */
  public final InetSocketAddress address;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger consecutiveFailures = new AtomicInteger();
  private volatile long ejectedUntilNanos;
  private volatile boolean probing;
  private int ejections;

  Origin(String host, int port, boolean tls) {
    this.host = host;
    this.port = port;
    this.tls = tls;
    this.authority = (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    this.address = InetSocketAddress.createUnresolved(host, port);
  }

  int inFlight() {
    return inFlight.get();
  }

  /** Takes one of the origin's {@code limit} request slots, or returns false when all are taken. */
  public boolean tryAcquire(int limit) {
    for (;;) {
      int n = inFlight.get();
      if (n >= limit) return false;
      if (inFlight.compareAndSet(n, n + 1)) return true;
    }
  }

  public void release() {
    inFlight.decrementAndGet();
  }

  /** False while ejected. After an ejection ends, the origin is probed: one failure ejects it again. */
  public boolean available(long nowNanos) {
    long until = ejectedUntilNanos;
    return until == 0 || nowNanos - until >= 0;
  }

  boolean ejected(long nowNanos) {
    return !available(nowNanos);
  }

  public void succeeded() {
    if (consecutiveFailures.get() != 0) consecutiveFailures.set(0);
    if (probing) {
      synchronized (this) {
        probing = false;
        ejections = 0;
        ejectedUntilNanos = 0;
      }
    }
  }

  /**
   * Counts a failure; returns true when it ejected the origin.
   *
   * @param peers the instances the origin was chosen among, which cap how many may be ejected at once
   *              ({@link EndpointPicker#mayEject}); while capped, the origin stays in and failures keep counting
   */
  public boolean failed(long nowNanos, OriginLimits limits, Endpoint[] peers) {
    int n = consecutiveFailures.incrementAndGet();
    if (n < limits.consecutiveFailures() && !(probing && available(nowNanos))) return false;
    synchronized (this) {
      if (ejected(nowNanos) || !EndpointPicker.mayEject(peers, limits, nowNanos)) return false;
      ejections = Math.min(ejections + 1, 10);
      long base = limits.baseEjection().toNanos();
      long time = Math.min(base << (ejections - 1), Math.max(base, limits.maxEjection().toNanos()));
      ejectedUntilNanos = (nowNanos + time) | 1;
      probing = true;
      consecutiveFailures.set(0);
      return true;
    }
  }

  @Override
  public String toString() {
    return authority;
  }
}
