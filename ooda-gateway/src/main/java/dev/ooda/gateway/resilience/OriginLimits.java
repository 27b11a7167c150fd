package dev.ooda.gateway.resilience;

import java.time.Duration;
import java.util.Objects;

/**
 * How the gateway treats each origin: immutable, built with {@link #builder()}; every limit and its
 * default is documented on the builder's method of the same name.
 *
 * <pre>
 * OriginLimits l = OriginLimits.builder().maxConcurrent(256).ejection(3, Duration.ofSeconds(5), Duration.ofMinutes(1)).build();
 * </pre>
 */
public final class OriginLimits {
  /** Every limit at its default. */
  public static final OriginLimits DEFAULT = builder().build();

  private final int maxConcurrent;
  private final int maxInFlight;
  private final Duration connectTimeout;
  private final Duration idleTimeout;
  private final int maxIdlePerLoop;
  private final int consecutiveFailures;
  private final Duration baseEjection;
  private final Duration maxEjection;
  private final int maxEjectionPercent;
  private final int panicThreshold;

  private OriginLimits(Builder b) {
    this.maxConcurrent = b.maxConcurrent;
    this.maxInFlight = b.maxInFlight;
    this.connectTimeout = b.connectTimeout;
    this.idleTimeout = b.idleTimeout;
    this.maxIdlePerLoop = b.maxIdlePerLoop;
    this.consecutiveFailures = b.consecutiveFailures;
    this.baseEjection = b.baseEjection;
    this.maxEjection = b.maxEjection;
    this.maxEjectionPercent = b.maxEjectionPercent;
    this.panicThreshold = b.panicThreshold;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these limits, to change some of them. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.maxConcurrent = maxConcurrent;
    b.maxInFlight = maxInFlight;
    b.connectTimeout = connectTimeout;
    b.idleTimeout = idleTimeout;
    b.maxIdlePerLoop = maxIdlePerLoop;
    b.consecutiveFailures = consecutiveFailures;
    b.baseEjection = baseEjection;
    b.maxEjection = maxEjection;
    b.maxEjectionPercent = maxEjectionPercent;
    b.panicThreshold = panicThreshold;
    return b;
  }

  /** See {@link Builder#maxConcurrent}. */
  public int maxConcurrent() {
    return maxConcurrent;
  }

  /** See {@link Builder#maxInFlight}. */
  public int maxInFlight() {
    return maxInFlight;
  }

