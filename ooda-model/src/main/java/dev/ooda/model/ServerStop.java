package dev.ooda.model;

import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * Waits for a server's stop until it stops serving, not until its last thread ends. An Armeria
 * server completes {@code stop()} only after its acceptor threads sat through Netty's fixed 2 s
 * quiet period, long after its ports and connections closed; a process that stops several servers
 * (or a test suite that stops hundreds) has no reason to wait for that.
 */
public final class ServerStop {
  private ServerStop() {}

  /**
   * Returns once {@code stopping} completed or {@code closed} holds (no port open, no connection
   * left). The stop goes on in the background.
   */
  public static void await(CompletableFuture<?> stopping, BooleanSupplier closed) {
    while (!stopping.isDone() && !closed.getAsBoolean()) {
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    if (stopping.isCompletedExceptionally()) stopping.join();
  }
}
