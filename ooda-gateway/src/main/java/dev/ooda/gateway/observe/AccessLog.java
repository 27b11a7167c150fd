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
 * a request. Under load the thread hands the logger bursts: the lines queued since its last
 * pass, newline-separated, in one message, so that the logging framework's cost per message
 * (an event, a queue hand-off, an encoder pass) is paid once per burst and not once per request.
 */
public final class AccessLog implements AutoCloseable {
  static final Logger LOG = LoggerFactory.getLogger("ooda.access");
  /** Lines per message at most: about 64 KB. */
  static final int MAX_BURST = 256;
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
    StringBuilder burst = new StringBuilder(64 * 1024);
    while (running || !queue.isEmpty()) {
      AccessLogLine l = queue.poll();
      if (l == null) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        continue;
      }
      if (!LOG.isInfoEnabled()) continue;
      burst.setLength(0);
      for (int n = 0; l != null; l = ++n < MAX_BURST ? queue.poll() : null) {
        if (n > 0) burst.append('\n');
        l.appendJson(burst);
      }
      LOG.info(burst.toString());
    }
  }

  @Override
  public void close() {
    running = false;
    try {
      writer.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
