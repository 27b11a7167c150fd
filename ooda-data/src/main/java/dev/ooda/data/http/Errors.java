package dev.ooda.data.http;

import dev.ooda.model.Problem;
import dev.ooda.model.ProblemType;
import java.sql.SQLTransientConnectionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Every failure as a problem ({@link Problem#from}), a pool that ran dry as {@code unavailable}; the unexpected logged. */
final class Errors {
  private static final Logger LOG = LoggerFactory.getLogger(Errors.class);

  private Errors() {}

  static Problem problemOf(String method, String path, Throwable cause) {
    Throwable c = Problem.unwrap(cause);
    if (c instanceof org.jooq.exception.DataAccessException d && d.getCause(SQLTransientConnectionException.class) != null) {
      LOG.warn("{} {}: no database connection in time", method, path);
      return Problems.unavailable("no database connection became free in time; retry later").problem();
    }
    Problem p = Problem.from(cause);
    if (p.is(ProblemType.INTERNAL)) LOG.error("{} {} failed", method, path, c);
    return p;
  }
}
