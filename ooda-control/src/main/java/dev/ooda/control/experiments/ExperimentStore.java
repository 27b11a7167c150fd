package dev.ooda.control.experiments;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Exposures and business events, durable in one SQLite file ({@code <data-dir>/experiments.db}).
 * An exposure is kept once per (experiment, unit): the first one wins, so a unit counts in one cell
 * however often and from however many evaluators it is reported. Events are kept as sent and
 * attributed at read time to the cell of every experiment that exposed their unit.
 *
 * <p>One connection, used under this object's lock: SQLite has one writer anyway, and batches keep
 * the number of transactions low.
 */
public final class ExperimentStore implements AutoCloseable {
  /** The file under the control plane's data directory. */
  public static final String FILE_NAME = "experiments.db";
  /**
   * Events up to this long before a unit's exposure still count for it: exposure and event may be
   * stamped by different processes, whose clocks differ a little.
   */
  static final long CLOCK_SLACK_MS = 60_000;

  /** {@code unit} was first evaluated into {@code cell} of {@code experiment} at {@code at} (epoch ms). */
  public record Exposure(String experiment, String cell, String unit, long at) {}

  /** A business event: {@code name} happened to {@code unit} with {@code value} at {@code at} (epoch ms). */
  public record Event(String unit, String name, double value, long at) {}

  /**
   * One cell's figures for one metric: its units, how many had at least one event, and the sum and
   * sum of squares of the per-unit totals (units without events count as 0).
   */
  public record CellFigures(String cell, long units, long unitsWithEvents, double sum, double sumOfSquares) {}

  /**
   * Requests served to units of {@code cell} (counted by the services that served them), how many
   * failed (5xx), and the sum and sum of squares of their latency in milliseconds.
   */
  public record Requests(String experiment, String cell, long requests, long errors, double latencyMsSum, double latencyMsSumOfSquares) {}

  private final Connection db;

  private ExperimentStore(Connection db) {
    this.db = db;
  }

