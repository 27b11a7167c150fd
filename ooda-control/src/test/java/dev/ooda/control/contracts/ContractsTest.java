package dev.ooda.control.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ooda.contracts.CallerUse;
import dev.ooda.control.TestControl;
import dev.ooda.control.client.InstanceLease;
import dev.ooda.control.client.InstanceRegistration;
import dev.ooda.control.client.RegistryClient;
import dev.ooda.model.ProblemException;
import dev.ooda.model.ProblemType;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Contracts pushed and brought by registrations, on a real control plane and ZooKeeper. */
class ContractsTest {
  static TestControl t;
  /** The calls the control plane sees; each test sets what it needs. */
  static final List<CallerUse> calls = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    t = TestControl.start();
    t.control.contracts().useCallers((service, window) -> List.copyOf(calls));
  }

  @AfterAll
  static void stop() throws Exception {
    t.close();
  }

  static final String V1 = """
      openapi: 3.0.3
      info: {title: %s, version: "1"}
      paths:
        /items/{id}:
          parameters: [{name: id, in: path, required: true, schema: {type: string}}]
          get:
            operationId: getItem
            responses:
              "200":
                description: the item
                content:
                  application/json:
                    schema:
                      type: object
                      properties: {id: {type: string}, name: {type: string}, price: {type: number}}
          delete:
            operationId: deleteItem
            responses: {"204": {description: deleted}}
      """;

  static String v1(String service) {
    return V1.formatted(service);
  }

  /** v1 plus an optional field: compatible. */
  static String v11(String service) {
    return v1(service).replace("price: {type: number}}", "price: {type: number}, color: {type: string}}");
  }

  /** v1 without price in getItem's answer: breaking for getItem. */
  static String withoutPrice(String service) {
    return v1(service).replace(", price: {type: number}}", "}");
  }

  /** v1 without deleteItem: breaking for deleteItem only. */
  static String withoutDelete(String service) {
    return v1(service).replaceAll("(?s)    delete:.*?deleted}}\n", "");
  }

  static void policy(String service, String contract) {
    t.client().apply("kind: Service\nname: " + service + "\nspec:\n  contract: " + contract + "\n");
  }

  static InstanceLease register(String service, String version, int port, String openapi) {
    return t.registry().register(service, new InstanceRegistration(version, "127.0.0.1", port, null, null, null, null), openapi);
  }

  @Test
  void pushedContractsAreKeptPerMajorVersion() {
    JsonNode first = t.client().pushContract("shelf", "v1.0.0", v1("shelf"));
    assertThat(first.get("outcome").asText()).isEqualTo("first");
    assertThat(first.get("major").asText()).isEqualTo("v1");
    JsonNode next = t.client().pushContract("shelf", "v1.1.0", v11("shelf"));
    assertThat(next.get("outcome").asText()).isEqualTo("compatible");
    assertThat(next.get("changes").get(0).get("what").asText()).isEqualTo("response 200: field 'color' added");
    JsonNode shown = t.client().contract("shelf");
    assertThat(shown.get("items")).hasSize(1);
    assertThat(shown.get("items").get(0).get("version").asText()).isEqualTo("v1.1.0");
    assertThat(shown.get("items").get(0).get("operations")).hasSize(2);
    // A push of the same document again changes nothing; an older version does not replace the newer.
    assertThat(t.client().pushContract("shelf", "v1.1.0", v11("shelf")).get("outcome").asText()).isEqualTo("unchanged");
    assertThat(t.client().pushContract("shelf", "v1.0.0", v1("shelf")).get("outcome").asText()).isEqualTo("older");
    assertThat(t.client().contract("shelf").get("items").get(0).get("version").asText()).isEqualTo("v1.1.0");
    JsonNode diff = t.client().contractDiff("shelf", "v1.0.0", "v1.1.0");
    assertThat(diff.get("changes")).hasSize(1);
  }

  @Test
  void aDocumentThatIsNotOpenApiIsRefusedWhole() {
    assertThatThrownBy(() -> t.client().pushContract("bad", "v1", "openapi: 2.0\npaths: {}"))
        .isInstanceOfSatisfying(ProblemException.class, e -> {
          assertThat(e.problem().is(ProblemType.INVALID)).isTrue();
          assertThat(e.problem().detail()).contains("openapi");
        });
    assertThatThrownBy(() -> t.client().contract("bad")).isInstanceOf(ProblemException.class);
  }

  @Test
  void enforceRefusesABreakingRegistrationNamingItsCallersAndTheOldVersionKeepsServing() {
    policy("catalog", "{mode: enforce}");
    try (InstanceLease old = register("catalog", "v1.0.0", 7001, v1("catalog"))) {
      assertThat(old.contract().get("outcome").asText()).isEqualTo("first");
      calls.clear();
      calls.add(new CallerUse("orders", "GET", "/api/catalog/items/7", 42, 1_790_000_000_000L));
      assertThatThrownBy(() -> register("catalog", "v1.2.0", 7002, withoutPrice("catalog")))
          .isInstanceOfSatisfying(ProblemException.class, e -> {
            assertThat(e.problem().is(ProblemType.CONTRACT_BREAKING)).isTrue();
            assertThat(e.problem().status()).isEqualTo(409);
            assertThat(e.problem().errors()).singleElement().satisfies(v -> {
              assertThat(v.path()).isEqualTo("GET /items/{id}");
              assertThat(v.message()).contains("response 200: field 'price' removed").contains("orders 42 requests");
            });
            assertThat(e.problem().detail()).contains("new major version");
          });
      List<String> versions = t.registry().instances("catalog").stream().map(i -> i.version()).toList();
      assertThat(versions).containsExactly("v1.0.0");
      assertThat(t.client().contract("catalog").get("items").get(0).get("version").asText()).isEqualTo("v1.0.0");
      // The same change as a new major version runs beside v1.
      try (InstanceLease v2 = register("catalog", "v2.0.0", 7003, withoutPrice("catalog"))) {
        assertThat(v2.contract().get("outcome").asText()).isEqualTo("first");
        assertThat(v2.contract().get("major").asText()).isEqualTo("v2");
        assertThat(t.registry().instances("catalog")).hasSize(2);
      }
    } finally {
      calls.clear();
    }
  }

  @Test
  void unusedOkLetsABreakingChangeToAnUnusedOperationPass() {
    policy("stock", "{mode: enforce, unusedOk: true, window: 7d}");
    t.client().pushContract("stock", "v1.0.0", v1("stock"));
    calls.add(new CallerUse("orders", "GET", "/items/7", 5, 1_790_000_000_000L));
    try {
      // getItem is used: removing price is refused even with unusedOk.
      assertThatThrownBy(() -> t.client().pushContract("stock", "v1.1.0", withoutPrice("stock")))
          .isInstanceOfSatisfying(ProblemException.class, e -> assertThat(e.problem().is(ProblemType.CONTRACT_BREAKING)).isTrue());
      // Nobody called deleteItem: removing it passes, and is recorded.
      try (InstanceLease l = register("stock", "v1.1.0", 7011, withoutDelete("stock"))) {
        JsonNode c = l.contract();
        assertThat(c.get("outcome").asText()).isEqualTo("breaking-unused");
        assertThat(c.get("breaking")).singleElement().satisfies(b -> {
          assertThat(b.get("what").asText()).isEqualTo("operation removed");
          assertThat(b.get("callers")).isEmpty();
        });
      }
      JsonNode summary = t.client().contracts();
      assertThat(summary.get("items")).anySatisfy(i -> {
        assertThat(i.get("service").asText()).isEqualTo("stock");
        assertThat(i.get("flagSummary").asText()).isEqualTo("breaking v1.1.0 (unused, 1 change)");
      });
    } finally {
      calls.clear();
    }
  }

  @Test
  void warnRegistersABreakingVersionAndFlagsIt() {
    policy("basket", "{mode: warn}");
    t.client().pushContract("basket", "v1", v1("basket"));
    try (InstanceLease l = register("basket", "v1.5", 7021, withoutPrice("basket"))) {
      assertThat(l.contract().get("outcome").asText()).isEqualTo("breaking-warned");
      assertThat(l.contract().get("breaking")).hasSize(1);
      assertThat(t.registry().instances("basket")).hasSize(1);
    }
    assertThat(t.client().contracts().get("items")).anySatisfy(i -> {
      assertThat(i.get("service").asText()).isEqualTo("basket");
      assertThat(i.get("flagSummary").asText()).startsWith("breaking v1.5 (warn");
    });
  }

  @Test
  void offTakesEverythingAndAnInvalidPolicyIsRefused() {
    policy("cart", "{mode: off}");
    t.client().pushContract("cart", "v1", v1("cart"));
    assertThat(t.client().pushContract("cart", "v1.1", withoutPrice("cart")).get("outcome").asText()).isEqualTo("breaking-unchecked");
    assertThatThrownBy(() -> policy("cart", "{mode: sometimes}"))
        .isInstanceOfSatisfying(ProblemException.class, e -> assertThat(e.problem().detail()).contains("contract.mode"));
  }

  @Test
  void registrationsWithoutADocumentAreUnchanged() {
    RegistryClient r = t.registry();
    try (InstanceLease l = r.register("plain", InstanceRegistration.of("127.0.0.1", 7031))) {
      assertThat(l.contract()).isNull();
    }
  }
}
