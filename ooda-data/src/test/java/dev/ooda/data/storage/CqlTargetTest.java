package dev.ooda.data.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CqlTargetTest {
  @Test
  void readsContactPointsDatacenterAndCredentials() {
    Cql.Target t = Cql.Target.parse("cassandra://app:p%40ss@127.0.0.1:9142,127.0.0.2/dc%201");
    assertThat(t.contactPoints()).containsExactly(new InetSocketAddress("127.0.0.1", 9142), new InetSocketAddress("127.0.0.2", 9042));
    assertThat(t.datacenter()).isEqualTo("dc 1");
    assertThat(t.user()).isEqualTo("app");
    assertThat(t.password()).isEqualTo("p@ss");
    assertThat(t.toString()).doesNotContain("p@ss");
  }

  @Test
  void namesWhatIsMissingWithoutEchoingTheUrl() {
    assertThatThrownBy(() -> Cql.Target.parse("cassandra://u:hunter2@127.0.0.1:9042"))
        .hasMessageContaining("no local datacenter").hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> Cql.Target.parse("cassandra://u:hunter2@127.0.0.1:x/dc1"))
        .hasMessageContaining("port").hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> Cql.Target.parse("cassandra:///dc1")).hasMessageContaining("no contact point");
  }

  @Test
  void replicationIsRenderedInKeyOrderWithSimpleStrategyByDefault() {
    assertThat(Cql.replication(null)).isEqualTo("{'class': 'SimpleStrategy', 'replication_factor': '1'}");
    assertThat(Cql.replication(Map.of("class", "NetworkTopologyStrategy", "dc2", "2", "dc1", "3")))
        .isEqualTo("{'class': 'NetworkTopologyStrategy', 'dc1': '3', 'dc2': '2'}");
    assertThat(Cql.sameReplication(Map.of("class", "org.apache.cassandra.locator.SimpleStrategy", "replication_factor", "1"),
        Cql.DEFAULT_REPLICATION)).isTrue();
    assertThat(Cql.sameReplication(Map.of("class", "org.apache.cassandra.locator.SimpleStrategy", "replication_factor", "1"),
        Map.of("class", "SimpleStrategy", "replication_factor", "3"))).isFalse();
  }
}
