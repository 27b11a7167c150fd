package dev.ooda.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SpanApiTest {
  @Test
  void aBaseUrlGetsTheSpansPathAndAUrlWithAPathIsKept() {
    assertThat(SpanApi.spansUrl("http://zipkin:9411")).isEqualTo("http://zipkin:9411/api/v2/spans");
    assertThat(SpanApi.spansUrl("http://zipkin:9411/")).isEqualTo("http://zipkin:9411/api/v2/spans");
    assertThat(SpanApi.spansUrl("http://zipkin:9411/api/v2/spans")).isEqualTo("http://zipkin:9411/api/v2/spans");
    assertThat(SpanApi.spansUrl("https://collector.example/zipkin/spans")).isEqualTo("https://collector.example/zipkin/spans");
  }
}
