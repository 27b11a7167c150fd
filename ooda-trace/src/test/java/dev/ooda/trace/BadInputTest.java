package dev.ooda.trace;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.MediaType;
import dev.ooda.model.Problem;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import zipkin2.Endpoint;
import zipkin2.Span;
import zipkin2.codec.SpanBytesEncoder;

/** Every refused input answers problem+json naming what is wrong, and stores nothing. */
class BadInputTest {
  static final int MAX_REQUEST = 64 * 1024;
  static TraceServer server;
  static TestHttp http;

  @BeforeAll
  static void start() {
    server = new TraceServer(TraceOptions.builder().port(0).maxRequestBytes(MAX_REQUEST).build()).start();
    http = new TestHttp(server.port());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static String span(String traceId, String id, String parentId) {
    return "{\"traceId\":\"" + traceId + "\"," + (parentId == null ? "" : "\"parentId\":\"" + parentId + "\",")
        + "\"id\":\"" + id + "\",\"name\":\"get\",\"timestamp\":" + System.currentTimeMillis() * 1000
        + ",\"duration\":10,\"localEndpoint\":{\"serviceName\":\"good\"}}";
  }

  static final String GOOD = span("0000000000000001", "0000000000000002", null);

  Problem refused(AggregatedHttpResponse response, int status) {
    assertThat(response.status().code()).as(response.contentUtf8()).isEqualTo(status);
    assertThat(response.contentType().toString()).startsWith(Problem.MEDIA_TYPE);
    assertThat(server.spanCount()).as("nothing stored").isZero();
    assertThat(http.get("/api/v2/services").contentUtf8()).isEqualTo("[]");
    Problem problem = TestHttp.problem(response);
    assertThat(problem.status()).isEqualTo(status);
    assertThat(problem.detail()).isNotBlank();
    return problem;
  }

  byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "[" + "{\"traceId\":\"0000000000000001\",\"id\":\"0000000000000003\",\"localEndpoint\":{\"serviceName\":\"good\"}},"
          + "{\"traceId\":\"0000000000000001\",\"id\":\"0000000000000004\",\"timestamp\":\"yesterday\"}]",
      "[{\"traceId\":\"0000000000000001\",\"id\":\"0000000000000002\"", // truncated
      "[{\"traceId\":\"xyz0000000000001\",\"id\":\"0000000000000002\",\"localEndpoint\":{\"serviceName\":\"a\"}}]",
      "[{\"id\":\"0000000000000002\",\"localEndpoint\":{\"serviceName\":\"a\"}}]", // no trace id
      "{\"traceId\":\"0000000000000001\",\"id\":\"0000000000000002\"}", // not a list
      "hello",
  })
  void malformedBatchesAreRefusedWhole(String body) {
    Problem problem = refused(http.postJson(bytes(body)), 400);
    assertThat(problem.slug()).isEqualTo("invalid");
  }

  @Test
  void oneBadSpanRefusesTheGoodOnesBeforeIt() {
    String body = "[" + GOOD + "," + span("0000000000000001", "0000000000000002", "123") + "]";
    Problem problem = refused(http.postJson(bytes(body)), 400);
    assertThat(problem.detail()).isEqualTo("span 1: parentId must be 16 hex characters, not 3");
  }

  @ParameterizedTest
  @ValueSource(strings = {"1", "000000000000001", "00000000000000001", "0000000000000000000000000000001"})
  void traceIdsOfTheWrongLength(String traceId) {
    Problem problem = refused(http.postJson(bytes("[" + span(traceId, "0000000000000002", null) + "]")), 400);
    assertThat(problem.detail())
        .isEqualTo("span 0: traceId must be 16 or 32 hex characters, not " + traceId.length());
  }

  @Test
  void spanIdsOfTheWrongLength() {
    Problem problem = refused(http.postJson(bytes("[" + span("0000000000000001", "00000002", null) + "]")), 400);
    assertThat(problem.detail()).isEqualTo("span 0: id must be 16 hex characters, not 8");
  }

  @Test
  void idsSpelledWithEscapesAreStillChecked() {
    String body = "[{\"trace\\u0049d\":\"00000001\",\"id\":\"0000000000000002\",\"localEndpoint\":{\"serviceName\":\"a\"}}]";
    Problem problem = refused(http.postJson(bytes(body)), 400);
    assertThat(problem.detail()).contains("traceId must be 16 or 32");
  }

  @Test
  void proto3IdsOfTheWrongLength() {
    Span good = Span.newBuilder().traceId("10000000000000000000000000000001").id("2").name("x")
        .localEndpoint(Endpoint.newBuilder().serviceName("good").build()).build();
    byte[] proto = SpanBytesEncoder.PROTO3.encodeList(List.of(good));
    // the trace id field: key 0x0a, length 16; rewrite it as an 8-byte id followed by 8 bytes of
    // an unknown field, so the decoder still reads the message
    int at = indexOf(proto, new byte[] {0x0a, 0x10});
    assertThat(at).isPositive();
    byte[] shortId = proto.clone();
    shortId[at + 1] = 0x04; // 4 bytes: 8 hex digits
    shortId[at + 2 + 4] = (byte) ((15 << 3) | 2); // field 15, length-delimited
    shortId[at + 2 + 5] = 2; // of length 2
    Problem problem = refused(http.post("/api/v2/spans", MediaType.PROTOBUF, shortId), 400);
    assertThat(problem.detail()).isEqualTo("span 0: traceId must be 16 or 32 hex characters, not 8");
  }

  @Test
  void jsonV1IsRefusedOnTheV2Endpoint() {
    String v1 = "[{\"traceId\":\"0000000000000001\",\"id\":\"0000000000000002\",\"name\":\"get\","
        + "\"binaryAnnotations\":[{\"key\":\"lc\",\"value\":\"\",\"endpoint\":{\"serviceName\":\"a\"}}]}]";
    Problem problem = refused(http.postJson(bytes(v1)), 400);
    assertThat(problem.detail()).contains("JSON_V2");
  }

  @Test
  void jsonSentAsProtobufIsRefused() {
    refused(http.post("/api/v2/spans", MediaType.PROTOBUF, bytes("[" + GOOD + "]")), 400);
  }

  @Test
  void oversizeBatchesGet413() {
    StringBuilder body = new StringBuilder("[");
    for (int i = 0; body.length() <= MAX_REQUEST; i++) {
      if (i > 0) body.append(',');
      body.append(span("0000000000000001", String.format("%016x", i + 1), null));
    }
    body.append(']');
    Problem problem = refused(http.postJson(bytes(body.toString())), 413);
    assertThat(problem.slug()).isEqualTo("too-large");
  }

  @Test
  void gzipBombsGet413() {
    byte[] zeros = new byte[MAX_REQUEST * 4];
    Problem problem = refused(http.post("/api/v2/spans", MediaType.JSON, TestHttp.gzip(zeros), "gzip"), 413);
    assertThat(problem.detail()).contains("gunzipped");
  }

  @Test
  void brokenGzipIsRefused() {
    Problem problem = refused(http.post("/api/v2/spans", MediaType.JSON, bytes("[" + GOOD + "]"), "gzip"), 400);
    assertThat(problem.detail()).contains("gunzip");
  }

  @Test
  void unknownContentEncodingIsRefused() {
    refused(http.post("/api/v2/spans", MediaType.JSON, bytes("[" + GOOD + "]"), "br"), 415);
  }

  @Test
  void emptyBatchesAreAcceptedAsNothing() {
    assertThat(http.postJson(new byte[0]).status().code()).isEqualTo(202);
    assertThat(http.postJson(bytes("[]")).status().code()).isEqualTo(202);
    assertThat(server.spanCount()).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "/api/v2/traces?limit=0",
      "/api/v2/traces?endTs=-5",
      "/api/v2/traces?lookback=abc",
      "/api/v2/traces?maxDuration=10",
      "/api/v2/traces?minDuration=10&maxDuration=5",
      "/api/v2/dependencies",
      "/api/v2/dependencies?endTs=0",
      "/api/v2/spans",
      "/api/v2/remoteServices",
      "/api/v2/autocompleteValues",
      "/api/v2/traceMany?traceIds=",
      "/api/v2/traceMany?traceIds=zz",
      "/api/v2/trace/notahexid",
      "/api/ooda/v1/services/good/neighborhood?hops=0",
      "/api/ooda/v1/services/good/neighborhood?hops=11",
      "/api/ooda/v1/services/good/neighborhood?lookback=yesterday",
      "/api/ooda/v1/services/good/red?step=0",
      "/api/ooda/v1/services/good/red?lookback=2h&step=1s",
  })
  void badQueriesGet400(String pathAndQuery) {
    Problem problem = refused(http.get(pathAndQuery), 400);
    assertThat(problem.slug()).isEqualTo("invalid");
  }

  @Test
  void unknownThingsGet404() {
    assertThat(refused(http.get("/api/v2/trace/0000000000000009"), 404).detail()).contains("0000000000000009");
    refused(http.get("/api/v2/nothing"), 404);
    refused(http.get("/api/ooda/v1/services/nobody/neighborhood"), 404);
    refused(http.get("/api/ooda/v1/services/nobody/red"), 404);
  }

  @Test
  void wrongMethodGets405() {
    refused(http.post("/api/v2/services", MediaType.JSON, bytes("[]")), 405);
  }

  static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) if (haystack[i + j] != needle[j]) continue outer;
      return i;
    }
    return -1;
  }
}
