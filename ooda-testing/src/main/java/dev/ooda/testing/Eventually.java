package dev.ooda.testing;

import java.time.Duration;

/** Waits for something that happens asynchronously (a watch firing, a lease expiring). */
public final class Eventually {
  private Eventually() {}

  public interface Check {
    void run() throws Exception;
  }

  /** Runs {@code check} until it passes; after {@code within}, its last failure is thrown. */
  public static void within(Duration within, Check check) throws Exception {
    long end = System.nanoTime() + within.toNanos();
    while (true) {
      try {
        check.run();
        return;
      } catch (AssertionError | Exception e) {
        if (System.nanoTime() > end) throw e;
        Thread.sleep(50);
      }
    }
  }
}
