package dev.ooda.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The roles running in this process. Stops them in reverse order of start on Ctrl-C or SIGTERM,
 * so that servers finish their in-flight requests before ZooKeeper goes away.
 */
final class Platform implements AutoCloseable {
  private final Deque<AutoCloseable> roles = new ArrayDeque<>();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final long startNanos = System.nanoTime();
  private final PrintWriter out;

  Platform(PrintWriter out) {
    this.out = out;
  }

  <T extends AutoCloseable> T add(String role, T r, String where) {
    roles.push(r);
    out.printf("%-10s %s%n", role, where);
    out.flush();
    return r;
  }

  /** A part stopped with the roles, without a line of its own. */
  <T extends AutoCloseable> T add(T part) {
    roles.push(part);
    return part;
  }

  /**
   * A role starting in the background. Until {@code get()} hands it over (to be {@link #add}ed),
   * the platform stops it on close, so that a failure elsewhere during startup leaves no server
   * behind.
   */
  <T extends AutoCloseable> Supplier<T> starting(CompletableFuture<T> start) {
    AtomicBoolean handedOver = new AtomicBoolean();
    roles.push(() -> {
      if (handedOver.get()) return;
      T r = start.exceptionally(t -> null).join();
      if (r != null) r.close();
    });
    return () -> {
      T r = start.join();
      handedOver.set(true);
      return r;
    };
  }

  /** Takes the data directory for this process alone: two platforms on one directory would corrupt it. */
  void lock(Path dataDir) throws IOException {
    Files.createDirectories(dataDir);
    FileChannel ch = FileChannel.open(dataDir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock = ch.tryLock();
    if (lock == null) {
      ch.close();
      throw new IllegalStateException("another ooda is running on data directory " + dataDir + "; stop it or pass --data-dir");
    }
    roles.push(ch);
  }

  /** Prints the ready line and blocks until the process is told to stop. */
  void runUntilStopped(String what) throws InterruptedException {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      close();
      stopped.countDown();
    }, "ooda-shutdown"));
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    long sinceLaunch = ProcessHandle.current().info().startInstant()
        .map(i -> System.currentTimeMillis() - i.toEpochMilli()).orElse(-1L);
    out.printf("ooda %s ready in %.1f s (%.1f s since launch); stop with Ctrl-C%n", what, seconds, sinceLaunch / 1000.0);
    out.flush();
    stopped.await();
  }

  @Override
  public synchronized void close() {
    while (!roles.isEmpty()) {
      try {
        roles.pop().close();
      } catch (Exception e) {
        System.err.println("stopping a role failed: " + e);
      }
    }
  }
}
