package dev.ooda.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ooda.model.InvalidResourceException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContractDiffTest {
  private static final OpenApiDocument V1 = OpenApiDocument.parse(Fixtures.v1());

  private static List<ContractChange> diff(String newer) {
    return ContractDiff.between(V1, OpenApiDocument.parse(newer));
  }

  private static List<ContractChange> breaking(String newer) {
    return diff(newer).stream().filter(ContractChange::breaking).toList();
  }

  @Test
  void sameDocumentHasNoChanges() {
    assertThat(diff(Fixtures.v1())).isEmpty();
  }

  @Test
  void removedOperationBreaks() {
    assertThat(breaking(Fixtures.removedOperation())).singleElement().satisfies(c -> {
      assertThat(c.operation()).isEqualTo("DELETE /items/{id}");
      assertThat(c.operationId()).isEqualTo("deleteItem");
      assertThat(c.what()).isEqualTo("operation removed");
    });
  }

  @Test
  void removedResponseFieldBreaksEveryOperationThatAnswersIt() {
    List<ContractChange> b = breaking(Fixtures.removedResponseField());
    assertThat(b).extracting(ContractChange::operation)
        .containsExactlyInAnyOrder("GET /items", "POST /items", "GET /items/{id}");
    assertThat(b).filteredOn(c -> c.operation().equals("GET /items/{id}")).singleElement()
        .extracting(ContractChange::what).isEqualTo("response 200: field 'price' removed");
    assertThat(b).filteredOn(c -> c.operation().equals("GET /items")).singleElement()
        .extracting(ContractChange::what).isEqualTo("response 200: field '[].price' removed");
  }

  @Test
  void newRequiredRequestFieldBreaks() {
    assertThat(breaking(Fixtures.newRequiredRequestField())).singleElement().satisfies(c -> {
      assertThat(c.operation()).isEqualTo("POST /items");
      assertThat(c.what()).isEqualTo("request body: new required field 'sku'");
    });
  }

  @Test
  void narrowedRequestEnumBreaks() {
    assertThat(breaking(Fixtures.narrowedEnum())).singleElement().satisfies(c -> {
      assertThat(c.operation()).isEqualTo("POST /items");
      assertThat(c.what()).isEqualTo("request body: field 'color' enum values removed [blue]");
    });
  }

  @Test
  void changedTypeBreaks() {
    List<ContractChange> b = breaking(Fixtures.changedType());
    assertThat(b).extracting(ContractChange::operation).containsExactlyInAnyOrder("GET /items", "POST /items", "GET /items/{id}");
    assertThat(b).filteredOn(c -> c.operation().equals("GET /items/{id}")).singleElement()
        .extracting(ContractChange::what).isEqualTo("response 200: field 'price' type changed from number to string");
  }

  @Test
  void addedOptionalFieldIsCompatible() {
    List<ContractChange> all = diff(Fixtures.addedOptionalField());
    assertThat(all).isNotEmpty().noneMatch(ContractChange::breaking);
    assertThat(all).extracting(ContractChange::what).contains("request body: field 'description' added",
        "response 200: field 'description' added");
  }

  @Test
  void newOperationIsCompatible() {
    assertThat(diff(Fixtures.newOperation())).singleElement().satisfies(c -> {
      assertThat(c.operation()).isEqualTo("PUT /items/{id}");
      assertThat(c.what()).isEqualTo("operation added");
      assertThat(c.breaking()).isFalse();
    });
  }

  @Test
  void deprecationIsCompatibleAndListed() {
    OpenApiDocument d = OpenApiDocument.parse(Fixtures.deprecatedGetItem("2027-06-30"));
    assertThat(ContractDiff.between(V1, d)).noneMatch(ContractChange::breaking);
    assertThat(d.operation("getItem").deprecated()).isTrue();
    assertThat(d.operation("getItem").sunset()).isEqualTo("2027-06-30");
    assertThat(d.operation("listItems").deprecated()).isFalse();
  }

  @Test
  void examplesAreRead() {
    ContractOperation.Example e = V1.operation("getItem").example();
    assertThat(e.status()).isEqualTo(200);
    assertThat(e.contentType()).isEqualTo("application/json");
    assertThat(e.body()).contains("\"name\":\"lamp\"");
    assertThat(V1.operation("deleteItem").example()).isNull();
  }

  @Test
  void notADocumentIsRefusedWithItsReason() {
    assertThatThrownBy(() -> OpenApiDocument.parse("swagger: '2.0'\npaths: {}"))
        .isInstanceOf(InvalidResourceException.class).hasMessageContaining("Swagger 2.0");
    assertThatThrownBy(() -> OpenApiDocument.parse("openapi: 3.0.3\ninfo: {title: x, version: '1'}"))
        .isInstanceOf(InvalidResourceException.class).hasMessageContaining("paths");
    assertThatThrownBy(() -> OpenApiDocument.parse("{not json"))
        .isInstanceOf(InvalidResourceException.class).hasMessageContaining("not YAML or JSON");
  }

  @Test
  void versionsGroupIntoMajors() {
    assertThat(ContractVersions.major("v2.3.1")).isEqualTo("v2");
    assertThat(ContractVersions.major("2")).isEqualTo("v2");
    assertThat(ContractVersions.major("v1.2.0-rc.1")).isEqualTo("v1");
    assertThat(ContractVersions.major("beta")).isEqualTo("beta");
    assertThat(ContractVersions.major(null)).isEqualTo(ContractVersions.UNVERSIONED);
    assertThat(ContractVersions.compare("v1.1", "v1")).isPositive();
    assertThat(ContractVersions.compare("v1.2.0-rc.1", "v1.2.0")).isNegative();
    assertThat(ContractVersions.compare("v1.0.0", "v1")).isZero();
  }

  @Test
  void requestPathsFindTheirTemplates() {
    List<PathTemplate> t = List.of(PathTemplate.of("/items"), PathTemplate.of("/items/{id}"), PathTemplate.of("/items/{id}/photo"));
    assertThat(PathTemplate.find(t, "/items/7").template()).isEqualTo("/items/{id}");
    assertThat(PathTemplate.find(t, "/items?limit=3").template()).isEqualTo("/items");
    assertThat(PathTemplate.find(t, "/api/catalog/items/7/photo").template()).isEqualTo("/items/{id}/photo");
    assertThat(PathTemplate.find(t, "/orders/7")).isNull();
  }
}
