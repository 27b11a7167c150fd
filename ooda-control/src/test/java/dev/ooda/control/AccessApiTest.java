package dev.ooda.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ooda.model.ProblemException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AccessApiTest {
  static TestControl t;

  @BeforeAll
  static void start() throws Exception {
    t = TestControl.start();
    t.client().apply("""
        kind: Service
        name: catalog
        spec:
          access:
            mode: enforce
            callers: [{service: orders}, {service: edge, methods: [GET], paths: ["/api/catalog/**"]}]
        ---
        kind: Service
        name: payments
        spec: {access: {mode: audit, callers: [{service: orders}]}}
        """);
  }

  @AfterAll
  static void stop() throws Exception {
    t.close();
  }

  @Test
  void answersAllowAndDenyWithTheRuleThatDecided() {
    JsonNode ok = t.client().accessCheck("orders", "catalog", "POST", "/items");
    assertThat(ok.get("allowed").asBoolean()).isTrue();
    assertThat(ok.get("outcome").asText()).isEqualTo("allow");

    JsonNode edge = t.client().accessCheck("edge", "catalog", "DELETE", "/api/catalog/1");
    assertThat(edge.get("allowed").asBoolean()).isFalse();
    assertThat(edge.get("nearest_miss").asText()).contains("callers[1]", "GET", "DELETE /api/catalog/1");

    JsonNode stranger = t.client().accessCheck("reports", "catalog", "GET", "/");
    assertThat(stranger.get("outcome").asText()).isEqualTo("deny");
    assertThat(stranger.get("explanation").asText()).contains("'reports'", "'catalog'", "edge, orders");
  }

  @Test
  void auditModeAnswersWouldDenyAndUnknownServicesCheckNothing() {
    JsonNode audit = t.client().accessCheck("reports", "payments", "GET", "/");
    assertThat(audit.get("outcome").asText()).isEqualTo("would-deny");
    assertThat(audit.get("allowed").asBoolean()).isTrue();
    JsonNode none = t.client().accessCheck("reports", "nowhere", "GET", "/");
    assertThat(none.get("allowed").asBoolean()).isTrue();
    assertThat(none.get("explanation").asText()).contains("no Service 'nowhere'");
  }

  @Test
  void aChangedGroupIsAnsweredAtOnce() {
    t.client().apply("""
        kind: Service
        name: ledger
        spec: {access: {mode: enforce, callers: [{service: orders}]}}
        """);
    assertThat(t.client().accessCheck("billing", "ledger", "GET", "/").get("allowed").asBoolean()).isFalse();
    t.client().apply("""
        kind: Service
        name: ledger
        spec: {access: {mode: enforce, callers: [{service: orders}, {service: billing}]}}
        """);
    assertThat(t.client().accessCheck("billing", "ledger", "GET", "/").get("allowed").asBoolean()).isTrue();
  }

  @Test
  void badQuestionsNameTheParameter() {
    ProblemException e = catchThrowableOfType(() -> t.client().accessCheck("Bad Name", "catalog", "GET", "/"), ProblemException.class);
    assertThat(e.problem().status()).isEqualTo(400);
    assertThat(e.problem().detail()).contains("from");
    e = catchThrowableOfType(() -> t.client().accessCheck("orders", "catalog", "GET", "items"), ProblemException.class);
    assertThat(e.problem().detail()).contains("path", "must start with '/'");
  }
}
