package dev.ooda.access;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ooda.model.ProblemType;
import dev.ooda.model.Resource;
import dev.ooda.model.ResourceCodec;
import java.util.List;
import org.junit.jupiter.api.Test;

class AccessRulesTest {
  private static final List<Resource> SERVICES = ResourceCodec.readYaml("""
      kind: Service
      name: catalog
      spec:
        access:
          mode: enforce
          callers:
            - service: orders
            - {service: edge, methods: [GET], paths: ["/api/catalog/**", "/items/*/price"]}
      ---
      kind: Service
      name: payments
      spec:
        access: {mode: audit, callers: [{service: orders}]}
      ---
      kind: Service
      name: legacy
      spec:
        access: {mode: off, callers: [{service: orders}]}
      ---
      kind: Service
      name: open
      spec: {}
      """);
  private final AccessRules rules = AccessRules.services(SERVICES);

  @Test
  void aListedCallerWithoutRestrictionsMayDoAnything() {
    Decision d = rules.decide("orders", "catalog", "DELETE", "/anything/at/all");
    assertThat(d.outcome()).isEqualTo(Decision.Outcome.ALLOW);
    assertThat(d.letsThrough()).isTrue();
  }

  @Test
  void restrictedEntriesAllowOnlyTheirMethodsAndPaths() {
    assertThat(rules.decide("edge", "catalog", "GET", "/api/catalog").outcome()).isEqualTo(Decision.Outcome.ALLOW);
    assertThat(rules.decide("edge", "catalog", "GET", "/api/catalog/a/b").outcome()).isEqualTo(Decision.Outcome.ALLOW);
    assertThat(rules.decide("edge", "catalog", "GET", "/items/42/price").outcome()).isEqualTo(Decision.Outcome.ALLOW);
    assertThat(rules.decide("edge", "catalog", "GET", "/items/42/stock").outcome()).isEqualTo(Decision.Outcome.DENY);
    assertThat(rules.decide("edge", "catalog", "GET", "/api/catalogue").outcome()).isEqualTo(Decision.Outcome.DENY);
    Decision post = rules.decide("edge", "catalog", "POST", "/api/catalog/x");
    assertThat(post.outcome()).isEqualTo(Decision.Outcome.DENY);
    assertThat(post.nearestMiss()).contains("callers[1]", "GET", "/api/catalog/**", "POST /api/catalog/x");
  }

  @Test
  void aCallerOutsideTheGroupIsRefusedWithAnExplanation() {
    Decision d = rules.decide("reports", "catalog", "GET", "/api/catalog/1");
    assertThat(d.letsThrough()).isFalse();
    assertThat(d.refusal()).isEqualTo(ProblemType.NOT_IN_GROUP);
    assertThat(d.id()).hasSize(16);
    assertThat(d.problem().status()).isEqualTo(403);
    assertThat(d.problem().detail()).contains("'reports'", "'catalog'", "edge, orders", d.id());
  }

  @Test
  void auditModeLetsTheCallThroughAsWouldDeny() {
    Decision d = rules.decide("reports", "payments", "POST", "/pay");
    assertThat(d.outcome()).isEqualTo(Decision.Outcome.WOULD_DENY);
    assertThat(d.letsThrough()).isTrue();
    assertThat(d.fields()).containsEntry("outcome", "would-deny").containsEntry("caller", "reports");
  }

  @Test
  void modeOffAndServicesWithoutAGroupCheckNothing() {
    assertThat(rules.decide("reports", "legacy", "GET", "/").letsThrough()).isTrue();
    assertThat(rules.decide("reports", "open", "GET", "/").letsThrough()).isTrue();
    assertThat(rules.checks("legacy")).isFalse();
    assertThat(rules.checks("open")).isFalse();
    assertThat(rules.checks("catalog")).isTrue();
    assertThat(rules.checks("payments")).isTrue();
    assertThat(rules.unidentified("open", "GET", "/", ProblemType.TOKEN_MISSING, "no token").letsThrough()).isTrue();
  }

  @Test
  void aCallWithoutIdentityIsRefusedWhereTheGroupIsEnforced() {
    Decision d = rules.unidentified("catalog", "GET", "/x", ProblemType.TOKEN_MISSING, "the call carries no ooda-token");
    assertThat(d.outcome()).isEqualTo(Decision.Outcome.DENY);
    assertThat(d.problem().status()).isEqualTo(401);
    assertThat(d.explanation()).contains("without a valid service token", "no ooda-token");
    assertThat(rules.unidentified("payments", "GET", "/x", ProblemType.TOKEN_INVALID, "expired").outcome())
        .isEqualTo(Decision.Outcome.WOULD_DENY);
  }

  @Test
  void namespacesAllowTheirOwnerAndTheirGrants() {
    List<Resource> namespaces = ResourceCodec.readYaml("""
        kind: Namespace
        name: orders
        spec:
          owner: orders
          grants: [{service: reports, access: read}, {service: billing, access: write}]
        """);
    AccessRules services = AccessRules.services(ResourceCodec.readYaml("""
        kind: Service
        name: orders
        spec: {access: {mode: enforce}}
        """));
    AccessRules ns = AccessRules.namespaces(namespaces, services);
    assertThat(ns.decide("orders", "orders", AccessRules.WRITE, "/").letsThrough()).isTrue();
    assertThat(ns.decide("reports", "orders", AccessRules.READ, "/").letsThrough()).isTrue();
    assertThat(ns.decide("reports", "orders", AccessRules.WRITE, "/").letsThrough()).isFalse();
    assertThat(ns.decide("billing", "orders", AccessRules.WRITE, "/").letsThrough()).isTrue();
    Decision stranger = ns.decide("catalog", "orders", AccessRules.READ, "/");
    assertThat(stranger.refusal()).isEqualTo(ProblemType.NOT_GRANTED);
    assertThat(stranger.nearestMiss()).contains("not granted to 'catalog'");
    // The owner's mode governs its namespaces: without a group, nothing is checked.
    assertThat(AccessRules.namespaces(namespaces, AccessRules.NONE).decide("catalog", "orders", AccessRules.WRITE, "/")
        .letsThrough()).isTrue();
  }

  @Test
  void theDecisionLogWritesOneJsonLineAndCounts() throws Exception {
    DecisionLog log = new DecisionLog("catalog");
    Decision d = log.record(rules.decide("reports", "catalog", "GET", "/x"));
    log.record(rules.decide("orders", "catalog", "GET", "/x"));
    var line = ResourceCodec.json().readTree(log.line(d));
    assertThat(line.get("decision").asText()).isEqualTo(d.id());
    assertThat(line.get("caller").asText()).isEqualTo("reports");
    assertThat(line.get("nearest_miss").asText()).contains("not in the group");
    assertThat(log.counts().get("catalog")).containsEntry("deny", 1L).containsEntry("allow", 1L);
    assertThat(log.prometheus()).contains("ooda_access_decisions_total{service=\"catalog\",outcome=\"deny\"} 1");
  }

  @Test
  void badGroupsAreRefusedNamingTheField() {
    var e = org.assertj.core.api.Assertions.catchThrowable(() -> ResourceCodec.readYaml("""
        kind: Service
        name: catalog
        spec:
          access: {mode: strict, callers: [{service: Orders, methods: [get], paths: [api]}]}
        """));
    assertThat(e).hasMessageContainingAll("access.mode", "access.callers[0].service",
        "access.callers[0].methods[0]", "access.callers[0].paths[0]");
  }
}
