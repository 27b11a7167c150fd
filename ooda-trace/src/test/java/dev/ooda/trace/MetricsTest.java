package dev.ooda.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ooda.model.Health;
import dev.ooda.model.ResourceCodec;
import org.junit.jupiter.api.Test;
import zipkin2.codec.SpanBytesEncoder;

class MetricsTest {
  @Test
  void prometheusTextOnTheSamePort() throws Exception {
    try (TraceServer server = new TraceServer(TraceOptions.builder().port(0).build()).start()) {
      TestHttp http = new TestHttp(server.port());
      http.postJson(SpanBytesEncoder.JSON_V2.encodeList(StoreBoundsTest.trace(1, "svc", 3)));
      http.postJson("nonsense".getBytes());
      http.get("/api/v2/services");
      var response = http.get("/metrics");
      assertThat(response.status().code()).isEqualTo(200);
      assertThat(response.contentType().toString()).startsWith("text/plain");
      String text = response.contentUtf8();
      assertThat(text).contains("ooda_trace_spans_accepted_total 3.0");
      assertThat(text).contains("ooda_trace_store_spans 3.0");
      assertThat(text).contains("ooda_trace_batches_rejected_total{reason=\"invalid\"} 1.0");
      // Armeria's RED per service and method
      assertThat(text).containsPattern(
          "ooda_trace_http_requests_total\\{.*http_status=\"400\".*service=\"dev.ooda.trace.SpanIngest\".*} 1.0");
      assertThat(text).containsPattern(
          "ooda_trace_http_requests_total\\{.*method=\"services\".*service=\"dev.ooda.trace.ZipkinQueryApi\".*} 1.0");
      var health = http.get("/health");
      assertThat(health.status().code()).isEqualTo(200);
      assertThat(ResourceCodec.json().readValue(health.contentUtf8(), Health.class)).isEqualTo(Health.UP);
    }
  }
}
