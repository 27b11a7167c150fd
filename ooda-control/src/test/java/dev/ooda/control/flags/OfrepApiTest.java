package dev.ooda.control.flags;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ooda.control.Eventually;
import dev.ooda.control.TestControl;
import dev.ooda.model.ResourceCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class OfrepApiTest {
  static TestControl t;
  static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    t = TestControl.start();
    t.client().apply("""
        kind: Segment
        name: staff
        spec: {constraints: [{attribute: email, operator: ends_with, values: ["@example.com"]}]}
        ---
        kind: Flag
        name: new-checkout
        spec:
          owner: team-checkout
          variants: {on: true, off: false}
          defaultVariant: off
          rules:
            - {id: staff, segments: [staff], variant: on}
            - {id: gradual, rollout: {percentages: {on: 10, off: 90}}}
        ---
        kind: Flag
        name: banner
        spec: {variants: {plain: "Welcome", sale: "50% off"}, defaultVariant: plain}
        """);
  }

  @AfterAll
  static void stop() throws Exception {
    t.close();
  }

  static HttpResponse<String> post(String path, String body, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(t.control.url() + path))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode json(HttpResponse<String> r) throws Exception {
    return ResourceCodec.json().readTree(r.body());
  }

  @Test
  void evaluatesOneFlagWithItsReasonAndRule() throws Exception {
    HttpResponse<String> r = post("/ofrep/v1/evaluate/flags/new-checkout",
        "{\"context\": {\"targetingKey\": \"u-1\", \"email\": \"ann@example.com\"}}");
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode n = json(r);
    assertThat(n.get("key").asText()).isEqualTo("new-checkout");
    assertThat(n.get("value").asBoolean()).isTrue();
    assertThat(n.get("variant").asText()).isEqualTo("on");
    assertThat(n.get("reason").asText()).isEqualTo("TARGETING_MATCH");
    assertThat(n.get("metadata").get("ruleId").asText()).isEqualTo("staff");

    JsonNode split = json(post("/ofrep/v1/evaluate/flags/new-checkout", "{\"context\": {\"targetingKey\": \"u-1\"}}"));
    assertThat(split.get("reason").asText()).isEqualTo("SPLIT");
    assertThat(split.get("metadata").get("ruleId").asText()).isEqualTo("gradual");

    JsonNode plain = json(post("/ofrep/v1/evaluate/flags/banner", ""));
    assertThat(plain.get("value").asText()).isEqualTo("Welcome");
    assertThat(plain.get("reason").asText()).isEqualTo("DEFAULT");
  }

  @Test
  void errorsHaveOfrepShapes() throws Exception {
    HttpResponse<String> missing = post("/ofrep/v1/evaluate/flags/nope", "{\"context\": {}}");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(json(missing).get("errorCode").asText()).isEqualTo("FLAG_NOT_FOUND");
    assertThat(json(missing).get("key").asText()).isEqualTo("nope");
    HttpResponse<String> broken = post("/ofrep/v1/evaluate/flags/banner", "{\"context\": ");
    assertThat(broken.statusCode()).isEqualTo(400);
    assertThat(json(broken).get("errorCode").asText()).isEqualTo("PARSE_ERROR");
    HttpResponse<String> badContext = post("/ofrep/v1/evaluate/flags/banner", "{\"context\": [1]}");
    assertThat(json(badContext).get("errorCode").asText()).isEqualTo("INVALID_CONTEXT");
    HttpResponse<String> bulkBroken = post("/ofrep/v1/evaluate/flags", "nonsense");
    assertThat(bulkBroken.statusCode()).isEqualTo(400);
    assertThat(json(bulkBroken).get("errorCode").asText()).isEqualTo("PARSE_ERROR");
  }

  @Test
  void bulkAnswersEveryFlagWithAnETagAnd304WhileNothingChanged() throws Exception {
    String body = "{\"context\": {\"targetingKey\": \"u-7\"}}";
    HttpResponse<String> first = post("/ofrep/v1/evaluate/flags", body);
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(json(first).get("flags")).extracting(f -> f.get("key").asText()).contains("banner", "new-checkout");
    String etag = first.headers().firstValue("etag").orElseThrow();
    HttpResponse<String> again = post("/ofrep/v1/evaluate/flags", body, "If-None-Match", etag);
    assertThat(again.statusCode()).isEqualTo(304);
    assertThat(again.headers().firstValue("etag")).contains(etag);
    // another context, another answer
    assertThat(post("/ofrep/v1/evaluate/flags", "{\"context\": {\"targetingKey\": \"u-7\", \"email\": \"x@example.com\"}}",
        "If-None-Match", etag).statusCode()).isEqualTo(200);
    // a change to a flag changes the tag
    t.client().apply("kind: Flag\nname: probe\nspec: {variants: {a: A, b: B}, defaultVariant: b}\n");
    Eventually.within(Duration.ofSeconds(5), () ->
        assertThat(post("/ofrep/v1/evaluate/flags", body, "If-None-Match", etag).statusCode()).isEqualTo(200));
    assertThat(json(post("/ofrep/v1/evaluate/flags/probe", body)).get("value").asText()).isEqualTo("B");
  }

  @Test
  void segmentsMustExistWhenAFlagNamesThem() {
    assertThatThrownBy(() -> t.client().apply("""
        kind: Flag
        name: orphan
        spec: {variants: {on: true, off: false}, defaultVariant: off, rules: [{id: r, segments: [ghosts], variant: on}]}
        """)).hasMessageContaining("spec.rules[0].segments[0]").hasMessageContaining("unknown segment 'ghosts'");
    assertThatThrownBy(() -> t.client().delete("segments", "staff")).hasMessageContaining("used by flags new-checkout");
  }

  @Test
  void countsEvaluations() throws Exception {
    post("/ofrep/v1/evaluate/flags/banner", "{}");
    JsonNode usage = t.client().list("flag-usage");
    assertThat(usage.get("usage")).anySatisfy(u -> {
      assertThat(u.get("flag").asText()).isEqualTo("banner");
      assertThat(u.get("count").asLong()).isPositive();
      assertThat(u.get("lastEvaluated").asText()).isNotEmpty();
    });
  }
}