  /** Opens (creating if needed) the store in {@code dataDir}. */
  public static ExperimentStore open(Path dataDir) throws SQLException {
    try {
      Files.createDirectories(dataDir);
    } catch (java.io.IOException e) {
      throw new SQLException("cannot create " + dataDir + ": " + e.getMessage(), e);
    }
    Connection c = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve(FILE_NAME).toAbsolutePath());
    try (Statement s = c.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
      s.execute("PRAGMA synchronous=NORMAL");
      s.execute("CREATE TABLE IF NOT EXISTS exposures (experiment TEXT NOT NULL, unit TEXT NOT NULL, cell TEXT NOT NULL,"
          + " at INTEGER NOT NULL, PRIMARY KEY (experiment, unit)) WITHOUT ROWID");
      s.execute("CREATE TABLE IF NOT EXISTS events (unit TEXT NOT NULL, name TEXT NOT NULL, value REAL NOT NULL, at INTEGER NOT NULL)");
      s.execute("CREATE INDEX IF NOT EXISTS events_by_unit ON events (unit, name)");
      s.execute("CREATE TABLE IF NOT EXISTS requests (experiment TEXT NOT NULL, cell TEXT NOT NULL, requests INTEGER NOT NULL,"
          + " errors INTEGER NOT NULL, latency_sum REAL NOT NULL, latency_sum_squares REAL NOT NULL, PRIMARY KEY (experiment, cell))");
    } catch (SQLException e) {
      c.close();
      throw e;
    }
    return new ExperimentStore(c);
  }

  /** Keeps the first exposure of each (experiment, unit); returns how many were new. All or none are written. */
  public synchronized int addExposures(List<Exposure> exposures) throws SQLException {
    if (exposures.isEmpty()) return 0;
    return inTransaction(() -> {
      int added = 0;
      try (PreparedStatement p = db.prepareStatement("INSERT OR IGNORE INTO exposures (experiment, unit, cell, at) VALUES (?, ?, ?, ?)")) {
        for (Exposure x : exposures) {
          p.setString(1, x.experiment());
          p.setString(2, x.unit());
          p.setString(3, x.cell());
          p.setLong(4, x.at());
          added += p.executeUpdate();
        }
      }
      return added;
    });
  }

  /** Keeps {@code events}; all or none are written. */
  public synchronized void addEvents(List<Event> events) throws SQLException {
    if (events.isEmpty()) return;
    inTransaction(() -> {
      try (PreparedStatement p = db.prepareStatement("INSERT INTO events (unit, name, value, at) VALUES (?, ?, ?, ?)")) {
        for (Event e : events) {
          p.setString(1, e.unit());
          p.setString(2, e.name());
          p.setDouble(3, e.value());
          p.setLong(4, e.at());
          p.addBatch();
        }
        p.executeBatch();
      }
      return null;
    });
  }

  /** Both kinds in one transaction: a batch from a kit is kept whole or not at all. */
  public synchronized int add(List<Exposure> exposures, List<Event> events) throws SQLException {
    return add(exposures, events, List.of());
  }

  /** Exposures, events and request counts in one transaction. */
  public synchronized int add(List<Exposure> exposures, List<Event> events, List<Requests> requests) throws SQLException {
    return inTransaction(() -> {
      int n = addExposures(exposures);
      addEvents(events);
      addRequests(requests);
      return n;
    });
  }

  /** Adds request counts to each cell's totals. */
  public synchronized void addRequests(List<Requests> requests) throws SQLException {
    if (requests.isEmpty()) return;
    inTransaction(() -> {
      try (PreparedStatement p = db.prepareStatement("INSERT INTO requests (experiment, cell, requests, errors, latency_sum, latency_sum_squares)"
          + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (experiment, cell) DO UPDATE SET requests = requests + excluded.requests,"
          + " errors = errors + excluded.errors, latency_sum = latency_sum + excluded.latency_sum,"
          + " latency_sum_squares = latency_sum_squares + excluded.latency_sum_squares")) {
        for (Requests r : requests) {
          p.setString(1, r.experiment());
          p.setString(2, r.cell());
          p.setLong(3, r.requests());
          p.setLong(4, r.errors());
          p.setDouble(5, r.latencyMsSum());
          p.setDouble(6, r.latencyMsSumOfSquares());
          p.addBatch();
        }
        p.executeBatch();
      }
      return null;
    });
  }

  /** Request totals per cell of {@code experiment}. */
  public synchronized List<Requests> requests(String experiment) throws SQLException {
    List<Requests> out = new ArrayList<>();
    try (PreparedStatement p = db.prepareStatement(
        "SELECT cell, requests, errors, latency_sum, latency_sum_squares FROM requests WHERE experiment = ?")) {
      p.setString(1, experiment);
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) out.add(new Requests(experiment, rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getDouble(4), rs.getDouble(5)));
      }
    }
    return out;
  }

  /**
   * Per cell of {@code experiment}: its exposed units and their events named {@code metric} from
   * their exposure (less {@link #CLOCK_SLACK_MS}) until {@code stopMillis}.
   */
  public synchronized List<CellFigures> figures(String experiment, String metric, long stopMillis) throws SQLException {
    String sql = """
        SELECT x.cell, COUNT(*), SUM(CASE WHEN t.n > 0 THEN 1 ELSE 0 END), COALESCE(SUM(t.total), 0), COALESCE(SUM(t.total * t.total), 0)
        FROM exposures x
        LEFT JOIN (SELECT e.unit AS unit, COUNT(*) AS n, SUM(e.value) AS total
                   FROM events e JOIN exposures x2 ON x2.experiment = ? AND x2.unit = e.unit
                   WHERE e.name = ? AND e.at >= x2.at - ? AND e.at < ?
                   GROUP BY e.unit) t ON t.unit = x.unit
        WHERE x.experiment = ?
        GROUP BY x.cell
        """;
    List<CellFigures> out = new ArrayList<>();
    try (PreparedStatement p = db.prepareStatement(sql)) {
      p.setString(1, experiment);
      p.setString(2, metric);
      p.setLong(3, CLOCK_SLACK_MS);
      p.setLong(4, stopMillis);
      p.setString(5, experiment);
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) out.add(new CellFigures(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getDouble(4), rs.getDouble(5)));
      }
    }
    return out;
  }

  /** Units exposed to {@code experiment}, all cells together. */
  public synchronized long exposures(String experiment) throws SQLException {
    try (PreparedStatement p = db.prepareStatement("SELECT COUNT(*) FROM exposures WHERE experiment = ?")) {
      p.setString(1, experiment);
      try (ResultSet rs = p.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    }
  }

  /** Counts every stored event, for tests and diagnostics. */
  public synchronized long events() throws SQLException {
    try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM events")) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  private interface Work<T> {
    T run() throws SQLException;
  }

  /** Runs {@code w} in a transaction, or inside the one already open (nested calls join it). */
  private <T> T inTransaction(Work<T> w) throws SQLException {
    if (!db.getAutoCommit()) return w.run();
    db.setAutoCommit(false);
    try {
      T t = w.run();
      db.commit();
      return t;
    } catch (SQLException | RuntimeException e) {
      db.rollback();
      throw e;
    } finally {
      db.setAutoCommit(true);
    }
  }

  @Override
  public synchronized void close() {
    try {
      db.close();
    } catch (SQLException ignored) {
      // closing anyway
    }
  }
}
