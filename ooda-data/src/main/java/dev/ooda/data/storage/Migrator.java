package dev.ooda.data.storage;

import dev.ooda.model.NamespaceSpec.Column;
import dev.ooda.model.NamespaceSpec.Migration;
import dev.ooda.model.NamespaceSpec;
import java.io.Reader;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.ResourceProvider;
import org.flywaydb.core.api.resource.LoadableResource;
import org.flywaydb.core.internal.exception.FlywayMigrateException;
import org.flywaydb.core.internal.sqlscript.FlywaySqlScriptException;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a namespace's storage to the schema its owner declared: ooda's own tables, then the
 * owner's migrations through Flyway (all pending ones in one transaction where the database can
 * roll DDL back), then a row version column on every table; and reads the schema back.
 */
public final class Migrator {
  private static final Logger LOG = LoggerFactory.getLogger(Migrator.class);
  static final String HISTORY_TABLE = "_ooda_migrations";

  private Migrator() {}

  /**
   * What a migration run left.
   *
   * @param applied the highest migration version applied, 0 for none
   * @param failure why the run stopped, or null when every migration is applied
   */
  record Outcome(Schema schema, int applied, Failure failure) {}

  /**
   * A failed migration.
   *
   * @param version   the migration that failed, or null when the failure is not one migration's
   * @param statement the statement that failed, when the database named one
   * @param line      its line in the migration's SQL
   */
  record Failure(Integer version, String statement, Integer line, String message) {
    @Override
    public String toString() {
      return (version == null ? "" : "migration " + version + " failed")
          + (line == null ? "" : " at line " + line)
          + (statement == null ? "" : " in statement [" + statement.strip() + "]")
          + (version == null && line == null && statement == null ? "" : ": ") + message;
    }
  }

  static Outcome migrate(Storage st, NamespaceSpec spec) {
    // Cassandra: CQL migrations without Flyway (Cql made ooda's own tables).
    if (!st.backend().sql()) return CqlSchema.migrate(st.cql(), spec);
    Failure failure = null;
    try {
      createSystemTables(st);
    } catch (SQLException e) {
      failure = new Failure(null, null, null, "creating ooda's own tables failed: " + e.getMessage());
    }
    Flyway flyway = flyway(st, spec);
    if (failure == null) {
      try {
        flyway.migrate();
      } catch (FlywayException e) {
        failure = describe(e);
        LOG.warn("namespace storage {}: {}", st.describe(), failure);
        if (st.backend() == Backend.MYSQL) repair(flyway);
      }
    }
    try {
      addVersionColumns(st);
    } catch (SQLException e) {
      if (failure == null) failure = new Failure(null, null, null, "adding row versions failed: " + e.getMessage());
    }
    Schema schema;
    try {
      schema = readSchema(st);
    } catch (SQLException e) {
      schema = Schema.EMPTY;
      if (failure == null) failure = new Failure(null, null, null, "reading the schema failed: " + e.getMessage());
    }
    return new Outcome(schema, appliedVersion(flyway), failure);
  }

  private static Flyway flyway(Storage st, NamespaceSpec spec) {
    var config = Flyway.configure(Migrator.class.getClassLoader())
        .dataSource(st.pool())
        .table(HISTORY_TABLE)
        .resourceProvider(new SpecMigrations(spec, st))
        .baselineOnMigrate(true)
        .baselineVersion("0")
        // All pending migrations in one transaction where DDL can roll back, so that a failure
        // leaves the version from before the push. MySQL commits each DDL statement, so there
        // each migration is recorded as it succeeds.
        .group(st.backend() != Backend.MYSQL)
        .placeholderReplacement(false)
        .cleanDisabled(true)
        .failOnMissingLocations(false)
        .loggers("slf4j");
    if (st.backend() != Backend.SQLITE) config.schemas(st.storageName()).createSchemas(false);
    return config.load();
  }

  /** Without transactional DDL a failed migration stays in the history; take it out so a fixed one can run. */
  private static void repair(Flyway flyway) {
    try {
      flyway.repair();
    } catch (FlywayException e) {
      LOG.warn("repairing the migration history failed", e);
    }
  }

  private static int appliedVersion(Flyway flyway) {
    try {
      MigrationInfo current = flyway.info().current();
      if (current == null || current.getVersion() == null) return 0;
      return Integer.parseInt(current.getVersion().getVersion());
    } catch (RuntimeException e) {
      LOG.warn("reading the migration history failed", e);
      return 0;
    }
  }

