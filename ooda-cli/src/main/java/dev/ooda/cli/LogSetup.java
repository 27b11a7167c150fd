package dev.ooda.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * The platform's own messages at INFO on stderr; libraries only when something is wrong. Set up in
 * code rather than by logback.xml, so that a short command does not load an XML configurator.
 * {@code -Dlogback.configurationFile=FILE} still replaces it.
 */
public final class LogSetup extends ContextAwareBase implements Configurator {
  @Override
  public ExecutionStatus configure(LoggerContext ctx) {
    if (System.getProperty("logback.configurationFile") != null) return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(ctx);
    encoder.setPattern("%d{HH:mm:ss.SSS} %-5level %logger{20} %msg%n");
    encoder.start();
    ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
    stderr.setContext(ctx);
    stderr.setName("STDERR");
    stderr.setTarget("System.err");
    stderr.setEncoder(encoder);
    stderr.start();
    ctx.getLogger("dev.ooda").setLevel(Level.INFO);
    // Refusals by access checks, and admin writes with the token that made them: one JSON line each.
    ctx.getLogger("ooda.decisions").setLevel(Level.INFO);
    ctx.getLogger("ooda.audit").setLevel(Level.INFO);
    ctx.getLogger("org.apache.zookeeper").setLevel(Level.ERROR);
    ctx.getLogger("org.apache.curator").setLevel(Level.ERROR);
    Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.WARN);
    root.addAppender(stderr);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }
}
