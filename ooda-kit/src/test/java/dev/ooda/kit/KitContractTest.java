package dev.ooda.kit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.HttpResponse;
import dev.ooda.model.ProblemException;
import dev.ooda.model.ProblemType;
import dev.ooda.model.ResourceCodec;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A kit service that brings its OpenAPI document: served, sent with its registration, refused when it breaks. */
class KitContractTest {
  static final String V1 = """
      openapi: 3.0.3
      info: {title: catalog, version: "1"}
      paths:
        /items/{id}:
          get:
            operationId: getItem
            parameters: [{name: id, in: path, required: true, schema: {type: string}}]
            responses:
              "200":
                description: the item
                content:
                  application/json:
                    schema: {type: object, properties: {id: {type: string}, price: {type: number}}}
      """;

  TestPlatform platform;

  @BeforeEach
  void start() throws Exception {
    platform = TestPlatform.withControlPlane();
    platform.control.client().apply("kind: Service\nname: catalog\nspec:\n  contract: {mode: enforce}\n");
  }

  @AfterEach
  void stop() throws Exception {
    platform.close();
  }

  OodaService.Builder catalog(String version) {
    return platform.kit("catalog").server(version).drainDelay(Duration.ofMillis(10))
        .service("/items/{id}", (ctx, req) -> HttpResponse.of("{}"));
  }

  @Test
  void servesItsDocumentAndRegistersWithIt() throws Exception {
    OodaService s = platform.add(catalog("v1.0.0").openapi(V1).start());
    assertThat(s.contract().get("outcome").asText()).isEqualTo("first");
    String served = WebClient.of("http://127.0.0.1:" + s.port()).get(OodaService.OPENAPI_PATH).aggregate().join().contentUtf8();
    assertThat(ResourceCodec.json().readTree(served).at("/paths/~1items~1{id}/get/operationId").asText()).isEqualTo("getItem");
    assertThat(platform.control.client().contract("catalog").get("items").get(0).get("version").asText()).isEqualTo("v1.0.0");
  }

  @Test
  void aBreakingVersionDoesNotStartAndTheOldOneKeepsServing() {
    OodaService v1 = platform.add(catalog("v1.0.0").openapi(V1).start());
    String breaking = V1.replace(", price: {type: number}}", "}");
    assertThatThrownBy(() -> catalog("v1.1.0").openapi(breaking).start())
        .isInstanceOfSatisfying(ProblemException.class, e -> {
          assertThat(e.problem().is(ProblemType.CONTRACT_BREAKING)).isTrue();
          assertThat(e.problem().errors()).singleElement()
              .satisfies(v -> assertThat(v.message()).contains("response 200: field 'price' removed"));
        });
    assertThat(platform.control.registry().instances("catalog")).singleElement()
        .satisfies(i -> assertThat(i.id()).isEqualTo(v1.instanceId()));
    // As a new major version it starts beside v1.
    OodaService v2 = platform.add(catalog("v2.0.0").openapi(breaking).start());
    assertThat(v2.contract().get("major").asText()).isEqualTo("v2");
  }
}
