package dev.ooda.examples.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ooda.model.Instance;
import dev.ooda.testing.Eventually;
import dev.ooda.testing.TestControl;
import dev.ooda.kit.Kit;
import dev.ooda.kit.RemoteProblemException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The typed client against the real service, registered with a real control plane. */
class CatalogClientTest {
  TestControl control;
  CatalogServer server;
  Kit checkout;
  CatalogClient catalog;

  @BeforeEach
  void start() throws Exception {
    control = TestControl.start();
    String zk = control.zookeeper.getConnectString();
    server = CatalogServer.start(new CatalogServer.Options(0, control.control.url(), zk, null, null));
    checkout = Kit.builder("checkout").zookeeper(zk).start();
    catalog = new CatalogClient(checkout);
    // The registration is acknowledged before the watch of a client that has just started delivers it.
    Eventually.within(Duration.ofSeconds(10), () ->
        assertThat(checkout.client("catalog").instances()).as("checkout sees catalog").anyMatch(Instance::takesTraffic));
  }

  @AfterEach
  void stop() throws Exception {
    checkout.close();
    server.close();
    control.close();
  }

  @Test
  void callersUseJavaMethodsAndRecords() {
    assertThat(catalog.find("lamp")).isEmpty();
    Item lamp = catalog.put(new Item("lamp", "Desk lamp", 2_999));
    assertThat(catalog.find("lamp")).contains(lamp);
    catalog.put(new Item("chair", "Chair", 4_900));
    assertThat(catalog.all()).extracting(Item::id).containsExactly("chair", "lamp");
  }

  @Test
  void badInputComesBackAsTheServicesProblem() {
    assertThatThrownBy(() -> catalog.put(new Item("lamp", "Desk lamp", -1)))
        .isInstanceOfSatisfying(RemoteProblemException.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.type()).isEqualTo("urn:ooda:problem:invalid");
          assertThat(e.detail()).contains("priceCents");
        });
    assertThat(catalog.all()).isEmpty();
  }
}