  /** See {@link Builder#connectTimeout}. */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** See {@link Builder#idleTimeout}. */
  public Duration idleTimeout() {
    return idleTimeout;
  }

  /** See {@link Builder#maxIdlePerLoop}. */
  public int maxIdlePerLoop() {
    return maxIdlePerLoop;
  }

  /** See {@link Builder#ejection}. */
  public int consecutiveFailures() {
    return consecutiveFailures;
  }

  /** See {@link Builder#ejection}. */
  public Duration baseEjection() {
    return baseEjection;
  }

  /** See {@link Builder#ejection}. */
  public Duration maxEjection() {
    return maxEjection;
  }

  /** See {@link Builder#maxEjectionPercent}. */
  public int maxEjectionPercent() {
    return maxEjectionPercent;
  }

  /** See {@link Builder#panicThreshold}. */
  public int panicThreshold() {
    return panicThreshold;
  }

  @Override
  public String toString() {
    return "OriginLimits{maxConcurrent=" + maxConcurrent + ", maxInFlight=" + maxInFlight + ", connectTimeout=" + connectTimeout
        + ", idleTimeout=" + idleTimeout + ", maxIdlePerLoop=" + maxIdlePerLoop + ", consecutiveFailures=" + consecutiveFailures
        + ", baseEjection=" + baseEjection + ", maxEjection=" + maxEjection + ", maxEjectionPercent=" + maxEjectionPercent
        + ", panicThreshold=" + panicThreshold + "}";
  }

  /** Builds {@link OriginLimits}; each method documents its limit and default. Not thread-safe. */
  public static final class Builder {
    private int maxConcurrent = 512;
    private int maxInFlight = 10_000;
    private Duration connectTimeout = Duration.ofSeconds(2);
    private Duration idleTimeout = Duration.ofSeconds(60);
    private int maxIdlePerLoop = 64;
    private int consecutiveFailures = 5;
    private Duration baseEjection = Duration.ofSeconds(10);
    private Duration maxEjection = Duration.ofMinutes(5);
    private int maxEjectionPercent = 50;
    private int panicThreshold = 50;

    private Builder() {}

    /** Requests in flight to one origin; past it, other instances are tried and then the request is shed with 503. Default 512. */
    public Builder maxConcurrent(int maxConcurrent) {
      this.maxConcurrent = maxConcurrent;
      return this;
    }

    /** Requests in flight through the whole gateway; past it, requests are shed with 503 and Retry-After rather than queued. Default 10,000. */
    public Builder maxInFlight(int maxInFlight) {
      this.maxInFlight = maxInFlight;
      return this;
    }

    /** Time to open a connection to an origin. Default 2 s. */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
      return this;
    }

    /** A pooled origin connection unused this long is closed. Default 60 s. */
    public Builder idleTimeout(Duration idleTimeout) {
      this.idleTimeout = Objects.requireNonNull(idleTimeout, "idleTimeout");
      return this;
    }

    /** Pooled idle connections kept per origin per event loop. Default 64. */
    public Builder maxIdlePerLoop(int maxIdlePerLoop) {
      this.maxIdlePerLoop = maxIdlePerLoop;
      return this;
    }

    /**
     * Outlier ejection: {@code consecutiveFailures} in a row (connect errors, resets, timeouts, 5xx)
     * eject an origin for {@code baseEjection}, doubled with each ejection in a row up to
     * {@code maxEjection}; after it, one request probes the origin. Defaults 5, 10 s, 5 min.
     */
    public Builder ejection(int consecutiveFailures, Duration baseEjection, Duration maxEjection) {
      this.consecutiveFailures = consecutiveFailures;
      this.baseEjection = Objects.requireNonNull(baseEjection, "baseEjection");
      this.maxEjection = Objects.requireNonNull(maxEjection, "maxEjection");
      return this;
    }

    /**
     * At most this percent of a target's instances is ejected at once, and never the last one that
     * is in (Envoy's {@code max_ejection_percent}): a single instance is never ejected. 0..100, default 50.
     */
    public Builder maxEjectionPercent(int maxEjectionPercent) {
      this.maxEjectionPercent = maxEjectionPercent;
      return this;
    }

    /**
     * When fewer than this percent of a target's instances are in, ejections are ignored and all of
     * them take traffic (Envoy's healthy panic threshold), so that the few left are not flooded.
     * 0..100, default 50; 0 turns it off.
     */
    public Builder panicThreshold(int panicThreshold) {
      this.panicThreshold = panicThreshold;
      return this;
    }

    /** @throws IllegalArgumentException naming the first limit that is out of range */
    public OriginLimits build() {
      if (maxConcurrent <= 0) throw new IllegalArgumentException("maxConcurrent must be positive: " + maxConcurrent);
      if (maxInFlight <= 0) throw new IllegalArgumentException("maxInFlight must be positive: " + maxInFlight);
      if (maxIdlePerLoop < 0) throw new IllegalArgumentException("maxIdlePerLoop must not be negative: " + maxIdlePerLoop);
      if (consecutiveFailures <= 0) throw new IllegalArgumentException("consecutiveFailures must be positive: " + consecutiveFailures);
      if (maxEjectionPercent < 0 || maxEjectionPercent > 100) throw new IllegalArgumentException("maxEjectionPercent must be 0..100");
      if (panicThreshold < 0 || panicThreshold > 100) throw new IllegalArgumentException("panicThreshold must be 0..100");
      return new OriginLimits(this);
    }
  }
}
