package dev.ooda.data.execution;

import dev.ooda.data.http.Problems;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The threads that wait on one namespace's database: as many as its pool has connections, so a
 * thread never waits for a connection and a busy namespace cannot take threads from another.
 * Work beyond what the queue holds is refused with 503 instead of piling up.
 */
public final class Workers implements AutoCloseable {
  static final int QUEUE = 4096;

  private final ThreadPoolExecutor threads;

  public Workers(String namespace, int size) {
    AtomicInteger n = new AtomicInteger();
    threads = new ThreadPoolExecutor(size, size, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(QUEUE), r -> {
      Thread t = new Thread(r, "ooda-data-" + namespace + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    threads.allowCoreThreadTimeOut(true);
  }

  /** Runs {@code work} on one of the namespace's threads. */
  public <T> CompletableFuture<T> submit(Supplier<T> work) {
    CompletableFuture<T> f = new CompletableFuture<>();
    execute(() -> {
      try {
        f.complete(work.get());
      } catch (Throwable e) {
        f.completeExceptionally(e);
      }
    });
    return f;
  }

  void execute(Runnable task) {
    try {
      threads.execute(task);
    } catch (RejectedExecutionException e) {
      throw Problems.unavailable(threads.isShutdown() ? "the namespace is closing; retry"
          : "the namespace has " + QUEUE + " requests waiting for its database; retry later");
    }
  }

  @Override
  public void close() {
    threads.shutdown();
  }
}
