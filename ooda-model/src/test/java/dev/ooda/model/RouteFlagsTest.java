package dev.ooda.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RouteFlagsTest {
  @Test
  void flagConditionsAndSentFlagsAreReadAndPartOfTheMatchKey() {
    RouteSpec on = ResourceCodec.readYaml("""
        kind: Route
        name: checkout-new
        spec:
          match: {pathPrefix: /checkout, flags: {new-checkout: on}}
          to: [{service: checkout, version: v2}]
          flags: [dark-mode]
        """).get(0).spec(RouteSpec.class);
    // YAML 1.1 reads a bare on as true: the gateway takes it for the variant named on.
    assertThat(on.match().flags()).containsEntry("new-checkout", "true");
    assertThat(on.flags()).containsExactly("dark-mode");
    RouteSpec plain = ResourceCodec.readYaml("""
        kind: Route
        name: checkout
        spec: {match: {pathPrefix: /checkout}, to: [{service: checkout}]}
        """).get(0).spec(RouteSpec.class);
    assertThat(on.matchKey()).isNotEqualTo(plain.matchKey());
    assertThat(on.matchKey().toString()).contains("flags {new-checkout=true}");
  }

  @Test
  void badFlagNamesAreRefusedNamingTheField() {
    assertThatThrownBy(() -> ResourceCodec.readYaml("""
        kind: Route
        name: checkout
        spec:
          match: {pathPrefix: /checkout, flags: {New_Checkout: on, ok-flag: ""}}
          to: [{service: checkout}]
          flags: [Bad Name]
        """))
        .isInstanceOf(InvalidResourceException.class)
        .hasMessageContainingAll("match.flags", "New_Checkout", "match.flags.ok-flag", "needs the variant", "flags[0]");
  }
}
