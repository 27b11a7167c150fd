package dev.ooda.kit.data;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ooda.control.client.InstanceRegistration;
import dev.ooda.control.client.ResourceCache;
import dev.ooda.control.client.ServiceCredentials;
import dev.ooda.control.client.TokenSource;
import dev.ooda.data.DataServer;
import dev.ooda.kit.Kit;
import dev.ooda.kit.RemoteProblemException;
import dev.ooda.model.Instance;
import dev.ooda.model.Kinds;
import dev.ooda.model.NamespaceSpec;
import dev.ooda.testing.Eventually;
import dev.ooda.testing.TestControl;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The data service's namespace checks, wired as {@code ooda up} wires them (Service and Namespace
 * resources from ZooKeeper, keys from the control plane in the same JVM), with kits that hold
 * real credentials and carry tokens for the audience {@code data} without code of their own.
 */
class DataAccessTest {
  TestControl control;
  DataServer data;
  final List<AutoCloseable> open = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    control = TestControl.start();
    data = new DataServer(DataServer.Options.of(0, Files.createTempDirectory("ooda-data-access"))).start();
    data.keys(control.control.identity().keySource());
    ResourceCache services = add(ResourceCache.open(control.control.zookeeper(), Kinds.SERVICE, s -> data.services(s.values())));
    services.awaitReady(10, TimeUnit.SECONDS);
    add(ResourceCache.open(control.control.zookeeper(), NamespaceSpec.KIND, s -> data.namespaces(s.values())));
    add(control.registry().register("data",
        new InstanceRegistration(null, "127.0.0.1", data.port(), null, Map.of(), "/health", Instance.Status.UP)));
    control.client().apply("""
        kind: Namespace
        name: orders
        spec:
          owner: orders
          backend: sqlite
          grants: [{service: reports, access: read}]
        """);
  }

  @AfterEach
  void stop() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) open.get(i).close();
    data.close();
    control.close();
  }

  <T extends AutoCloseable> T add(T c) {
    open.add(c);
    return c;
  }

  OodaData as(String service) {
    JsonNode c = control.client().createCredential(service);
    ServiceCredentials creds = new ServiceCredentials(service, c.get("client_id").asText(), c.get("client_secret").asText(),
        TokenSource.tokenUrl(URI.create(control.control.url())));
    Kit kit = add(Kit.builder(service).zookeeper(control.zookeeper.getConnectString()).credentials(creds).start());
    OodaData d = kit.data("orders");
    d.awaitReady(Duration.ofSeconds(20));
    return d;
  }

  void mode(String mode) {
    control.client().apply("kind: Service\nname: orders\nspec: {access: {mode: " + mode + "}}\n");
  }

  static RemoteProblemException refused(Runnable call) {
    try {
      call.run();
    } catch (RemoteProblemException e) {
      return e;
    }
    throw new AssertionError("the call went through");
  }

  @Test
  void theOwnerReadsAndWritesAReadGrantOnlyReadsAndStrangersAreRefused() throws Exception {
    OodaData owner = as("orders");
    OodaData catalog = as("catalog");
    mode("enforce");
    Eventually.within(Duration.ofSeconds(20), () ->
        assertThat(refused(() -> catalog.kv().get("cart-1", "sku", String.class)).status()).isEqualTo(403));
    owner.kv().put("cart-1", "sku", "book");
    assertThat(owner.kv().get("cart-1", "sku", String.class)).contains("book");

    OodaData reports = as("reports");
    assertThat(reports.kv().get("cart-1", "sku", String.class)).contains("book");
    RemoteProblemException write = refused(() -> reports.kv().put("cart-1", "sku", "pen"));
    assertThat(write.status()).isEqualTo(403);
    assertThat(write.type()).isEqualTo("urn:ooda:problem:not-granted");
    assertThat(write.detail()).contains("'reports'", "'orders'", "grants[0]");

    RemoteProblemException stranger = refused(() -> catalog.kv().get("cart-1", "sku", String.class));
    assertThat(stranger.status()).isEqualTo(403);
    assertThat(stranger.detail()).contains("not granted to 'catalog'", "orders, reports");

    assertThat(data.accessDecisions().get("orders")).containsKeys("allow", "deny");
  }

  @Test
  void modeOffChecksNothingAndAuditOnlyCounts() throws Exception {
    OodaData stranger = as("catalog");
    mode("off");
    stranger.kv().put("cart-2", "sku", "pen"); // nothing checked in mode off
    mode("audit");
    Eventually.within(Duration.ofSeconds(20), () -> {
      stranger.kv().put("cart-2", "sku", "cup"); // let through, counted as would-deny
      assertThat(data.accessDecisions().getOrDefault("orders", Map.of())).containsKey("would-deny");
    });
    assertThat(stranger.kv().get("cart-2", "sku", String.class)).contains("cup");
  }
}
