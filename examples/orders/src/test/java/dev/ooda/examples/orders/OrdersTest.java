package dev.ooda.examples.orders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ooda.control.client.RegistryClient;
import dev.ooda.control.client.ResourceCache;
import dev.ooda.control.client.ZooKeeperClients;
import dev.ooda.data.DataServer;
import dev.ooda.kit.Kit;
import dev.ooda.kit.RemoteProblemException;
import dev.ooda.kit.data.NamespaceInfo;
import dev.ooda.model.Instance;
import dev.ooda.model.NamespaceSpec;
import dev.ooda.testing.Eventually;
import dev.ooda.testing.TestControl;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The orders service on a real platform: ZooKeeper, a control plane, and a data service fed with
 * the Namespace resources from ZooKeeper and registered as {@code data}, as {@code ooda up} wires
 * it. The service applies its own namespace at start. On SQLite files here; {@link OrdersPostgresTest}
 * runs the same on PostgreSQL.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OrdersTest {
  private final List<AutoCloseable> open = new ArrayList<>();
  TestControl control;
  OrdersServer server;
  Kit caller;
  OrdersClient orders;

  /** The data service's backend and the connection the namespace names. */
  String[] storage() throws Exception {
    return new String[] {"sqlite", null};
  }

  @BeforeAll
  void start() throws Exception {
    control = TestControl.start();
    String zk = control.zookeeper.getConnectString();
    DataServer data = add(new DataServer(DataServer.Options.of(0, Files.createTempDirectory("orders-data"))).start());
    add(control.registry().register("data", new dev.ooda.control.client.InstanceRegistration(null, "127.0.0.1", data.port(), null, Map.of(), "/health", Instance.Status.UP)));
    CuratorFramework curator = add(ZooKeeperClients.connect(zk));
    add(ResourceCache.open(curator, NamespaceSpec.KIND, snapshot -> data.namespaces(snapshot.values())));
    String[] s = storage();
    server = add(OrdersServer.start(new OrdersServer.Options(0, control.control.url(), zk, control.adminToken(), s[0], s[1])));
    caller = add(Kit.builder("checkout").zookeeper(zk).start());
    orders = new OrdersClient(caller);
    // Registrations are acknowledged before the watch of a client that has just started delivers them.
    for (String service : List.of("orders", "data")) {
      Eventually.within(Duration.ofSeconds(10), () ->
          assertThat(caller.client(service).instances()).as("checkout sees " + service).anyMatch(Instance::takesTraffic));
    }
  }

  <T extends AutoCloseable> T add(T c) {
    open.add(c);
    return c;
  }

  @AfterAll
  void stop() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) open.get(i).close();
    control.close();
  }

  @Test
  void theServiceAppliedItsNamespaceThroughTheControlPlane() throws Exception {
    assertThat(control.client().get("Namespace", "orders").path("spec").path("owner").asText()).isEqualTo("orders");
    NamespaceInfo ns = caller.data("orders").info();
    assertThat(ns.ready()).isTrue();
    assertThat(ns.version()).isEqualTo(2);
    assertThat(ns.backend()).isEqualTo(storage()[0]);
  }

  @Test
  void aCustomersOrdersAreListedNewestFirstPageByPage() {
    List<Long> made = new ArrayList<>();
    for (int i = 0; i < 7; i++) made.add(orders.create(new NewOrder("ann", BigDecimal.valueOf(i))).id());
    orders.create(new NewOrder("bob", BigDecimal.ONE));

    OrdersPage first = orders.list("ann", 3, null);
    assertThat(first.orders()).extracting(Order::id).containsExactly(made.get(6), made.get(5), made.get(4));
    OrdersPage second = orders.list("ann", 3, first.next());
    assertThat(second.orders()).extracting(Order::id).containsExactly(made.get(3), made.get(2), made.get(1));
    assertThat(orders.list("ann", 3, second.next()).next()).isNull();
    List<Long> newestFirst = new ArrayList<>(made);
    java.util.Collections.reverse(newestFirst);
    assertThat(orders.all("ann")).extracting(Order::id).containsExactlyElementsOf(newestFirst);
    assertThat(orders.find(made.get(0))).get().satisfies(o -> {
      assertThat(o.customer()).isEqualTo("ann");
      assertThat(o.total()).isEqualByComparingTo("0");
      assertThat(o.status()).isEqualTo(Order.OPEN);
      assertThat(o.version()).isEqualTo(1);
    });
  }

  @Test
  void aCreateRepeatedWithItsKeyMakesOneOrder() {
    Order first = orders.create(new NewOrder("cy", BigDecimal.TEN), "checkout-42");
    Order again = orders.create(new NewOrder("cy", BigDecimal.TEN), "checkout-42");
    assertThat(again.id()).isEqualTo(first.id());
    assertThat(orders.all("cy")).hasSize(1);
  }

  @Test
  void aCancelIsConditionalOnTheVersionTheCallerSaw() {
    Order o = orders.create(new NewOrder("dee", BigDecimal.TEN));
    Order cancelled = orders.cancel(o.id(), o.version());
    assertThat(cancelled.status()).isEqualTo(Order.CANCELLED);
    assertThat(cancelled.version()).isEqualTo(2);
    assertThatThrownBy(() -> orders.cancel(o.id(), o.version()))
        .isInstanceOfSatisfying(RemoteProblemException.class, e -> assertThat(e.status()).isEqualTo(412));

    Order other = orders.create(new NewOrder("dee", BigDecimal.ONE));
    assertThat(orders.cancel(other.id()).status()).isEqualTo(Order.CANCELLED);
    assertThat(orders.find(other.id())).get().extracting(Order::version).isEqualTo(2L);
  }

  @Test
  void badInputAndMissingOrdersComeBackAsTheServicesProblems() {
    assertThatThrownBy(() -> orders.create(new NewOrder("eve", new BigDecimal("-1"))))
        .isInstanceOfSatisfying(RemoteProblemException.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.problem().errors()).extracting(v -> v.path()).containsExactly("total");
        });
    // refused by the data service (the column holds 100 characters), passed on as the service's own 400
    assertThatThrownBy(() -> orders.create(new NewOrder("e".repeat(101), BigDecimal.ONE)))
        .isInstanceOfSatisfying(RemoteProblemException.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.problem().errors()).extracting(v -> v.path()).containsExactly("customer");
        });
    assertThat(orders.find(987_654)).isEmpty();
    assertThatThrownBy(() -> orders.cancel(987_654))
        .isInstanceOfSatisfying(RemoteProblemException.class, e -> assertThat(e.status()).isEqualTo(404));
    assertThat(orders.all("eve")).isEmpty();
  }
}
