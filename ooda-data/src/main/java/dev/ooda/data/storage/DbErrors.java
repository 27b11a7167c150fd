package dev.ooda.data.storage;

import dev.ooda.data.http.Problems;
import dev.ooda.model.ProblemException;
import java.sql.SQLException;
import org.jooq.exception.DataAccessException;

/**
 * Database errors that the client caused, as problems: a duplicate key is a 409, a broken
 * constraint or a value the column cannot hold is a 400, each with the database's own words,
 * which name the column or key. Anything else stays a server error.
 */
public final class DbErrors {
  private DbErrors() {}

  public static RuntimeException translate(DataAccessException e, String table) {
    SQLException s = e.getCause(SQLException.class);
    if (s == null) return e;
    String state = s.getSQLState() == null ? "" : s.getSQLState();
    int code = s.getErrorCode();
    String msg = clean(s.getMessage());
    // SQLite: extended result codes; PostgreSQL: SQLSTATE; MySQL/MariaDB: vendor codes.
    if (state.equals("23505") || code == 1062 || code == 1555 || code == 2067 || msg.contains("UNIQUE constraint failed"))
      return Problems.conflict("a row with the same key already exists in table '" + table + "': " + msg);
    if (state.equals("23503") || code == 1451 || code == 1452 || code == 787)
      return Problems.conflict("a foreign key of table '" + table + "' is broken: " + msg);
    if (state.startsWith("23") || state.startsWith("22") || code == 1048 || code == 1364 || code == 1406 || code == 1264
        || code == 1366 || code == 3819 || code == 4025 || code == 1299 || code == 275 || code == 19)
      return Problems.invalid("table '" + table + "' refused the row: " + msg);
    return e;
  }

  public static boolean isDuplicate(DataAccessException e) {
    RuntimeException t = translate(e, "");
    return t instanceof ProblemException p && p.problem().status() == 409;
  }

  private static String clean(String m) {
    if (m == null) return "";
    String first = m.strip().split("\n")[0];
    // sqlite-jdbc prefixes "[SQLITE_CONSTRAINT_UNIQUE] A UNIQUE constraint failed (UNIQUE constraint failed: t.id)"
    int open = first.lastIndexOf('(');
    if (first.startsWith("[SQLITE") && open > 0 && first.endsWith(")")) return first.substring(open + 1, first.length() - 1);
    return first;
  }
}
