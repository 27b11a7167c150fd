package dev.ooda.model;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class HealthTest {
  @Test
  void upAndDrainingAreOneSmallShape() throws Exception {
    assertThat(new String(ResourceCodec.toJsonBytes(Health.UP), UTF_8)).isEqualTo("{\"status\":\"UP\"}");
    assertThat(new String(ResourceCodec.toJsonBytes(Health.DRAINING), UTF_8)).isEqualTo("{\"status\":\"DRAINING\"}");
    assertThat(Health.UP.httpStatus()).isEqualTo(200);
    assertThat(Health.DRAINING.httpStatus()).isEqualTo(503);
    Health gateway = Health.UP.with(Map.of("routes", 2));
    assertThat(gateway.status()).isEqualTo(Instance.Status.UP);
    assertThat(ResourceCodec.json().readValue(ResourceCodec.toJson(gateway), Health.class)).isEqualTo(gateway);
  }
}