  static Failure describe(FlywayException e) {
    Integer version = null;
    if (e instanceof FlywayMigrateException m && m.getMigration() != null && m.getMigration().getVersion() != null) {
      try {
        version = Integer.parseInt(m.getMigration().getVersion().getVersion());
      } catch (NumberFormatException ignored) {
        // a version ooda did not write
      }
    }
    String statement = null;
    Integer line = null;
    String message = null;
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof FlywaySqlScriptException s) {
        statement = s.getStatement();
        line = s.getLineNumber();
      }
      if (t instanceof SQLException sql && message == null) message = sql.getMessage();
    }
    if (message == null) message = firstLines(e.getMessage());
    return new Failure(version, statement, line, message == null ? e.getClass().getSimpleName() : message.strip());
  }

  private static String firstLines(String s) {
    if (s == null) return null;
    String[] lines = s.strip().split("\n");
    return String.join(" ", Arrays.stream(lines).limit(3).map(String::strip).toList());
  }

  private static void createSystemTables(Storage st) throws SQLException {
    try (Connection c = st.pool().getConnection(); Statement s = c.createStatement()) {
      for (String ddl : st.backend().systemDdl()) s.execute(ddl);
    }
  }

  /** Every table gets a {@code _version} column: reads return it as an ETag, If-Match checks it. */
  private static void addVersionColumns(Storage st) throws SQLException {
    Schema schema = readSchema(st);
    DSLContext dsl = st.dsl();
    for (Schema.TableSchema t : schema.tables().values()) {
      if (t.versioned()) continue;
      try (Connection c = st.pool().getConnection(); Statement s = c.createStatement()) {
        s.execute("ALTER TABLE " + dsl.render(DSL.name(t.name())) + " ADD COLUMN "
            + dsl.render(DSL.name(Schema.VERSION)) + " bigint NOT NULL DEFAULT 1");
      }
    }
  }

  /** The namespace's tables as the database reports them (JDBC metadata), without ooda's own. */
  static Schema readSchema(Storage st) throws SQLException {
    Backend b = st.backend();
    Map<String, Schema.TableSchema> tables = new TreeMap<>();
    try (Connection c = st.pool().getConnection()) {
      DatabaseMetaData md = c.getMetaData();
      String catalog = b == Backend.MYSQL ? st.storageName() : null;
      String schema = b == Backend.POSTGRES ? st.storageName() : null;
      String esc = md.getSearchStringEscape();
      String schemaPattern = schema == null ? null : escape(schema, esc);
      List<String> names = new ArrayList<>();
      try (ResultSet rs = md.getTables(catalog, schemaPattern, "%", new String[] {"TABLE"})) {
        while (rs.next()) {
          String name = rs.getString("TABLE_NAME");
          if (!Backend.isSystemTable(name)) names.add(name);
        }
      }
      java.util.Set<String> json = st.dialect() == org.jooq.SQLDialect.MARIADB ? mariaDbJsonColumns(c, st.storageName()) : java.util.Set.of();
      for (String name : names) {
        List<Schema.Column> columns = new ArrayList<>();
        boolean versioned = false;
        try (ResultSet rs = md.getColumns(catalog, schemaPattern, escape(name, esc), "%")) {
          while (rs.next()) {
            String col = rs.getString("COLUMN_NAME");
            if (Schema.VERSION.equals(col)) {
              versioned = true;
              continue;
            }
            String typeName = rs.getString("TYPE_NAME");
            ColumnType type = json.contains(name + "." + col) ? ColumnType.JSON : ColumnType.of(b, rs.getInt("DATA_TYPE"), typeName);
            int size = rs.getInt("COLUMN_SIZE");
            // SQLite reports varchar(100) as VARCHAR, size 100, and does not enforce it; ooda does.
            if (b == Backend.SQLITE && (typeName == null || !typeName.toLowerCase(java.util.Locale.ROOT).contains("char"))) size = 0;
            boolean bounded = type == ColumnType.STRING && size > 0 && size < 1 << 24;
            boolean generated = "YES".equalsIgnoreCase(rs.getString("IS_AUTOINCREMENT"));
            boolean nullable = rs.getInt("NULLABLE") != DatabaseMetaData.columnNoNulls;
            columns.add(Schema.Column.of(b, col, type, typeName == null ? "" : typeName, nullable, bounded ? size : 0, generated));
          }
        }
        Map<Integer, String> key = new TreeMap<>();
        try (ResultSet rs = md.getPrimaryKeys(catalog, schema, name)) {
          while (rs.next()) key.put(rs.getInt("KEY_SEQ"), rs.getString("COLUMN_NAME"));
        }
        tables.put(name, new Schema.TableSchema(name, columns, List.copyOf(key.values()), versioned));
      }
    }
    return new Schema(tables);
  }

  private static final java.util.regex.Pattern JSON_VALID = java.util.regex.Pattern.compile("json_valid\\(`([^`]+)`\\)");

  /** MariaDB's JSON is LONGTEXT with a json_valid check; find those columns by their checks. */
  private static java.util.Set<String> mariaDbJsonColumns(Connection c, String database) {
    java.util.Set<String> out = new java.util.HashSet<>();
    try (var ps = c.prepareStatement(
        "SELECT TABLE_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ?")) {
      ps.setString(1, database);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          var m = JSON_VALID.matcher(rs.getString(2));
          if (m.find()) out.add(rs.getString(1) + "." + m.group(1));
        }
      }
    } catch (SQLException e) {
      LOG.debug("no check constraints to read", e);
    }
    return out;
  }

  private static String escape(String s, String esc) {
    if (esc == null || esc.isEmpty()) return s;
    return s.replace(esc, esc + esc).replace("_", esc + "_").replace("%", esc + "%");
  }

  /** The owner's migrations as Flyway's SQL resources, named {@code V<version>__<description>.sql}. */
  private static final class SpecMigrations implements ResourceProvider {
    private final Map<String, LoadableResource> byName = new LinkedHashMap<>();

    SpecMigrations(NamespaceSpec spec, Storage st) {
      for (Migration m : spec.migrations()) {
        String slug = m.description() == null ? "" : m.description().replaceAll("[^A-Za-z0-9]+", "_").replaceAll("^_+|_+$", "");
        String file = "V" + m.version() + "__" + (slug.isEmpty() ? "migration" : slug) + ".sql";
        String sql = m.carriesSql() ? m.sqlFor(st.backend().label()) : portable(m, st);
        byName.put(file, new Text(file, sql));
      }
    }

    @Override
    public LoadableResource getResource(String name) {
      return byName.get(name);
    }

    @Override
    public Collection<LoadableResource> getResources(String prefix, String[] suffixes) {
      List<LoadableResource> out = new ArrayList<>();
      for (var e : byName.entrySet()) {
        if (e.getKey().startsWith(prefix) && Arrays.stream(suffixes).anyMatch(e.getKey()::endsWith)) out.add(e.getValue());
      }
      return out;
    }
  }

  private static final class Text extends LoadableResource {
    private final String name;
    private final String sql;

    Text(String name, String sql) {
      this.name = name;
      this.sql = sql;
    }

    @Override
    public Reader read() {
      return new StringReader(sql);
    }

    @Override
    public String getAbsolutePath() {
      return name;
    }

    @Override
    public String getAbsolutePathOnDisk() {
      return name;
    }

    @Override
    public String getFilename() {
      return name;
    }

    @Override
    public String getRelativePath() {
      return name;
    }
  }

  /**
   * DDL for a portable migration. Names were validated as plain identifiers and are quoted as
   * well; types come from a fixed table per backend; nothing else enters the text.
   */
  static String portable(Migration m, Storage st) {
    Backend b = st.backend();
    DSLContext dsl = st.dsl();
    if (m.table() != null) {
      List<String> parts = new ArrayList<>();
      List<String> key = new ArrayList<>();
      boolean rowid = false;
      for (Column c : m.table().columns()) {
        String def = q(dsl, c.name()) + " " + b.sqlType(c.type(), c.assignedByDatabase());
        if (c.assignedByDatabase() && b == Backend.SQLITE) {
          def += " PRIMARY KEY AUTOINCREMENT";
          rowid = true;
        } else if (!c.allowsNull()) {
          def += " NOT NULL";
        }
        parts.add(def);
        if (c.partOfKey()) key.add(q(dsl, c.name()));
      }
      parts.add(q(dsl, Schema.VERSION) + " bigint NOT NULL DEFAULT 1");
      if (!rowid) parts.add("PRIMARY KEY (" + String.join(", ", key) + ")");
      return "CREATE TABLE " + q(dsl, m.table().name()) + " (\n  " + String.join(",\n  ", parts) + "\n)";
    }
    if (m.addColumns() != null) {
      List<String> stmts = new ArrayList<>();
      for (Column c : m.addColumns().columns()) {
        stmts.add("ALTER TABLE " + q(dsl, m.addColumns().table()) + " ADD COLUMN " + q(dsl, c.name()) + " " + b.sqlType(c.type(), false));
      }
      return String.join(";\n", stmts);
    }
    var x = m.index();
    return "CREATE " + (Boolean.TRUE.equals(x.unique()) ? "UNIQUE " : "") + "INDEX " + q(dsl, x.name()) + " ON " + q(dsl, x.table())
        + " (" + String.join(", ", x.columns().stream().map(c -> q(dsl, c)).toList()) + ")";
  }

  private static String q(DSLContext dsl, String identifier) {
    return dsl.render(DSL.name(identifier));
  }

  public static Map<String, Object> toMap(Failure f) {
    Map<String, Object> m = new HashMap<>();
    if (f.version() != null) m.put("version", f.version());
    if (f.statement() != null) m.put("statement", f.statement().strip());
    if (f.line() != null) m.put("line", f.line());
    m.put("message", f.message());
    return m;
  }
}
