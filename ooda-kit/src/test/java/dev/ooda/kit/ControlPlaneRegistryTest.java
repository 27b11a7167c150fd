package dev.ooda.kit;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.common.HttpResponse;
import dev.ooda.control.ControlPlane;
import dev.ooda.control.client.RegistryClient;
import dev.ooda.model.Instance;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The kit on the real registry: registration over HTTP, discovery by ZooKeeper watches. */
class ControlPlaneRegistryTest {
  TestPlatform platform;
  RegistryClient registry;

  @BeforeEach
  void start() throws Exception {
    platform = TestPlatform.withControlPlane();
    registry = platform.control.registry();
  }

  @AfterEach
  void stop() throws Exception {
    platform.close();
  }

  OodaService catalog(Duration drainDelay) {
    Kit kit = platform.kit("catalog", o -> o.zone("zone-a"));
    return platform.add(kit.server("v2").drainDelay(drainDelay).metadata("team", "shop")
        .service("/items", (ctx, req) -> HttpResponse.of("items")).start());
  }

  /**
   * A client of catalog once its watch has seen the instance: registration is acknowledged before
   * the ZooKeeper watch of a client that has just started delivers it.
   */
  OodaClient catalogClient() {
    OodaClient client = platform.kit("checkout").client("catalog");
    Eventually.until("the client's watch sees catalog", () -> client.instances().stream().anyMatch(Instance::takesTraffic));
    return client;
  }

  @Test
  void registersOverHttpAndIsFoundThroughZooKeeper() {
    OodaService s = catalog(Duration.ofMillis(50));
    // The control plane lists what its ZooKeeper watch has seen, a moment after it acknowledged the registration.
    Eventually.until("the registry lists the instance", () -> !registry.instances("catalog").isEmpty());
    assertThat(registry.instances("catalog")).singleElement().satisfies(i -> {
      assertThat(i.id()).isEqualTo(s.instanceId());
      assertThat(i.port()).isEqualTo(s.port());
      assertThat(i.version()).isEqualTo("v2");
      assertThat(i.zone()).isEqualTo("zone-a");
      assertThat(i.metadata()).containsEntry("team", "shop");
      assertThat(i.status()).isEqualTo(Instance.Status.UP);
    });
    OodaClient client = catalogClient();
    assertThat(client.get("/items").as(String.class)).isEqualTo("items");
    assertThat(client.instances()).extracting(Instance::id).containsExactly(s.instanceId());
  }

  @Test
  void closingMarksTheInstanceDrainingThenDeregistersIt() throws Exception {
    OodaService s = catalog(Duration.ofMillis(500));
    OodaClient client = catalogClient();
    client.get("/items").send();
    CompletableFuture<Void> closing = CompletableFuture.runAsync(s::close);
    Eventually.until("the registry shows the instance draining", () ->
        registry.instances("catalog").stream().anyMatch(i -> i.status() == Instance.Status.DRAINING));
    Eventually.until("the client's watch sees it", () ->
        client.instances().stream().noneMatch(Instance::takesTraffic));
    closing.get(20, TimeUnit.SECONDS);
    // the control plane's own view follows ZooKeeper too
    Eventually.until("the registry no longer lists it", () -> registry.instances("catalog").isEmpty());
    Eventually.until("the client's watch sees it gone", () -> client.instances().isEmpty());
  }

  @Test
  void callsGoOnWithTheLastListWhileZooKeeperIsAway() throws Exception {
    catalog(Duration.ofMillis(50));
    OodaClient client = catalogClient();
    assertThat(client.get("/items").as(String.class)).isEqualTo("items");
    platform.control.zookeeper.stop();
    try {
      for (int i = 0; i < 20; i++) assertThat(client.get("/items").as(String.class)).isEqualTo("items");
      assertThat(client.instances()).hasSize(1);
    } finally {
      platform.control.zookeeper.restart();
    }
  }

  @Test
  void aServiceThatStartsBeforeTheControlPlaneRegistersWhenItComes() throws Exception {
    int port = CodecAndErrorsTest.closedPort();
    Kit kit = platform.add(Kit.builder("early").controlPlane("http://127.0.0.1:" + port)
        .zookeeper(platform.control.zookeeper.getConnectString()).start());
    OodaService s = platform.add(kit.server("v1").drainDelay(Duration.ofMillis(50)).start());
    assertThat(s.instanceId()).isNull();
    try (ControlPlane late = ControlPlane.start(ControlPlane.Options.builder(platform.control.zookeeper.getConnectString(), Files.createTempDirectory("ooda-late")).port(port).build())) {
      Eventually.until("the instance registers", () -> s.instanceId() != null);
      RegistryClient lateRegistry = new RegistryClient(URI.create(late.url()));
      Eventually.until("the late node lists it", () -> !lateRegistry.instances("early").isEmpty());
      assertThat(lateRegistry.instances("early")).extracting(Instance::id).containsExactly(s.instanceId());
      s.close();
    }
  }
}
