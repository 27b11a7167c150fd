package dev.ooda.data.execution;

import dev.ooda.data.http.Problems;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Requests of one shape that queue while earlier ones run, taken up together. At most
 * {@code maxRunning} batches run at once on the namespace's workers, and each takes whatever
 * has queued, up to {@link #MAX_BATCH}. An idle namespace runs each request at once, alone; a busy
 * one spends one statement or transaction, one round trip and one thread wake-up on many.
 * Like the workers' own queue, it holds at most {@link Workers#QUEUE} requests, and refuses more
 * with 503.
 */
public final class Coalescer<P> {
  /** The most requests one batch takes. */
  static final int MAX_BATCH = 64;

  private final Workers workers;
  private final int maxRunning;
  private final Consumer<List<P>> run;
  private final ConcurrentLinkedQueue<P> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger running = new AtomicInteger();
  private final AtomicInteger queued = new AtomicInteger();

  /** @param run answers every request of the batch it is given, failures included */
  public Coalescer(Workers workers, int maxRunning, Consumer<List<P>> run) {
    this.workers = workers;
    this.maxRunning = maxRunning;
    this.run = run;
  }

  /** Queues {@code p}; it is run with the next batch. Throws 503 when the workers refuse it. */
  public void add(P p) {
    if (queued.incrementAndGet() > Workers.QUEUE) {
      queued.decrementAndGet();
      throw Problems.unavailable(Workers.QUEUE + " requests of this kind are waiting for the namespace's database; retry later");
    }
    queue.add(p);
    if (!acquire()) return;   // a running drain will take it
    try {
      workers.execute(this::drain);
    } catch (RuntimeException e) {
      running.decrementAndGet();
      if (queue.remove(p)) {
        queued.decrementAndGet();
        throw e;
      }
      // Otherwise a running drain took it and will answer.
    }
  }

  private boolean acquire() {
    for (int r = running.get(); r < maxRunning; r = running.get()) {
      if (running.compareAndSet(r, r + 1)) return true;
    }
    return false;
  }

  private void drain() {
    for (;;) {
      List<P> batch = new ArrayList<>();
      for (P p; batch.size() < MAX_BATCH && (p = queue.poll()) != null; ) batch.add(p);
      queued.addAndGet(-batch.size());
      if (batch.isEmpty()) {
        running.decrementAndGet();
        // A request queued after the poll may have seen this drain still counted as running.
        if (queue.isEmpty() || !acquire()) return;
        continue;
      }
      run.accept(batch);
    }
  }
}
