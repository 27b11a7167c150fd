package dev.ooda.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The storage options: defaults, accepted forms, and refusals that name the option. */
class StorageOptionsTest {

  @Test
  void memoryByDefaultWithZipkinsCassandraDefaults() {
    TraceOptions o = TraceOptions.defaults();
    assertThat(o.storage()).isEqualTo(TraceOptions.Storage.MEMORY);
    assertThat(o.contactPoints()).isNull();
    assertThat(o.localDc()).isEqualTo("datacenter1");
    assertThat(o.keyspace()).isEqualTo("zipkin2");
    TraceOptions c = o.toBuilder().storage(TraceOptions.Storage.parse("Cassandra"))
        .contactPoints("10.0.0.1:9042, cassandra.internal,[::1]:9142,[fe80::1]").build();
    assertThat(c.toBuilder().build().contactPoints()).isEqualTo("10.0.0.1:9042, cassandra.internal,[::1]:9142,[fe80::1]");
  }

  @Test
  void badSettingsNameTheOption() {
    assertThatThrownBy(() -> TraceOptions.Storage.parse("mongo"))
        .hasMessage("storage must be memory or cassandra, not 'mongo'");
    TraceOptions.Builder cassandra = TraceOptions.builder().storage(TraceOptions.Storage.CASSANDRA);
    assertThatThrownBy(cassandra::build).hasMessage("contactPoints: no contact points; give HOST[:PORT][,HOST[:PORT]...]");
    assertThatThrownBy(() -> cassandra.contactPoints("a:9042,b:0").build())
        .hasMessage("contactPoints: 'b:0' has port '0', not a port (1-65535)");
    assertThatThrownBy(() -> cassandra.contactPoints("::1").build())
        .hasMessage("contactPoints: '::1': write an IPv6 address in brackets, [ADDRESS]:PORT");
    assertThatThrownBy(() -> cassandra.contactPoints("a,,b").build()).hasMessage("contactPoints: '' has no host; give HOST[:PORT]");
    assertThatThrownBy(() -> cassandra.contactPoints("a").keyspace("drop table").build())
        .hasMessageStartingWith("keyspace must be a letter");
    assertThatThrownBy(() -> cassandra.keyspace("zipkin2").localDc("").build()).hasMessage("localDc must not be blank");
    assertThatThrownBy(() -> TraceOptions.builder().contactPoints("a:9042").build())
        .hasMessage("contactPoints are for cassandra storage; storage is memory");
    assertThatThrownBy(() -> TraceServer.main(new String[] {"--storage", "mongo"}))
        .hasMessage("storage must be memory or cassandra, not 'mongo'");
  }
}
