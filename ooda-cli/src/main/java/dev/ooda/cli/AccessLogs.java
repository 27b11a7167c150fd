package dev.ooda.cli;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.EncoderBase;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy;
import ch.qos.logback.core.util.FileSize;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/**
 * Sends the access-log lines of every role in this process (logger {@code ooda.access}, one JSON
 * object per line) to {@code <data-dir>/logs/access.log}, not to the terminal. Lines are handed
 * to one writer thread: services log from their event loops, which must not wait on the disk.
 *
 * <p>The file rolls over at midnight and whenever it reaches {@link Limits#maxFileSize()}; rolled
 * files are gzipped ({@code access.2026-12-02.0.log.gz}) and deleted when older than
 * {@link Limits#maxHistoryDays()} or when the directory would pass {@link Limits#totalSizeCap()}.
 */
final class AccessLogs {
  private AccessLogs() {}

  /**
   * How much access log a data directory keeps.
   *
   * @param maxFileSize    the live file rolls over at this size. 100 MB: a saturated
   *                       {@code ooda up} (35,000 requests/s, 250-byte lines) logs 9 MB/s, a roll
   *                       every 11 s, each gzipped in about a second on the logback thread pool,
   *                       off the request path
   * @param maxHistoryDays rolled files older than this many days are deleted. 7: last week's
   *                       incidents stay readable
   * @param totalSizeCap   the live file, the rolled files and the file being compressed stay
   *                       under this, as long as a file takes longer to fill than the one before
   *                       takes to gzip. 1 GB: JSON lines gzip about tenfold, so some 10 GB of
   *                       lines, a week of moderate traffic, on any laptop's disk
   */
  record Limits(FileSize maxFileSize, int maxHistoryDays, FileSize totalSizeCap) {
    static final Limits DEFAULTS = new Limits(FileSize.valueOf("100MB"), 7, FileSize.valueOf("1GB"));

    Limits {
      if (maxHistoryDays < 1) throw new IllegalArgumentException("maxHistoryDays must be at least 1");
      if (totalSizeCap.getSize() < 3 * maxFileSize.getSize()) {
        throw new IllegalArgumentException("totalSizeCap must be at least 3 x maxFileSize: one live file, "
            + "one being compressed, and room for rolled ones");
      }
    }

    /**
     * What logback's own cap may give the rolled files: it counts neither the live file nor the
     * one just rolled and still being compressed.
     */
    long archiveCap() {
      return totalSizeCap.getSize() - 2 * maxFileSize.getSize();
    }
  }

  /** The limits as command-line options, shared by the commands that write an access log. */
  static final class Options {
    @Option(names = "--access-log-max-file-size", paramLabel = "SIZE", defaultValue = "100MB",
        description = "The access log rolls over at this size and gzips the old file (default ${DEFAULT-VALUE}).")
    String maxFileSize;

    @Option(names = "--access-log-max-history", paramLabel = "DAYS", defaultValue = "7",
        description = "Rolled access logs older than this many days are deleted (default ${DEFAULT-VALUE}).")
    int maxHistoryDays;

    @Option(names = "--access-log-total-size-cap", paramLabel = "SIZE", defaultValue = "1GB",
        description = "Access logs on disk, live and rolled, stay under this; the oldest go first (default ${DEFAULT-VALUE}).")
    String totalSizeCap;

    Limits limits() {
      return new Limits(FileSize.valueOf(maxFileSize), maxHistoryDays, FileSize.valueOf(totalSizeCap));
    }
  }

  /** Starts writing with the default limits; returns the live file. */
  static Path writeTo(Path dataDir) {
    return writeTo(dataDir, Limits.DEFAULTS);
  }

  /** Starts writing; returns the live file. */
  static Path writeTo(Path dataDir, Limits limits) {
    Path dir = dataDir.resolve("logs").toAbsolutePath();
    Path file = dir.resolve("access.log");
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    LineEncoder encoder = new LineEncoder();
    encoder.setContext(ctx);
    encoder.start();
    AsyncAppender async = new AsyncAppender();
    BurstFileAppender appender = new BurstFileAppender(async);
    appender.setContext(ctx);
    appender.setName("access");
    appender.setFile(file.toString());
    appender.setAppend(true);
    appender.setEncoder(encoder);
    appender.setImmediateFlush(false);
    appender.setBufferSize(new FileSize(256 * 1024)); // a gateway's burst of lines in one write
    SizeAndTimeBasedRollingPolicy<ILoggingEvent> policy = new SizeAndTimeBasedRollingPolicy<>();
    policy.setContext(ctx);
    policy.setParent(appender);
    policy.setFileNamePattern(dir.resolve("access.%d{yyyy-MM-dd}.%i.log.gz").toString());
    policy.setMaxFileSize(limits.maxFileSize());
    policy.setMaxHistory(limits.maxHistoryDays());
    policy.setTotalSizeCap(new FileSize(limits.archiveCap()));
    policy.setCleanHistoryOnStart(true); // a cap lowered since the last run applies at once
    policy.start();
    appender.setRollingPolicy(policy);
    appender.start();
    async.setContext(ctx);
    async.setName("access-async");
    async.setQueueSize(8192);
    async.setDiscardingThreshold(0); // every line counts alike; when the writer falls behind, drop rather than wait
    async.setNeverBlock(true);
    async.addAppender(appender);
    async.start();
    // On exit, what is still queued is written (for up to a second) before the file closes.
    Runtime.getRuntime().addShutdownHook(new Thread(async::stop, "ooda-access-log-flush"));
    Logger access = ctx.getLogger("ooda.access");
    access.setLevel(Level.INFO);
    access.setAdditive(false);
    access.addAppender(async);
    return file;
  }

  /**
   * Writes a burst of lines at once: lines collect in the file's buffer while more are queued, and
   * go to disk when the queue has no more for now. Under load that is one write for many lines
   * instead of one each; when traffic is light, each line is on disk as soon as it is written.
   */
  private static final class BurstFileAppender extends RollingFileAppender<ILoggingEvent> {
    private final AsyncAppender queue;

    BurstFileAppender(AsyncAppender queue) {
      this.queue = queue;
    }

    @Override
    protected void subAppend(ILoggingEvent event) {
      super.subAppend(event);
      if (queue.getNumberOfElementsInQueue() == 0) {
        try {
          getOutputStream().flush();
        } catch (java.io.IOException e) {
          addError("cannot flush " + getFile(), e);
        }
      }
    }
  }

  /**
   * A message and a newline, as {@code %msg%n} would write them, in two copies of the bytes rather
   * than a pattern layout's five: a gateway's burst of lines is up to 256 KB.
   */
  private static final class LineEncoder extends EncoderBase<ILoggingEvent> {
    @Override
    public byte[] headerBytes() {
      return null;
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
      byte[] message = event.getFormattedMessage().getBytes(StandardCharsets.UTF_8);
      byte[] line = Arrays.copyOf(message, message.length + 1);
      line[message.length] = '\n';
      return line;
    }

    @Override
    public byte[] footerBytes() {
      return null;
    }
  }
}
