package dev.ooda.data.storage;

import dev.ooda.model.NamespaceSpec;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;

/**
 * What differs between the databases: where a namespace lives, the system tables' DDL and the
 * portable column types. Everything else goes through jOOQ's dialects.
 */
public enum Backend {
  SQLITE, POSTGRES, MYSQL, CASSANDRA;

  static Backend of(String name) {
    return switch (name) {
      case NamespaceSpec.SQLITE -> SQLITE;
      case NamespaceSpec.POSTGRES -> POSTGRES;
      case NamespaceSpec.MYSQL -> MYSQL;
      case NamespaceSpec.CASSANDRA -> CASSANDRA;
      default -> throw new IllegalArgumentException("unknown backend " + name);
    };
  }

  String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** What holds the namespace: a file, a schema, a database or a keyspace. */
  public String storageKind() {
    return switch (this) {
      case SQLITE -> "file";
      case POSTGRES -> "schema";
      case MYSQL -> "database";
      case CASSANDRA -> "keyspace";
    };
  }

  /**
   * The namespace's file, schema or database name. Namespace names are DNS labels, so this is
   * always a plain identifier; the prefix keeps clear of the servers' own schemas.
   */
  String storageName(String namespace) {
    return this == SQLITE ? namespace + ".db" : "ns_" + namespace.replace('-', '_');
  }

  /** Whether the namespace lives in a SQL database (jOOQ, Flyway, transactions) rather than Cassandra. */
  public boolean sql() {
    return this != CASSANDRA;
  }

  /** Tables of ooda's own in each SQL namespace: key-value items, events, idempotency keys (Cassandra's: {@link Cql}). */
  List<String> systemDdl() {
    return switch (this) {
      case SQLITE -> List.of(
          "CREATE TABLE IF NOT EXISTS \"_ooda_kv\" (\"rid\" BLOB NOT NULL, \"k\" BLOB NOT NULL, \"v\" BLOB NOT NULL, \"expires\" INTEGER, PRIMARY KEY (\"rid\", \"k\")) WITHOUT ROWID",
          "CREATE INDEX IF NOT EXISTS \"_ooda_kv_expires\" ON \"_ooda_kv\" (\"expires\")",
          "CREATE TABLE IF NOT EXISTS \"_ooda_events\" (\"series\" BLOB NOT NULL, \"prefix\" BLOB NOT NULL, \"bucket\" INTEGER NOT NULL, \"ts\" INTEGER NOT NULL, \"id\" INTEGER NOT NULL, \"v\" BLOB NOT NULL, PRIMARY KEY (\"series\", \"prefix\", \"bucket\", \"ts\", \"id\")) WITHOUT ROWID",
          "CREATE INDEX IF NOT EXISTS \"_ooda_events_time\" ON \"_ooda_events\" (\"series\", \"bucket\", \"ts\", \"prefix\", \"id\")",
          "CREATE TABLE IF NOT EXISTS \"_ooda_idempotency\" (\"k\" BLOB NOT NULL PRIMARY KEY, \"fingerprint\" BLOB NOT NULL, \"status\" INTEGER NOT NULL, \"etag\" TEXT, \"location\" TEXT, \"body\" BLOB NOT NULL, \"created\" INTEGER NOT NULL)",
          "CREATE INDEX IF NOT EXISTS \"_ooda_idempotency_created\" ON \"_ooda_idempotency\" (\"created\")");
      case POSTGRES -> List.of(
          "CREATE TABLE IF NOT EXISTS \"_ooda_kv\" (\"rid\" bytea NOT NULL, \"k\" bytea NOT NULL, \"v\" bytea NOT NULL, \"expires\" bigint, PRIMARY KEY (\"rid\", \"k\"))",
          "CREATE INDEX IF NOT EXISTS \"_ooda_kv_expires\" ON \"_ooda_kv\" (\"expires\")",
          "CREATE TABLE IF NOT EXISTS \"_ooda_events\" (\"series\" bytea NOT NULL, \"prefix\" bytea NOT NULL, \"bucket\" bigint NOT NULL, \"ts\" bigint NOT NULL, \"id\" bigint NOT NULL, \"v\" bytea NOT NULL, PRIMARY KEY (\"series\", \"prefix\", \"bucket\", \"ts\", \"id\"))",
          "CREATE INDEX IF NOT EXISTS \"_ooda_events_time\" ON \"_ooda_events\" (\"series\", \"bucket\", \"ts\", \"prefix\", \"id\")",
          "CREATE TABLE IF NOT EXISTS \"_ooda_idempotency\" (\"k\" bytea NOT NULL PRIMARY KEY, \"fingerprint\" bytea NOT NULL, \"status\" integer NOT NULL, \"etag\" text, \"location\" text, \"body\" bytea NOT NULL, \"created\" bigint NOT NULL)",
          "CREATE INDEX IF NOT EXISTS \"_ooda_idempotency_created\" ON \"_ooda_idempotency\" (\"created\")");
      // MySQL has no CREATE INDEX IF NOT EXISTS: indexes are declared with the tables.
      case MYSQL -> List.of(
          "CREATE TABLE IF NOT EXISTS `_ooda_kv` (`rid` varbinary(255) NOT NULL, `k` varbinary(255) NOT NULL, `v` longblob NOT NULL, `expires` bigint, PRIMARY KEY (`rid`, `k`), INDEX `_ooda_kv_expires` (`expires`)) ENGINE=InnoDB",
          "CREATE TABLE IF NOT EXISTS `_ooda_events` (`series` varbinary(255) NOT NULL, `prefix` varbinary(255) NOT NULL, `bucket` bigint NOT NULL, `ts` bigint NOT NULL, `id` bigint NOT NULL, `v` longblob NOT NULL, PRIMARY KEY (`series`, `prefix`, `bucket`, `ts`, `id`), INDEX `_ooda_events_time` (`series`, `bucket`, `ts`, `prefix`, `id`)) ENGINE=InnoDB",
          "CREATE TABLE IF NOT EXISTS `_ooda_idempotency` (`k` varbinary(255) NOT NULL PRIMARY KEY, `fingerprint` varbinary(64) NOT NULL, `status` int NOT NULL, `etag` varchar(64), `location` text, `body` longblob NOT NULL, `created` bigint NOT NULL, INDEX `_ooda_idempotency_created` (`created`)) ENGINE=InnoDB");
      case CASSANDRA -> throw new IllegalStateException("Cassandra's tables are created by Cql");
    };
  }

