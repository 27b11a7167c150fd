package dev.ooda.cli;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.core.FileAppender;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/**
 * Sends the access-log lines of every role in this process (logger {@code ooda.access}, one JSON
 * object per line) to {@code <data-dir>/logs/access.log}, not to the terminal. Lines are handed
 * to one writer thread: services log from their event loops, which must not wait on the disk.
 */
final class AccessLogs {
  private AccessLogs() {}

  static Path writeTo(Path dataDir) {
    Path file = dataDir.resolve("logs").resolve("access.log").toAbsolutePath();
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(ctx);
    encoder.setPattern("%msg%n");
    encoder.start();
    FileAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender = new FileAppender<>();
    appender.setContext(ctx);
    appender.setName("access");
    appender.setFile(file.toString());
    appender.setAppend(true);
    appender.setEncoder(encoder);
    appender.start();
    AsyncAppender async = new AsyncAppender();
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
}
