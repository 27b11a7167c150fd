package dev.ooda.kit;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for a condition that the system reaches on its own, within a generous bound. */
final class Eventually {
  private Eventually() {}

  static void until(String what, BooleanSupplier condition) {
    until(what, Duration.ofSeconds(20), condition);
  }

  static void until(String what, Duration bound, BooleanSupplier condition) {
    long end = System.nanoTime() + bound.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) throw new AssertionError("not reached within " + bound + ": " + what);
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
