package dev.ooda.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import zipkin2.Endpoint;
import zipkin2.Span;
import zipkin2.codec.SpanBytesEncoder;

class StrictIdsTest {
  static String check(String json) {
    return StrictIds.checkJson(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void properIdsPass() {
    Span span = Span.newBuilder().traceId("463ac35c9f6413ad48485a3953bb6124").parentId("0000000000000001")
        .id("a2fb4a1d1a96d312").name("x").putTag("id", "1").putTag("traceId", "short")
        .localEndpoint(Endpoint.newBuilder().serviceName("s").build()).build();
    assertThat(StrictIds.checkJson(SpanBytesEncoder.JSON_V2.encodeList(List.of(span, span)))).isNull();
    assertThat(StrictIds.checkProto3(SpanBytesEncoder.PROTO3.encodeList(List.of(span, span)))).isNull();
  }

  @Test
  void nestedFieldsNamedLikeIdsAreNotIds() {
    assertThat(check("[{\"traceId\":\"0000000000000001\",\"id\":\"0000000000000002\","
        + "\"tags\":{\"id\":\"7\",\"parentId\":\"x\"},\"annotations\":[{\"value\":\"id\",\"timestamp\":1}]}]")).isNull();
  }

  @Test
  void valuesThatLookLikeKeysAreNotKeys() {
    assertThat(check("[{\"name\":\"id\",\"traceId\":\"0000000000000001\",\"id\":\"0000000000000002\"}]")).isNull();
  }

  @Test
  void wrongLengthsAreNamedWithTheirSpan() {
    assertThat(check("[{\"traceId\":\"0000000000000001\",\"id\":\"0000000000000002\"},"
        + "{\"traceId\":\"0000000000000001\",\"id\":\"02\"}]")).isEqualTo("span 1: id must be 16 hex characters, not 2");
    assertThat(check("[{ \"traceId\" : \"001\" , \"id\":\"0000000000000002\"}]"))
        .isEqualTo("span 0: traceId must be 16 or 32 hex characters, not 3");
    assertThat(check("[{\"traceId\":\"0000000000000001\",\"parentId\":null,\"id\":\"0000000000000002\"}]")).isNull();
  }
}
