package dev.ooda.kit.flags;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ooda.kit.Kit;
import dev.ooda.testing.Eventually;
import dev.ooda.testing.TestControl;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.Value;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class OodaFlagProviderTest {
  @Test
  void evaluatesThroughTheOpenFeatureClientAndEmitsChanges() throws Exception {
    try (TestControl t = TestControl.start()) {
      t.client().apply("""
          kind: Flag
          name: new-checkout
          spec:
            variants: {on: true, off: false}
            defaultVariant: off
            rules: [{id: germany, constraints: [{attribute: country, operator: in, values: [de]}], variant: on}]
          ---
          kind: Flag
          name: layout
          spec: {type: json, variants: {grid: {columns: 3, dense: true}}, defaultVariant: grid}
          ---
          kind: Flag
          name: page-size
          spec: {variants: {small: 10, large: 50}, defaultVariant: large}
          """);
      try (Kit kit = Kit.builder("web").controlPlane(t.control.url()).start()) {
        OpenFeatureAPI api = OpenFeatureAPI.getInstance();
        api.setProviderAndWait("ooda-test", new OodaFlagProvider(kit.flags()));
        Client client = api.getClient("ooda-test");
        ImmutableContext german = new ImmutableContext("user-1", Map.of("country", new Value("de")));

        FlagEvaluationDetails<Boolean> d = client.getBooleanDetails("new-checkout", false, german);
        assertThat(d.getValue()).isTrue();
        assertThat(d.getVariant()).isEqualTo("on");
        assertThat(d.getReason()).isEqualTo("TARGETING_MATCH");
        assertThat(d.getFlagMetadata().getString("ruleId")).isEqualTo("germany");
        assertThat(client.getBooleanValue("new-checkout", true, new ImmutableContext("user-2"))).isFalse();
        assertThat(client.getIntegerValue("page-size", 1)).isEqualTo(50);
        assertThat(client.getDoubleValue("page-size", 1.0)).isEqualTo(50.0);
        assertThat(client.getObjectValue("layout", new Value()).asStructure().getValue("columns").asInteger()).isEqualTo(3);

        FlagEvaluationDetails<String> wrong = client.getStringDetails("new-checkout", "dflt", german);
        assertThat(wrong.getValue()).isEqualTo("dflt");
        assertThat(wrong.getErrorCode()).isEqualTo(ErrorCode.TYPE_MISMATCH);
        assertThat(client.getBooleanDetails("missing", true).getErrorCode()).isEqualTo(ErrorCode.FLAG_NOT_FOUND);

        List<List<String>> changed = new CopyOnWriteArrayList<>();
        client.onProviderConfigurationChanged(e -> changed.add(e.getFlagsChanged()));
        t.client().apply("""
            kind: Flag
            name: new-checkout
            spec: {variants: {on: true, off: false}, defaultVariant: off, killSwitch: true,
                   rules: [{id: germany, constraints: [{attribute: country, operator: in, values: [de]}], variant: on}]}
            """);
        Eventually.within(Duration.ofSeconds(5), () -> assertThat(changed).contains(List.of("new-checkout")));
        FlagEvaluationDetails<Boolean> killed = client.getBooleanDetails("new-checkout", true, german);
        assertThat(killed.getValue()).isFalse();
        assertThat(killed.getReason()).isEqualTo("DISABLED");
        api.shutdown();
      }
    }
  }
}
