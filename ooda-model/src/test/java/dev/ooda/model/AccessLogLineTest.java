package dev.ooda.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class AccessLogLineTest {
  @Test
  void timestampsReadAsInstantToString() {
    long[] samples = {0, 1, 999, 1000, 1_764_700_000_000L, 1_764_700_000_120L, 1_764_700_000_007L, 1_764_700_059_999L,
        1_764_700_060_000L, -1, 253_402_300_799_999L};
    for (long ms : samples) {
      assertThat(AccessLogLine.timestamp(new StringBuilder(), ms).toString()).isEqualTo(Instant.ofEpochMilli(ms).toString());
    }
  }

  @Test
  void writesFixedKeysInOrder() {
    String json = new AccessLogLine(1_764_700_000_120L, "catalog", "c-1", "t", "s", "10.0.0.1", "GET", "r", 200, 1.5, 3, 4,
        "a \"quoted\"\n error").toJson();
    assertThat(json).isEqualTo("{\"ts\":\"2025-12-02T18:26:40.120Z\",\"service\":\"catalog\",\"instance\":\"c-1\","
        + "\"trace_id\":\"t\",\"span_id\":\"s\",\"caller\":\"10.0.0.1\",\"method\":\"GET\",\"route\":\"r\",\"status\":200,"
        + "\"duration_ms\":1.5,\"bytes_in\":3,\"bytes_out\":4,\"error\":\"a \\\"quoted\\\"\\n error\"}");
  }

  @Test
  void durationsReadAsTheRoundedDouble() {
    for (long micros = 0; micros < 2_000_000; micros += micros < 20_000 ? 1 : 997) {
      assertThat(AccessLogLine.millis(new StringBuilder(), micros).toString()).isEqualTo(Double.toString(micros / 1000.0));
    }
  }
}
