package dev.ooda.data.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import dev.ooda.data.execution.Workers;
import dev.ooda.model.NamespaceSpec;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Properties;
import java.util.function.BinaryOperator;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.conf.RenderQuotedNames;
import org.jooq.conf.Settings;
import org.jooq.impl.DSL;

/**
 * One namespace's connection pool and the jOOQ context over it. Opening it creates the
 * namespace's schema (PostgreSQL) or database (MySQL/MariaDB), or its SQLite file.
 *
 * @param storageName the file, schema or database that holds the namespace
 * @param product     the database product and version, as the server reports them
 * @param workers     the threads that wait on this pool, one per connection
 * @param lookups     reads by key, coalesced on those threads
 * @param inserts     single-row inserts, grouped in transactions on those threads
 * @param cql         the Cassandra session, for the cassandra backend only; then the SQL parts
 *                    ({@code dialect}, {@code pool}, {@code dsl}, {@code lookups}, {@code inserts}) are null
 */
public record Storage(Backend backend, String storageName, String product, SQLDialect dialect,
               HikariDataSource pool, DSLContext dsl, Workers workers, Lookups lookups, Inserts inserts, Cql cql) implements AutoCloseable {

  static {
    System.setProperty("org.jooq.no-logo", "true");
    System.setProperty("org.jooq.no-tips", "true");
  }

  /** Names are always quoted; values are always bound. */
  static final Settings SETTINGS = new Settings()
      .withRenderQuotedNames(RenderQuotedNames.ALWAYS)
      .withRenderSchema(false)
      .withRenderCatalog(false)
      .withExecuteLogging(false)
      .withFetchWarnings(false);

  static Storage open(String namespace, NamespaceSpec spec, Path dataDir, int defaultPoolSize,
                      BinaryOperator<String> secrets, MeterRegistry meters) throws SQLException {
    Backend backend = Backend.of(spec.effectiveBackend());
    String storageName = backend.storageName(namespace);
    if (backend == Backend.CASSANDRA) {
      int size = spec.poolSize() != null ? spec.poolSize() : defaultPoolSize;
      Cql cql = Cql.open(storageName, spec, connectionUrl(spec, secrets));
      // The driver is asynchronous; workers keep the API's one execution model (and bound the
      // requests in flight per namespace) for the synchronous calls made on them.
      return new Storage(backend, storageName, cql.product(), null, null, null, new Workers(namespace, size), null, null, cql);
    }
    HikariConfig hc = new HikariConfig();
    hc.setPoolName("ooda-data-" + namespace);
    int size = spec.poolSize() != null ? spec.poolSize() : defaultPoolSize;
    hc.setMaximumPoolSize(size);
    hc.setConnectionTimeout(10_000);
    hc.setInitializationFailTimeout(10_000);
    if (meters != null) hc.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(meters));
    switch (backend) {
      case SQLITE -> {
        try {
          Files.createDirectories(dataDir);
        } catch (java.io.IOException e) {
          throw new SQLException("cannot create the data directory " + dataDir + ": " + e.getMessage(), e);
        }
        hc.setJdbcUrl("jdbc:sqlite:" + dataDir.resolve(storageName).toAbsolutePath());
        // WAL lets readers run beside the one writer; IMMEDIATE takes the write lock at BEGIN,
        // so concurrent transactions wait (busy_timeout) instead of failing on lock upgrade.
        hc.addDataSourceProperty("journal_mode", "WAL");
        hc.addDataSourceProperty("synchronous", "NORMAL");
        hc.addDataSourceProperty("busy_timeout", "10000");
        hc.addDataSourceProperty("transaction_mode", "IMMEDIATE");
        hc.addDataSourceProperty("foreign_keys", "true");
      }
      case CASSANDRA -> throw new IllegalStateException("Cassandra is opened above");
      case POSTGRES, MYSQL -> {
        ConnectionUrl url = ConnectionUrl.parse(backend, connectionUrl(spec, secrets));
        createStorage(backend, url, storageName);
        hc.setJdbcUrl(url.jdbcUrl());
        url.properties().forEach((k, v) -> hc.addDataSourceProperty((String) k, v));
        if (backend == Backend.POSTGRES) hc.setSchema(storageName);
        else hc.setCatalog(storageName);
      }
    }
    HikariDataSource pool = new HikariDataSource(hc);
    try (Connection c = pool.getConnection()) {
      DatabaseMetaData md = c.getMetaData();
      String product = md.getDatabaseProductName() + " " + md.getDatabaseProductVersion();
      SQLDialect dialect = switch (backend) {
        case SQLITE -> SQLDialect.SQLITE;
        case POSTGRES -> SQLDialect.POSTGRES;
        case MYSQL -> product.toLowerCase(Locale.ROOT).contains("mariadb") ? SQLDialect.MARIADB : SQLDialect.MYSQL;
        case CASSANDRA -> throw new IllegalStateException("Cassandra is opened above");
      };
      DSLContext dsl = DSL.using(pool, dialect, SETTINGS);
      Workers workers = new Workers(namespace, size);
      // A quarter of the threads per shape: enough statements in flight to keep the database
      // busy, few enough that requests queue behind them and share the next statement. SQLite
      // has one writer at a time, so more than one transaction of inserts would only wait.
      int perShape = Math.max(1, size / 4);
      return new Storage(backend, storageName, product, dialect, pool, dsl, workers,
          new Lookups(dsl, workers, perShape), new Inserts(dsl, workers, backend == Backend.SQLITE ? 1 : perShape), null);
    } catch (SQLException | RuntimeException e) {
      pool.close();
      throw e;
    }
  }

  static String connectionUrl(NamespaceSpec spec, BinaryOperator<String> secrets) {
    NamespaceSpec.Connection c = spec.connection();
    if (c == null) throw new IllegalArgumentException("no connection given for " + spec.effectiveBackend());
    return c.url() != null ? c.url() : secrets.apply(c.secret(), spec.owner());
  }

  /**
   * Creates the schema or database. Its name comes from {@link Backend#storageName}, a plain
   * identifier by construction, and is quoted all the same.
   */
  private static void createStorage(Backend backend, ConnectionUrl url, String name) throws SQLException {
    if (!name.matches("ns_[a-z0-9_]+")) throw new IllegalArgumentException("not a storage name: " + name);
    Properties p = new Properties();
    p.putAll(url.properties());
    try (Connection c = DriverManager.getConnection(url.jdbcUrl(), p); Statement s = c.createStatement()) {
      if (backend == Backend.POSTGRES) {
        s.execute("CREATE SCHEMA IF NOT EXISTS \"" + name + "\"");
      } else {
        // Binary collation: keys compare byte for byte, as on the other backends.
        s.execute("CREATE DATABASE IF NOT EXISTS `" + name + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
      }
    }
  }

  /** Where the namespace's rows live, without any secret. */
  String describe() {
    return backend.storageKind() + " " + storageName;
  }

  @Override
  public void close() {
    workers.close();
    if (pool != null) pool.close();
    if (cql != null) cql.close();
  }
}
