package dev.ooda.data;

import dev.ooda.model.Problem;
import dev.ooda.model.ProblemException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Every failure as a problem: those raised by the API as they are, the others logged. */
final class Errors {
  private static final Logger LOG = LoggerFactory.getLogger(Errors.class);

  private Errors() {}

  static Problem problemOf(String method, String path, Throwable cause) {
    Throwable c = cause;
    while (c instanceof CompletionException && c.getCause() != null) c = c.getCause();
    if (c instanceof ProblemException p) return p.problem();
    if (c instanceof org.jooq.exception.DataAccessException d && d.getCause(SQLTransientConnectionException.class) != null) {
      LOG.warn("{} {}: no database connection in time", method, path);
      return Problems.unavailable("no database connection became free in time; retry later").problem();
    }
    LOG.error("{} {} failed", method, path, c);
    return Problems.internal("the data service failed on this request (" + c.getClass().getSimpleName() + "); see its log");
  }
}
