package dev.ooda.control.experiments;

import dev.ooda.flags.ExposureSink;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control plane's own exposures (from OFREP evaluations): queued on the evaluating thread,
 * which must not wait for the disk, and written to the {@link ExperimentStore} in batches by one
 * thread. When the queue is full, exposures are dropped and counted rather than blocking OFREP;
 * a dropped first exposure comes again with the unit's next evaluation.
 */
public final class QueuedExposures implements ExposureSink, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(QueuedExposures.class);
  static final int CAPACITY = 100_000;
  private static final int BATCH = 5_000;

  private final ExperimentStore store;
  private final BlockingQueue<ExperimentStore.Exposure> queue = new ArrayBlockingQueue<>(CAPACITY);
  private final AtomicLong dropped = new AtomicLong();
  private final Thread writer;
  private volatile boolean closed;

  public QueuedExposures(ExperimentStore store) {
    this.store = store;
    this.writer = new Thread(this::run, "ooda-exposure-writer");
    writer.setDaemon(true);
    writer.start();
  }

  @Override
  public void exposed(String experiment, String cell, String unit) {
    if (!queue.offer(new ExperimentStore.Exposure(experiment, cell, unit, System.currentTimeMillis()))) dropped.incrementAndGet();
  }

  /** Exposures dropped because the queue was full. */
  public long dropped() {
    return dropped.get();
  }

  private void run() {
    List<ExperimentStore.Exposure> batch = new ArrayList<>(BATCH);
    while (!closed || !queue.isEmpty()) {
      try {
        ExperimentStore.Exposure first = queue.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) continue;
        batch.add(first);
        queue.drainTo(batch, BATCH - 1);
        store.addExposures(batch);
      } catch (InterruptedException e) {
        if (closed) break;
      } catch (Exception e) {
        log.warn("writing {} exposures failed: {}", batch.size(), e.toString());
      }
      batch.clear();
    }
  }

  /** Writes what is queued, then stops. */
  @Override
  public void close() {
    closed = true;
    try {
      writer.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
