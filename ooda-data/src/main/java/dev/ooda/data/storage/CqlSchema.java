package dev.ooda.data.storage;

import com.datastax.oss.driver.api.core.DriverException;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import dev.ooda.model.NamespaceSpec;
import dev.ooda.model.NamespaceSpec.Migration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Cassandra namespace's tables: its CQL migrations, applied in order and recorded in
 * {@code _ooda_migrations} one by one as each succeeds (Cassandra has no transactional DDL, so a
 * failed migration is never recorded, though statements before the failing one stay applied);
 * then a {@code _version} column on every table; then the schema read back from
 * {@code system_schema}.
 */
final class CqlSchema {
  private static final Logger LOG = LoggerFactory.getLogger(CqlSchema.class);

  private CqlSchema() {}

  static Migrator.Outcome migrate(Cql cql, NamespaceSpec spec) {
    return cql.schemaChanges(() -> run(cql, spec));
  }

  private static Migrator.Outcome run(Cql cql, NamespaceSpec spec) {
    Migrator.Failure failure = null;
    int applied = 0;
    try {
      // Without migrations there is no history to read (nor a quorum to wait for).
      Map<Integer, String> history = spec.migrations().isEmpty() ? Map.of() : history(cql);
      applied = history.keySet().stream().mapToInt(Integer::intValue).max().orElse(0);
      for (Migration m : spec.migrations()) {
        String checksum = checksum(m);
        if (m.version() <= applied) {
          String ran = history.get(m.version());
          if (ran != null && !ran.equals(checksum)) {
            failure = new Migrator.Failure(m.version(), null, null, "was changed after it was applied: push it as it ran, and changes as new migrations");
            break;
          }
          continue;
        }
        failure = apply(cql, m);
        if (failure != null) {
          LOG.warn("keyspace {}: {}", cql.keyspace(), failure);
          break;
        }
        cql.session().execute(SimpleStatement.newInstance(
            "INSERT INTO \"" + cql.keyspace() + "\".\"_ooda_migrations\" (version, description, checksum, applied_at) VALUES (?, ?, ?, ?)",
            m.version(), m.description(), checksum, Instant.now()).setConsistencyLevel(cql.write()));
        applied = m.version();
        // A table dropped and made again may keep a statement's text with other columns.
        cql.prepared().clear();
      }
    } catch (DriverException e) {
      if (failure == null) failure = new Migrator.Failure(null, null, null, "recording the migration history failed: " + message(e));
    }
    Schema schema = Schema.EMPTY;
    try {
      schema = readSchema(cql);
      boolean added = false;
      for (Schema.TableSchema t : schema.tables().values()) {
        if (t.versioned()) continue;
        cql.ddl("ALTER TABLE " + cql.table(t.name()) + " ADD \"" + Schema.VERSION + "\" bigint");
        added = true;
      }
      if (added) schema = readSchema(cql);
    } catch (DriverException e) {
      if (failure == null) failure = new Migrator.Failure(null, null, null, "adding row versions failed: " + message(e));
    }
    return new Migrator.Outcome(schema, applied, failure);
  }

  /** The versions applied, each with the checksum of the CQL that ran. */
  private static Map<Integer, String> history(Cql cql) {
    Map<Integer, String> out = new TreeMap<>();
    for (Row r : cql.session().execute(SimpleStatement.newInstance(
        "SELECT version, checksum FROM \"" + cql.keyspace() + "\".\"_ooda_migrations\"").setConsistencyLevel(cql.read()))) {
      out.put(r.getInt(0), r.getString(1));
    }
    return out;
  }

