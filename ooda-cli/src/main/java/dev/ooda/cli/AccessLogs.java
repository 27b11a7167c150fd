package dev.ooda.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.core.FileAppender;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/**
 * Sends the access-log lines of every role in this process (logger {@code ooda.access}, one JSON
 * object per line) to {@code <data-dir>/logs/access.log}, not to the terminal.
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
    Logger access = ctx.getLogger("ooda.access");
    access.setLevel(Level.INFO);
    access.setAdditive(false);
    access.addAppender(appender);
    return file;
  }
}
