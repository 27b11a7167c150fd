package dev.ooda.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ooda.control.client.ZooKeeperClients;
import dev.ooda.control.client.ZooKeeperLayout;
import dev.ooda.model.InvalidResourceException;
import dev.ooda.model.Kinds;
import dev.ooda.model.ProblemException;
import dev.ooda.model.Resource;
import dev.ooda.model.ResourceCodec;
import dev.ooda.model.RouteSpec;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ResourceStoreTest {
  static TestingServer server;
  static CuratorFramework zk;
  ResourceStore store;

  @BeforeAll
  static void startZooKeeper() throws Exception {
    server = new TestingServer(true);
    zk = ZooKeeperClients.connect(server.getConnectString());
  }

  @AfterAll
  static void stop() throws Exception {
    zk.close();
    server.close();
  }

  @BeforeEach
  void cleanStore() throws Exception {
    for (String p : List.of(ZooKeeperLayout.RESOURCES, ZooKeeperLayout.CHANGES, ZooKeeperLayout.REVISION, ZooKeeperLayout.CHANGES_TRIMMED_THROUGH)) {
      if (zk.checkExists().forPath(p) != null) zk.delete().deletingChildrenIfNeeded().forPath(p);
    }
    store = new ResourceStore(zk);
  }

  static Resource route(String name, String prefix) {
    return ResourceCodec.readYaml("kind: Route\nname: " + name + "\nspec: {match: {pathPrefix: " + prefix
        + "}, respond: {status: 200, body: " + name + "}}\n").get(0);
  }

  @Test
  void versionsGrowOnChangeAndStayWhenNothingChanged() {
    ApplyResult first = store.apply(List.of(route("a", "/a")));
    assertThat(first.outcomes().get(0).action()).isEqualTo(ApplyResult.Action.CREATED);
    assertThat(store.get(Kinds.ROUTE, "a")).get().extracting(Resource::version).isEqualTo(1L);

    ApplyResult same = store.apply(List.of(route("a", "/a")));
    assertThat(same.outcomes().get(0).action()).isEqualTo(ApplyResult.Action.UNCHANGED);
    assertThat(same.revision()).isGreaterThanOrEqualTo(first.revision());

    ApplyResult moved = store.apply(List.of(route("a", "/a2")));
    assertThat(moved.outcomes().get(0).resource().version()).isEqualTo(2);
    assertThat(moved.revision()).isGreaterThan(first.revision());
    assertThat(store.get(Kinds.ROUTE, "a").get().spec(RouteSpec.class).match().pathPrefix()).isEqualTo("/a2");
  }

  @Test
  void aStaleVersionIsRefusedWith409AndChangesNothing() {
    store.apply(List.of(route("a", "/a")));
    store.apply(List.of(route("a", "/b")));
    Resource stale = route("a", "/c").withVersion(1);
    assertThatThrownBy(() -> store.apply(List.of(stale)))
        .isInstanceOfSatisfying(ProblemException.class, e -> {
          assertThat(e.problem().status()).isEqualTo(409);
          assertThat(e.problem().detail()).contains("Route/a", "version 1", "stored version is 2");
        });
    assertThat(store.get(Kinds.ROUTE, "a").get().spec(RouteSpec.class).match().pathPrefix()).isEqualTo("/b");
    assertThat(store.apply(List.of(route("a", "/c").withVersion(2))).outcomes().get(0).resource().version()).isEqualTo(3);
  }

  @Test
  void aBatchIsAllOrNothing() {
    store.apply(List.of(route("existing", "/x")));
    long before = store.revision();
    // The third document clashes with a stored route: none of the three may be stored.
    assertThatThrownBy(() -> store.apply(List.of(route("n1", "/n1"), route("n2", "/n2"), route("n3", "/x"))))
        .isInstanceOfSatisfying(InvalidResourceException.class, e -> {
          assertThat(e.violations()).singleElement().satisfies(v -> {
            assertThat(v.document()).isEqualTo(3);
            assertThat(v.path()).isEqualTo("spec.match");
            assertThat(v.message()).contains("Route/existing", "pathPrefix /x");
          });
        });
    assertThat(store.list(Kinds.ROUTE)).extracting(Resource::name).containsExactly("existing");
    assertThat(store.revision()).isEqualTo(before);
  }

  @Test
  void twoRoutesInOneBatchMayNotShareAMatch() {
    assertThatThrownBy(() -> store.apply(List.of(route("p", "/same"), route("q", "/same"))))
        .hasMessageContaining("document 2 (Route/q): spec.match: matches the same requests as Route/p");
    assertThat(store.list(Kinds.ROUTE)).isEmpty();
  }

  @Test
  void deletesAreLoggedAndUnknownNamesAre404() {
    store.apply(List.of(route("a", "/a")));
    Change c = store.delete(Kinds.ROUTE, "a", null);
    assertThat(c.type()).isEqualTo(Change.Type.DELETED);
    assertThat(store.get(Kinds.ROUTE, "a")).isEmpty();
    assertThatThrownBy(() -> store.delete(Kinds.ROUTE, "a", null))
        .isInstanceOfSatisfying(ProblemException.class, e -> assertThat(e.problem().status()).isEqualTo(404));
  }

  @Test
  void theChangeLogReplaysInOrderAndSaysWhenItWasTrimmed() {
    long start = store.revision();
    for (int i = 0; i < 5; i++) store.apply(List.of(route("r" + i, "/r" + i)));
    store.delete(Kinds.ROUTE, "r0", null);
    List<Change> all = store.changesSince(start);
    assertThat(all).extracting(c -> c.resource().name()).containsExactly("r0", "r1", "r2", "r3", "r4", "r0");
    assertThat(all).extracting(Change::revision).isSorted().doesNotHaveDuplicates();
    assertThat(all.get(5).type()).isEqualTo(Change.Type.DELETED);
    assertThat(store.changesSince(all.get(2).revision())).extracting(c -> c.resource().name()).containsExactly("r3", "r4", "r0");

    store.trimChanges(2);
    assertThat(store.changesSince(all.get(3).revision())).hasSize(2);
    assertThatThrownBy(() -> store.changesSince(start))
        .isInstanceOfSatisfying(GoneException.class, e -> assertThat(e.problem().status()).isEqualTo(410));
  }
}
