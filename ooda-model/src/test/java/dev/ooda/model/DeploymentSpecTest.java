package dev.ooda.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DeploymentSpecTest {
  private static final String CANARY = """
      kind: Deployment
      name: catalog
      spec:
        service: catalog
        route: catalog
        versions:
          - {version: v1, artifact: {jar: /srv/catalog-1.jar}, instances: 2}
          - version: v2
            artifact: {command: java, args: [-cp, /srv/c2.jar, Main, "{port}"]}
            env: {CATALOG_DB: "secret:catalog-db", MODE: fast}
            heapMb: 256
        strategy:
          type: canary
          steps: [{weight: 10, hold: 30s}, {weight: 100}]
          analysis: {minRequests: 5, onFailure: pause}
        keepPrevious: 2m
      """;

  @Test
  void aCanaryDeploymentReadsWithDefaults() {
    Resource r = ResourceCodec.readYaml(CANARY).get(0);
    assertThat(Kinds.find("deployments")).contains(DeploymentSpec.KIND);
    DeploymentSpec s = r.spec(DeploymentSpec.class);
    assertThat(s.versions()).extracting(DeploymentSpec.Version::version).containsExactly("v1", "v2");
    assertThat(s.version("v1").effectiveInstances()).isEqualTo(2);
    assertThat(s.version("v2").effectiveInstances()).isEqualTo(1);
    assertThat(s.version("v2").effectiveHealthPath()).isEqualTo("/health");
    assertThat(s.version("v1").effectiveHeapMb()).isEqualTo(128);
    assertThat(s.strategy().steps().get(0).effectiveHold()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.strategy().steps().get(1).effectiveHold()).isEqualTo(DeploymentSpec.DEFAULT_HOLD);
    DeploymentSpec.Analysis a = s.strategy().effectiveAnalysis();
    assertThat(a.minRequests()).isEqualTo(5);
    assertThat(a.onFailure()).isEqualTo("pause");
    assertThat(a.maxErrorRateIncrease()).isEqualTo(0.01);
    assertThat(s.effectiveKeepPrevious()).isEqualTo(Duration.ofMinutes(2));
    // a status written back survives the round trip
    DeploymentSpec withStatus = s.withStatus(new DeploymentSpec.Status("v1", "v2", null, null,
        DeploymentSpec.Phase.progressing, 0, "2026-01-01T00:00:00Z", "step 1 of 2", null));
    Resource again = ResourceCodec.readYaml(ResourceCodec.toYaml(java.util.List.of(Resource.of(DeploymentSpec.KIND, "catalog", withStatus)))).get(0);
    assertThat(again.spec(DeploymentSpec.class).status().phase()).isEqualTo(DeploymentSpec.Phase.progressing);
  }

  @Test
  void validationNamesTheField() {
    assertThatThrownBy(() -> ResourceCodec.readYaml(CANARY.replace("  route: catalog\n", "")))
        .hasMessageContaining("spec.route: is required for a canary");
    assertThatThrownBy(() -> ResourceCodec.readYaml(CANARY.replace("{jar: /srv/catalog-1.jar}", "{jar: a.jar, command: java}")))
        .hasMessageContaining("spec.versions[0].artifact: needs exactly one of jar, command");
    assertThatThrownBy(() -> ResourceCodec.readYaml(CANARY.replace("version: v2", "version: v1")))
        .hasMessageContaining("spec.versions[1].version: 'v1' is listed twice");
    assertThatThrownBy(() -> ResourceCodec.readYaml(CANARY.replace("{weight: 100}", "{weight: 5}")))
        .hasMessageContaining("spec.strategy.steps[1].weight: must be more than the step before (10)");
    assertThatThrownBy(() -> ResourceCodec.readYaml(CANARY.replace("secret:catalog-db", "secret:Catalog DB")))
        .hasMessageContaining("spec.versions[1].env.CATALOG_DB");
    assertThatThrownBy(() -> ResourceCodec.readYaml(CANARY.replace("MODE: fast", "OODA_PORT: '1'")))
        .hasMessageContaining("spec.versions[1].env.OODA_PORT");
    assertThatThrownBy(() -> ResourceCodec.readYaml(CANARY.replace("type: canary", "type: blueGreen")))
        .hasMessageContaining("spec.strategy.steps: blueGreen has no steps");
    assertThatThrownBy(() -> ResourceCodec.readYaml(CANARY.replace("type: canary", "type: blueGreen").replace("  route: catalog\n", "")
        .replace("    steps: [{weight: 10, hold: 30s}, {weight: 100}]\n", "")))
        .hasMessageContaining("spec.route: is required for blueGreen");
    assertThat(ResourceCodec.readYaml(CANARY.replace("type: canary", "type: blueGreen")
        .replace("    steps: [{weight: 10, hold: 30s}, {weight: 100}]\n", "")).get(0).spec(DeploymentSpec.class).strategyType())
        .isEqualTo(DeploymentSpec.BLUE_GREEN);
    assertThatThrownBy(() -> ResourceCodec.readYaml(CANARY.replace("onFailure: pause", "onFailure: panic")))
        .hasMessageContaining("spec.strategy.analysis.onFailure");
    assertThatThrownBy(() -> ResourceCodec.readYaml(CANARY.replace("instances: 2", "instances: -1")))
        .hasMessageContaining("spec.versions[0].instances: must be between 0 and 100");
    assertThatThrownBy(() -> ResourceCodec.readYaml("kind: Deployment\nname: x\nspec: {service: x}\n"))
        .hasMessageContaining("spec.versions: needs at least one version");
    assertThatThrownBy(() -> ResourceCodec.readYaml(CANARY.replace("keepPrevious: 2m", "idle: {after: 1s}")))
        .hasMessageContaining("spec.idle.after: is required and must be at least 5s");
  }

  @Test
  void scaleToZeroAndItsColdStartSurviveTheRoundTrip() {
    Resource r = ResourceCodec.readYaml(CANARY.replace("keepPrevious: 2m", "idle: {after: 10m}")).get(0);
    DeploymentSpec s = r.spec(DeploymentSpec.class);
    assertThat(s.idle().after()).isEqualTo(Duration.ofMinutes(10));
    DeploymentSpec withStatus = s.withStatus(new DeploymentSpec.Status("v1", null, null, null, DeploymentSpec.Phase.stable,
        null, null, "v1 serves", null, new DeploymentSpec.ColdStart("2026-01-01T00:00:00Z", 2310L), null));
    DeploymentSpec again = ResourceCodec.readYaml(ResourceCodec.toYaml(java.util.List.of(Resource.of(DeploymentSpec.KIND, "catalog",
        withStatus)))).get(0).spec(DeploymentSpec.class);
    assertThat(again.idle().after()).isEqualTo(Duration.ofMinutes(10));
    assertThat(again.status().coldStart().millis()).isEqualTo(2310L);
  }

  @Test
  void aFunctionAndARouteToItReadAndNameWhatIsWrong() {
    String fn = "kind: Function\nname: resize\nspec: {handler: com.example.Resize, concurrency: 4}\n";
    FunctionSpec f = ResourceCodec.readYaml(fn).get(0).spec(FunctionSpec.class);
    assertThat(Kinds.find("functions")).contains(FunctionSpec.KIND);
    assertThat(f.effectiveConcurrency()).isEqualTo(4);
    assertThat(f.effectiveIdle()).isEqualTo(FunctionSpec.DEFAULT_IDLE);
    assertThatThrownBy(() -> ResourceCodec.readYaml(fn.replace("com.example.Resize", "not a class")))
        .hasMessageContaining("spec.handler: is required: the class implementing dev.ooda.function.Handler");
    assertThatThrownBy(() -> ResourceCodec.readYaml(fn.replace("concurrency: 4", "concurrency: 0")))
        .hasMessageContaining("spec.concurrency: must be between 1 and 1000");

    String route = "kind: Route\nname: resize\nspec: {match: {pathPrefix: /resize}, to: [{function: resize}]}\n";
    RouteSpec.Target t = ResourceCodec.readYaml(route).get(0).spec(RouteSpec.class).to().get(0);
    assertThat(t.destination()).isEqualTo("resize");
    assertThat(t.service()).isNull();
    assertThatThrownBy(() -> ResourceCodec.readYaml(route.replace("{function: resize}", "{function: resize, service: resize}")))
        .hasMessageContaining("spec.to[0]: needs exactly one of service, url, function");
    assertThatThrownBy(() -> ResourceCodec.readYaml(route.replace("{function: resize}", "{function: resize, version: v2}")))
        .hasMessageContaining("spec.to[0].version: does not apply to a function");
  }

  @Test
  void aScheduleIsValidatedAndItsStatusRoundTrips() {
    String scheduled = CANARY.replace("  keepPrevious: 2m\n",
        "  keepPrevious: 2m\n  schedule: {uptime: \"Mon-Fri 08:00-19:00 Europe/Berlin\", forceUp: \"2026-12-03T22:00:00Z\"}\n");
    DeploymentSpec s = ResourceCodec.readYaml(scheduled).get(0).spec(DeploymentSpec.class);
    assertThat(s.schedule().uptime()).isEqualTo("Mon-Fri 08:00-19:00 Europe/Berlin");
    assertThat(s.schedule().forceUp()).isEqualTo("2026-12-03T22:00:00Z");
    assertThatThrownBy(() -> ResourceCodec.readYaml(scheduled.replace("Mon-Fri", "Mon-Fry")))
        .hasMessageContaining("spec.schedule.uptime: 'Fry' in 'Mon-Fry 08:00-19:00 Europe/Berlin' is not a day");
    assertThatThrownBy(() -> ResourceCodec.readYaml(scheduled.replace("2026-12-03T22:00:00Z", "tonight")))
        .hasMessageContaining("spec.schedule.forceUp: 'tonight' must be an instant");
    assertThatThrownBy(() -> ResourceCodec.readYaml(scheduled.replace("uptime: \"Mon-Fri 08:00-19:00 Europe/Berlin\", ", "")))
        .hasMessageContaining("spec.schedule.uptime: is required");
    DeploymentSpec down = s.withStatus(new DeploymentSpec.Status("v1", null, null, null, DeploymentSpec.Phase.stable, null, null,
        "v1 serves", null).withDown("outside uptime Mon-Fri 08:00-19:00 Europe/Berlin"));
    Resource again = ResourceCodec.readYaml(ResourceCodec.toYaml(java.util.List.of(Resource.of(DeploymentSpec.KIND, "catalog", down)))).get(0);
    assertThat(again.spec(DeploymentSpec.class).status().down()).isEqualTo("outside uptime Mon-Fri 08:00-19:00 Europe/Berlin");
    assertThat(again.spec(DeploymentSpec.class).schedule()).isEqualTo(s.schedule());
  }
}