  /** SHA-256 of the migration's CQL, as recorded when it ran. */
  static String checksum(Migration m) {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
          .digest(m.sqlFor(NamespaceSpec.CASSANDRA).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Runs one migration's statements in order; the failure names the statement and its line, or null. */
  private static Migrator.Failure apply(Cql cql, Migration m) {
    String text = m.sqlFor(NamespaceSpec.CASSANDRA);
    for (Statement s : split(text)) {
      try {
        cql.ddl(s.text());
      } catch (DriverException e) {
        return new Migrator.Failure(m.version(), s.text(), s.line(), message(e));
      }
    }
    return null;
  }

  /** The server's words, without the driver's list of the nodes it tried (their addresses). */
  static String message(DriverException e) {
    if (e instanceof com.datastax.oss.driver.api.core.AllNodesFailedException all) {
      for (var errors : all.getAllErrors().values()) {
        if (!errors.isEmpty()) return errors.get(0).getMessage();
      }
    }
    return e.getMessage();
  }

  /** One statement of a migration and the line it starts on. */
  record Statement(String text, int line) {}

  /**
   * The statements of a CQL script, split at semicolons outside string literals, quoted names,
   * {@code $$} blocks and comments.
   */
  static List<Statement> split(String script) {
    List<Statement> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    int line = 1;
    int start = -1;
    int i = 0;
    int n = script.length();
    while (i < n) {
      char c = script.charAt(i);
      if (c == '\n') line++;
      if (c == '-' && i + 1 < n && script.charAt(i + 1) == '-' || c == '/' && i + 1 < n && script.charAt(i + 1) == '/') {
        while (i < n && script.charAt(i) != '\n') i++;
        continue;
      }
      if (c == '/' && i + 1 < n && script.charAt(i + 1) == '*') {
        int end = script.indexOf("*/", i + 2);
        end = end < 0 ? n : end + 2;
        for (int j = i; j < end; j++) if (script.charAt(j) == '\n') line++;
        i = end;
        continue;
      }
      if (c == ';') {
        add(out, cur, start);
        start = -1;
        i++;
        continue;
      }
      if (start < 0 && !Character.isWhitespace(c)) start = line;
      if (c == '\'' || c == '"') {
        int end = i + 1;
        while (end < n) {
          if (script.charAt(end) == c) {
            if (end + 1 < n && script.charAt(end + 1) == c) end += 2;
            else break;
          } else {
            end++;
          }
        }
        end = Math.min(end + 1, n);
        for (int j = i; j < end; j++) if (script.charAt(j) == '\n') line++;
        cur.append(script, i, end);
        i = end;
        continue;
      }
      if (c == '$' && i + 1 < n && script.charAt(i + 1) == '$') {
        int end = script.indexOf("$$", i + 2);
        end = end < 0 ? n : end + 2;
        for (int j = i; j < end; j++) if (script.charAt(j) == '\n') line++;
        cur.append(script, i, end);
        i = end;
        continue;
      }
      cur.append(c);
      i++;
    }
    add(out, cur, start);
    return out;
  }

  private static void add(List<Statement> out, StringBuilder cur, int line) {
    String s = cur.toString().strip();
    if (!s.isEmpty()) out.add(new Statement(s, line));
    cur.setLength(0);
  }

  /** The keyspace's tables, without ooda's own, from {@code system_schema.columns}. */
  static Schema readSchema(Cql cql) {
    record Col(String name, String kind, int position, String type, String order) {}
    Map<String, List<Col>> byTable = new TreeMap<>();
    for (Row r : cql.session().execute(SimpleStatement.newInstance(
        "SELECT table_name, column_name, kind, position, type, clustering_order FROM system_schema.columns WHERE keyspace_name = ?",
        cql.keyspace()))) {
      String table = r.getString("table_name");
      if (Backend.isSystemTable(table)) continue;
      byTable.computeIfAbsent(table, x -> new ArrayList<>()).add(new Col(r.getString("column_name"), r.getString("kind"),
          r.getInt("position"), r.getString("type"), r.getString("clustering_order")));
    }
    Map<String, Schema.TableSchema> tables = new HashMap<>();
    byTable.forEach((table, cols) -> {
      List<Col> partition = cols.stream().filter(c -> c.kind().equals("partition_key")).sorted((a, b) -> a.position() - b.position()).toList();
      List<Col> clustering = cols.stream().filter(c -> c.kind().equals("clustering")).sorted((a, b) -> a.position() - b.position()).toList();
      List<Col> regular = cols.stream().filter(c -> !c.kind().equals("partition_key") && !c.kind().equals("clustering"))
          .sorted((a, b) -> a.name().compareTo(b.name())).toList();
      List<Schema.Column> columns = new ArrayList<>();
      List<String> key = new ArrayList<>();
      boolean versioned = false;
      for (List<Col> group : List.of(partition, clustering, regular)) {
        for (Col c : group) {
          if (c.name().equals(Schema.VERSION)) {
            versioned = true;
            continue;
          }
          boolean inKey = group != regular;
          if (inKey) key.add(c.name());
          columns.add(Schema.Column.of(Backend.CASSANDRA, c.name(), type(c.type()), c.type(), !inKey, 0, false));
        }
      }
      List<Boolean> ascending = clustering.stream().map(c -> !"desc".equalsIgnoreCase(c.order())).toList();
      tables.put(table, new Schema.TableSchema(table, columns, key, versioned, new Schema.CassandraKey(partition.size(), ascending)));
    });
    return new Schema(tables);
  }

  /** What the API makes of a CQL type; collections, counters and the like are read as text and not written. */
  static ColumnType type(String cqlType) {
    return switch (cqlType.toLowerCase(Locale.ROOT)) {
      case "text", "varchar", "ascii" -> ColumnType.STRING;
      case "int", "smallint", "tinyint" -> ColumnType.INT;
      case "bigint" -> ColumnType.BIGINT;
      case "float", "double" -> ColumnType.DOUBLE;
      case "decimal", "varint" -> ColumnType.DECIMAL;
      case "boolean" -> ColumnType.BOOLEAN;
      case "timestamp" -> ColumnType.TIMESTAMP;
      case "date" -> ColumnType.DATE;
      case "blob" -> ColumnType.BYTES;
      case "uuid", "timeuuid" -> ColumnType.UUID;
      default -> ColumnType.OTHER;
    };
  }
}
