package dev.ooda.cli;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import dev.ooda.console.RecentDecisions;
import org.slf4j.LoggerFactory;

/**
 * Copies the access decision lines that the roles of this process write on {@code ooda.decisions}
 * into the console's recent decisions, beside wherever else the logger writes them.
 */
final class DecisionTap extends AppenderBase<ILoggingEvent> {
  static final String LOGGER = "ooda.decisions";
  private final RecentDecisions into;

  private DecisionTap(RecentDecisions into) {
    this.into = into;
  }

  /** Starts copying; the returned tap detaches itself on {@link #close}. */
  static AutoCloseable attach(RecentDecisions into) {
    Logger logger = (Logger) LoggerFactory.getLogger(LOGGER);
    DecisionTap tap = new DecisionTap(into);
    tap.setContext(logger.getLoggerContext());
    tap.setName("console-decisions");
    tap.start();
    logger.addAppender(tap);
    return () -> {
      logger.detachAppender(tap);
      tap.stop();
    };
  }

  @Override
  protected void append(ILoggingEvent event) {
    String line = event.getFormattedMessage();
    // Only the JSON lines the decision log writes; anything else on the logger is not a decision
    if (line != null && line.startsWith("{")) into.add(line);
  }
}
