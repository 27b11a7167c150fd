package dev.ooda.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SecretSpecTest {
  @Test
  void aSecretNamesItsOwnerAndCarriesNoValue() {
    Resource r = ResourceCodec.readYaml("kind: Secret\nname: orders-db\nspec: {owner: orders, description: the orders database}\n").get(0);
    assertThat(Kinds.find("secrets")).contains(SecretSpec.KIND);
    assertThat(r.spec(SecretSpec.class).owner()).isEqualTo("orders");
    assertThatThrownBy(() -> ResourceCodec.readYaml("kind: Secret\nname: x\nspec: {owner: orders, value: hunter2}\n"))
        .hasMessageContaining("value");
  }

  @Test
  void validationNamesTheField() {
    assertThatThrownBy(() -> ResourceCodec.readYaml("kind: Secret\nname: x\nspec: {owner: Orders_Team}\n"))
        .hasMessageContaining("spec.owner").hasMessageContaining("Orders_Team");
    assertThatThrownBy(() -> ResourceCodec.readYaml("kind: Secret\nname: x\nspec: {description: no owner}\n"))
        .hasMessageContaining("spec.owner: is required");
    assertThatThrownBy(() -> ResourceCodec.readYaml("kind: Secret\nname: x\nspec: {owner: orders, current: 2}\n"))
        .hasMessageContaining("spec.current");
  }

  @Test
  void aNamespaceConnectionCanNameASecret() {
    String ns = "kind: Namespace\nname: orders\nspec: {owner: orders, backend: postgres, connection: {secret: \"%s\"}}\n";
    assertThat(ResourceCodec.readYaml(ns.formatted("secret:orders-db")).get(0).spec(NamespaceSpec.class).connection().secret())
        .isEqualTo("secret:orders-db");
    assertThatThrownBy(() -> ResourceCodec.readYaml(ns.formatted("secret:Orders DB")))
        .hasMessageContaining("spec.connection.secret").hasMessageContaining("names no secret");
    assertThatThrownBy(() -> ResourceCodec.readYaml(ns.formatted("vault:orders")))
        .hasMessageContaining("spec.connection.secret: must be env:NAME, file:/path or secret:NAME");
  }
}
