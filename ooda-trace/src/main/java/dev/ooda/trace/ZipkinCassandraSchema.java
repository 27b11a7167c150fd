package dev.ooda.trace;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.Version;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.metadata.Node;
import com.datastax.oss.driver.api.core.metadata.schema.KeyspaceMetadata;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import zipkin2.storage.cassandra.CassandraStorage;

/**
 * Installs Zipkin's own Cassandra schema: the CQL files in zipkin-storage-cassandra, applied in the
 * order and on the conditions of its {@code Schema.ensureExists}. It stands in for that method,
 * which strips the table options Cassandra 4.0 removed ({@code read_repair_chance},
 * {@code dclocal_read_repair_chance}) on major version 4 only, so its schema fails on Cassandra 5.
 * Here they are stripped on 4 and later; every other statement is Zipkin's, unchanged.
 */
final class ZipkinCassandraSchema {
  static final String SCHEMA = "/zipkin2-schema.cql";
  static final String INDEXES = "/zipkin2-schema-indexes.cql";
  static final String UPGRADE_1 = "/zipkin2-schema-upgrade-1.cql";
  static final String UPGRADE_2 = "/zipkin2-schema-upgrade-2.cql";
  /** Creating tables and SASI indexes takes longer than a query's timeout on a small node. */
  private static final Duration DDL_TIMEOUT = Duration.ofMinutes(1);

  private ZipkinCassandraSchema() {}

  /** Creates the keyspace, tables and search indexes that are missing; leaves existing ones alone. */
  static void ensure(CqlSession session, String keyspace) {
    int major = lowestMajorVersion(session);
    KeyspaceMetadata metadata = session.getMetadata().getKeyspace(keyspace).orElse(null);
    if (metadata == null || metadata.getTable("span").isEmpty()) {
      apply(session, keyspace, major, SCHEMA);
      apply(session, keyspace, major, INDEXES); // search is always on: the query API needs it
      metadata = session.refreshSchema().getKeyspace(keyspace)
          .orElseThrow(() -> new IllegalStateException("keyspace " + keyspace + " missing after creating it"));
    }
    if (metadata.getTable("autocomplete_tags").isEmpty()) apply(session, keyspace, major, UPGRADE_1);
    if (metadata.getTable("remote_service_by_service").isEmpty()) apply(session, keyspace, major, UPGRADE_2);
  }

  /** One file's statements, split and renamed to the keyspace as Zipkin does. */
  private static void apply(CqlSession session, String keyspace, int major, String resource) {
    for (String statement : read(resource).split(";", 100)) {
      String cql = revise(major, statement.trim().replace(" zipkin2", " " + keyspace));
      if (cql.isEmpty()) continue;
      try {
        session.execute(SimpleStatement.newInstance(cql).setTimeout(DDL_TIMEOUT));
      } catch (RuntimeException e) {
        String hint = String.valueOf(e.getMessage()).contains("SASI")
            ? " (Zipkin's search indexes are SASI indexes: set sasi_indexes_enabled: true in cassandra.yaml)" : "";
        throw new IllegalStateException("Zipkin's schema " + resource + " failed in keyspace " + keyspace + ": "
            + e.getMessage() + hint, e);
      }
    }
  }

  /** Zipkin's own revision, for every version from 4 on. */
  static String revise(int major, String cql) {
    return major >= 4 ? cql.replaceAll(" *AND [^\\s]*read_repair_chance = 0\n", "") : cql;
  }

  private static int lowestMajorVersion(CqlSession session) {
    int lowest = Integer.MAX_VALUE;
    for (Node node : session.getMetadata().getNodes().values()) {
      Version version = node.getCassandraVersion();
      if (version != null) lowest = Math.min(lowest, version.getMajor());
    }
    if (lowest == Integer.MAX_VALUE) throw new IllegalStateException("no Cassandra node told its version");
    return lowest;
  }

  private static String read(String resource) {
    try (InputStream in = CassandraStorage.class.getResourceAsStream(resource)) {
      if (in == null) throw new IllegalStateException(resource + " missing from zipkin-storage-cassandra");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
