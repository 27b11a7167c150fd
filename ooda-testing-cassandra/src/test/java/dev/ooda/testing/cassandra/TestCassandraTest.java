package dev.ooda.testing.cassandra;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.cql.Row;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TestCassandraTest {
  @Test
  void createsAKeyspaceAndReadsItBackOverCql() {
    TestCassandra c = TestCassandra.shared();
    try (CqlSession s = CqlSession.builder()
        .addContactPoint(new InetSocketAddress(c.host(), c.port()))
        .withLocalDatacenter(c.datacenter())
        // Schema changes on a small shared machine take longer than the default 2 s.
        .withConfigLoader(DriverConfigLoader.programmaticBuilder().withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(30)).build())
        .build()) {
      s.execute("CREATE KEYSPACE IF NOT EXISTS launcher_test WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
      s.execute("CREATE TABLE IF NOT EXISTS launcher_test.t (k text PRIMARY KEY, v int)");
      s.execute("INSERT INTO launcher_test.t (k, v) VALUES ('a', 1)");
      Row ks = s.execute("SELECT keyspace_name FROM system_schema.keyspaces WHERE keyspace_name = 'launcher_test'").one();
      assertThat(ks).isNotNull();
      assertThat(s.execute("SELECT v FROM launcher_test.t WHERE k = 'a'").one().getInt("v")).isEqualTo(1);
      assertThat(s.execute("SELECT release_version FROM system.local").one().getString(0)).startsWith("5.0");
    }
  }
}
