package dev.ooda.gateway.observe;

import dev.ooda.model.AccessLogLine;
import io.netty.util.internal.PlatformDependent;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Access-log lines, formatted and written by one background thread so that event loops only
 * enqueue a record. When the queue is full a line is dropped and counted rather than blocking
 * a request. The thread hands the logger bursts: the lines queued since its last pass,
 * newline-separated, in one message, then sleeps a few milliseconds unless the burst was full.
 * The logging framework's cost per message (an event, a queue hand-off, a thread woken, a write)
 * is paid about a hundred times a second whatever the load, not once per request.
 */
public final class AccessLog implements AutoCloseable {
  static final Logger LOG = LoggerFactory.getLogger("ooda.access");
  /** Lines per message at most: about 256 KB, the file appender's buffer. */
  static final int MAX_BURST = 1024;
  /** The pause between bursts that were not full: how late a line may reach the file. */
  static final long PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
  private final Queue<AccessLogLine> queue = PlatformDependent.newFixedMpscQueue(65_536);
  private final LongAdder dropped = new LongAdder();
  private final Thread writer;
  private volatile boolean running = true;

  public AccessLog() {
    writer = new Thread(this::run, "ooda-access-log");
    writer.setDaemon(true);
    writer.start();
  }

  public void write(AccessLogLine line) {
    if (!queue.offer(line)) dropped.increment();
  }

  public long dropped() {
    return dropped.sum();
  }

  private void run() {
    StringBuilder burst = new StringBuilder(256 * 1024);
    while (running || !queue.isEmpty()) {
      boolean on = LOG.isInfoEnabled(); // when off, lines are still taken, just not formatted
      burst.setLength(0);
      int n = 0;
      for (AccessLogLine l = queue.poll(); l != null; l = ++n < MAX_BURST ? queue.poll() : null) {
        if (!on) continue;
        if (n > 0) burst.append('\n');
        l.appendJson(burst);
      }
      if (n > 0 && on) LOG.info(burst.toString());
      if (n < MAX_BURST && running) LockSupport.parkNanos(PAUSE_NANOS);
    }
  }

  @Override
  public void close() {
    running = false;
    LockSupport.unpark(writer);
    try {
      writer.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
