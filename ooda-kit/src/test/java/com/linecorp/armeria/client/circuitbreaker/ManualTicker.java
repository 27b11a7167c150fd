package com.linecorp.armeria.client.circuitbreaker;

import com.linecorp.armeria.common.util.Ticker;

/**
 * Armeria reads its circuit breakers' time from a ticker that only its own package may set; this
 * class, in that package, lets the kit's tests run a breaker on time they move by hand.
 */
public final class ManualTicker {
  private ManualTicker() {}

  public static CircuitBreakerBuilder on(CircuitBreakerBuilder builder, Ticker ticker) {
    return builder.ticker(ticker);
  }
}