  /** True for ooda's own tables and the migration history, which the table API never shows. */
  static boolean isSystemTable(String name) {
    return name.startsWith("_ooda") || name.startsWith("sqlite_");
  }

  /** The SQL type of a portable column type (already validated by {@link NamespaceSpec}). */
  String sqlType(String portable, boolean generated) {
    Matcher m = NamespaceSpec.COLUMN_TYPE.matcher(portable);
    if (!m.matches()) throw new IllegalArgumentException("not a portable type: " + portable);
    String base = portable.contains("(") ? portable.substring(0, portable.indexOf('(')) : portable;
    if (generated) {
      return switch (this) {
        case SQLITE -> "INTEGER";  // with PRIMARY KEY AUTOINCREMENT: SQLite's rowid
        case POSTGRES -> base.equals("int") ? "integer GENERATED BY DEFAULT AS IDENTITY" : "bigint GENERATED BY DEFAULT AS IDENTITY";
        case MYSQL -> base + " AUTO_INCREMENT";
        case CASSANDRA -> throw new IllegalStateException("no SQL types on Cassandra");
      };
    }
    return switch (base) {
      case "string" -> "varchar(" + (m.group(2) == null ? "255" : m.group(2)) + ")";
      case "text" -> this == MYSQL ? "longtext" : "text";
      case "int" -> this == SQLITE ? "INT" : "integer";
      case "bigint" -> "bigint";
      case "double" -> this == POSTGRES ? "double precision" : "double";
      case "decimal" -> "decimal(" + (m.group(4) == null ? "20,6" : m.group(4) + "," + m.group(5)) + ")";
      case "boolean" -> "boolean";
      case "timestamp" -> switch (this) {
        case SQLITE -> "timestamp";
        case POSTGRES -> "timestamp(6)";
        case MYSQL -> "datetime(6)";
        case CASSANDRA -> throw new IllegalStateException("no SQL types on Cassandra");
      };
      case "date" -> "date";
      case "bytes" -> switch (this) {
        case SQLITE -> "blob";
        case POSTGRES -> "bytea";
        case MYSQL -> "longblob";
        case CASSANDRA -> throw new IllegalStateException("no SQL types on Cassandra");
      };
      case "json" -> this == POSTGRES ? "jsonb" : "json";
      default -> throw new IllegalArgumentException("not a portable type: " + portable);
    };
  }
}
