package dev.ooda.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ooda.control.client.InstanceLease;
import dev.ooda.control.client.InstanceRegistration;
import dev.ooda.control.client.ZooKeeperLayout;
import dev.ooda.model.Instance;
import dev.ooda.model.Names;
import dev.ooda.model.ResourceCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The registry API on one control plane and a real ZooKeeper server, seen by a separate watcher. */
class RegistryTest {
  static TestControl t;
  static Watcher w;
  static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  static final Duration WAIT = Duration.ofSeconds(10);
  /** The registry's time: leases expire only when a test moves it and sweeps. */
  static final AtomicLong nanos = new AtomicLong();

  @BeforeAll
  static void start() throws Exception {
    t = TestControl.start(Registry.Options.DEFAULTS.withTicker(nanos::get));
    w = new Watcher(t.zookeeper.getConnectString());
  }

  @AfterAll
  static void stop() throws Exception {
    w.close();
    t.close();
  }

  static HttpResponse<String> call(String method, String path, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(t.control.url() + "/api/v1/registry" + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) b.header("Content-Type", "application/json");
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode json(HttpResponse<String> r) throws Exception {
    return ResourceCodec.json().readTree(r.body());
  }

  static String register(String service, String body) throws Exception {
    HttpResponse<String> r = call("POST", "/services/" + service + "/instances", body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return json(r).get("instance").get("id").asText();
  }

  static void pass(Duration d) {
    nanos.addAndGet(d.toNanos());
  }

  static void apply(String yaml) {
    t.client().apply(yaml);
  }

  @Test
  void registrationGivesAnIdAndALeaseAndEveryWatcherSeesTheInstance() throws Exception {
    String body = """
        {"host": "10.0.0.5", "port": 8080, "version": "v1.2", "zone": "zone-a",
         "metadata": {"team": "catalog", "build": "42"}, "healthPath": "/health"}""";
    HttpResponse<String> r = call("POST", "/services/catalog/instances", body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    JsonNode j = json(r);
    String id = j.get("instance").get("id").asText();
    assertThat(Names.isValid(id)).isTrue();
    assertThat(j.get("lease").get("heartbeat").asText()).isEqualTo("5s");
    assertThat(j.get("lease").get("expiry").asText()).isEqualTo("15s");
    assertThat(j.get("lease").get("heartbeatMillis").asLong()).isEqualTo(5000);

    Eventually.within(WAIT, () -> assertThat(w.of("catalog")).singleElement().satisfies(i -> {
      assertThat(i.id()).isEqualTo(id);
      assertThat(i.service()).isEqualTo("catalog");
      assertThat(i.version()).isEqualTo("v1.2");
      assertThat(i.authority()).isEqualTo("10.0.0.5:8080");
      assertThat(i.zone()).isEqualTo("zone-a");
      assertThat(i.metadata()).containsEntry("team", "catalog").containsEntry("build", "42");
      assertThat(i.healthPath()).isEqualTo("/health");
      assertThat(i.status()).isEqualTo(Instance.Status.UP);
      assertThat(i.fixed()).isFalse();
      assertThat(i.registeredAtMillis()).isPositive();
    }));
    Eventually.within(WAIT, () -> assertThat(json(call("GET", "/services/catalog/instances", null)).get("items").findValuesAsText("id"))
        .containsExactly(id));
    assertThat(json(call("GET", "/instances?service=catalog", null)).get("items").findValuesAsText("id")).containsExactly(id);
    assertThat(json(call("GET", "/instances", null)).get("items").findValuesAsText("id")).contains(id);

    // Both heartbeat forms renew the lease this node holds.
    HttpResponse<String> beat = call("POST", "/services/catalog/instances/" + id + "/heartbeat", null);
    assertThat(beat.statusCode()).as(beat.body()).isEqualTo(200);
    HttpResponse<String> put = call("PUT", "/services/catalog/instances/" + id, body);
    assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
    assertThat(json(put).get("instance").get("id").asText()).isEqualTo(id);

    // A Service resource sets the lease.
    apply("kind: Service\nname: catalog-leased\nspec: {lease: {heartbeat: 2s, expiry: 7s}}\n");
    HttpResponse<String> leased = call("POST", "/services/catalog-leased/instances", "{\"host\": \"catalog-2.internal\", \"port\": 80}");
    assertThat(json(leased).get("lease").get("heartbeat").asText()).isEqualTo("2s");
    assertThat(json(leased).get("lease").get("expiryMillis").asLong()).isEqualTo(7000);

    assertThat(call("DELETE", "/services/catalog/instances/" + id, null).statusCode()).isEqualTo(200);
    assertThat(call("DELETE", "/services/catalog-leased/instances/" + json(leased).get("instance").get("id").asText(), null)
        .statusCode()).isEqualTo(200);
  }

  @Test
  void aLeaseWithoutHeartbeatsExpiresAndWatchersDropIt() throws Exception {
    apply("kind: Service\nname: short\nspec: {lease: {heartbeat: 1s, expiry: 3s}}\n");
    try (InstanceLease kept = t.registry().register("short", InstanceRegistration.of("10.0.1.1", 8080))) {
      String silent = register("short", "{\"host\": \"10.0.1.2\", \"port\": 8080}");
      Eventually.within(WAIT, () -> assertThat(w.ids("short")).containsExactlyInAnyOrder(kept.id(), silent));
      // Four seconds pass, with one heartbeat of the kept instance halfway: only the silent one is overdue.
      pass(Duration.ofSeconds(2));
      t.registry().heartbeat("short", kept.id(), InstanceRegistration.of("10.0.1.1", 8080));
      pass(Duration.ofSeconds(2));
      t.control.registry().sweepNow();
      Eventually.within(WAIT, () -> assertThat(w.ids("short")).containsExactly(kept.id()));
      // The control node lists from its own watch, which may be a moment behind the watcher's.
      Eventually.within(WAIT, () ->
          assertThat(json(call("GET", "/services/short/instances", null)).get("items").findValuesAsText("id")).containsExactly(kept.id()));
      // Gone for good: its heartbeat now finds no lease.
      assertThat(json(call("POST", "/services/short/instances/" + silent + "/heartbeat", null)).get("type").asText())
          .isEqualTo("urn:ooda:problem:not-registered");
    }
  }

  @Test
  void explicitDeregistrationRemovesTheInstanceAtOnce() throws Exception {
    // Lease and linger are a minute here: a removal seen within seconds is the deregistration.
    apply("kind: Service\nname: slow\nspec: {lease: {heartbeat: 20s, expiry: 60s}}\n");
    String id = register("slow", "{\"host\": \"10.0.2.1\", \"port\": 9000}");
    Eventually.within(WAIT, () -> assertThat(w.ids("slow")).containsExactly(id));
    HttpResponse<String> gone = call("DELETE", "/services/slow/instances/" + id, null);
    assertThat(gone.statusCode()).as(gone.body()).isEqualTo(200);
    assertThat(json(gone).get("deregistered").get("id").asText()).isEqualTo(id);
    Eventually.within(WAIT, () -> assertThat(w.ids("slow")).isEmpty());
    assertThat(w.updates).anySatisfy(u -> {
      assertThat(u.service()).isEqualTo("slow");
      assertThat(u.instances()).isEmpty();
    });
    HttpResponse<String> again = call("DELETE", "/services/slow/instances/" + id, null);
    assertThat(again.statusCode()).isEqualTo(404);
    assertThat(again.body()).contains("urn:ooda:problem:not-registered");
  }

  @Test
  void drainingStopsNewTrafficAndHeartbeatsDoNotUndoIt() throws Exception {
    apply("kind: Service\nname: drained\nspec: {lease: {heartbeat: 1s, expiry: 3s}}\n");
    try (InstanceLease lease = t.registry().register("drained", InstanceRegistration.of("10.0.3.1", 8080))) {
      Eventually.within(WAIT, () -> assertThat(w.of("drained")).singleElement().satisfies(i -> assertThat(i.takesTraffic()).isTrue()));
      HttpResponse<String> r = call("PUT", "/services/drained/instances/" + lease.id() + "/status", "{\"status\": \"DRAINING\"}");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertThat(json(r).get("status").asText()).isEqualTo("DRAINING");
      Eventually.within(WAIT, () -> assertThat(w.of("drained")).singleElement().satisfies(i -> {
        assertThat(i.status()).isEqualTo(Instance.Status.DRAINING);
        assertThat(i.takesTraffic()).isFalse();
      }));
      // The instance learns it from its heartbeat answers, and heartbeats keep it DRAINING, even one that says UP.
      Eventually.within(WAIT, () -> assertThat(lease.instance().status()).isEqualTo(Instance.Status.DRAINING));
      int before = w.updates.size();
      InstanceRegistration up = InstanceRegistration.of("10.0.3.1", 8080).withStatus(Instance.Status.UP);
      assertThat(t.registry().heartbeat("drained", lease.id(), up).instance().status()).isEqualTo(Instance.Status.DRAINING);

      assertThat(t.registry().setStatus("drained", lease.id(), Instance.Status.UP).status()).isEqualTo(Instance.Status.UP);
      Eventually.within(WAIT, () -> assertThat(w.of("drained")).singleElement().satisfies(i -> assertThat(i.takesTraffic()).isTrue()));
      // Watches deliver in order: the status change is the only write since, so the heartbeats wrote nothing.
      assertThat(w.updates.subList(before, w.updates.size())).filteredOn(u -> u.service().equals("drained")).hasSize(1);
    }
  }

  @Test
  void fixedEndpointsAreListedAsInstancesThatNeverExpire() throws Exception {
    apply("""
        kind: Service
        name: legacy
        spec:
          lease: {heartbeat: 1s, expiry: 3s}
          health: {path: /ping}
          endpoints:
            - {url: "http://10.1.0.1:8080", version: v0, zone: a, metadata: {role: monolith}}
            - {url: "https://legacy.example.com"}
        """);
    Eventually.within(WAIT, () -> assertThat(w.of("legacy")).hasSize(2));
    assertThat(w.of("legacy")).allSatisfy(i -> {
      assertThat(i.fixed()).isTrue();
      assertThat(i.status()).isEqualTo(Instance.Status.UP);
      assertThat(i.healthPath()).isEqualTo("/ping");
    });
    assertThat(w.of("legacy")).extracting(Instance::id).containsExactly("legacy.fixed-0", "legacy.fixed-1");
    assertThat(w.of("legacy").get(0)).satisfies(i -> {
      assertThat(i.authority()).isEqualTo("10.1.0.1:8080");
      assertThat(i.version()).isEqualTo("v0");
      assertThat(i.zone()).isEqualTo("a");
      assertThat(i.metadata()).containsEntry("role", "monolith");
    });
    assertThat(w.of("legacy").get(1)).satisfies(i -> {
      assertThat(i.authority()).isEqualTo("legacy.example.com:443");
      assertThat(i.metadata()).containsEntry("scheme", "https");
    });

    // Registered instances join them; without a health path of their own they get the Service's.
    String id = register("legacy", "{\"host\": \"10.1.0.9\", \"port\": 8081}");
    Eventually.within(WAIT, () -> assertThat(w.of("legacy")).hasSize(3));
    assertThat(w.of("legacy")).filteredOn(i -> i.id().equals(id)).singleElement()
        .satisfies(i -> assertThat(i.healthPath()).isEqualTo("/ping"));
    // The registered one expires; the fixed ones stay, however long it has been.
    pass(Duration.ofSeconds(4));
    t.control.registry().sweepNow();
    Eventually.within(WAIT, () -> assertThat(w.ids("legacy")).containsExactly("legacy.fixed-0", "legacy.fixed-1"));
    pass(Duration.ofHours(1));
    t.control.registry().sweepNow();
    assertThat(w.ids("legacy")).containsExactly("legacy.fixed-0", "legacy.fixed-1");
    Eventually.within(WAIT, () ->
        assertThat(json(call("GET", "/services/legacy/instances", null)).get("items").findValuesAsText("id"))
            .containsExactly("legacy.fixed-0", "legacy.fixed-1"));

    // Fixed endpoints are configuration: they have no lease to drain or drop.
    HttpResponse<String> drain = call("PUT", "/services/legacy/instances/legacy.fixed-0/status", "{\"status\": \"DRAINING\"}");
    assertThat(drain.statusCode()).isEqualTo(400);
    assertThat(drain.body()).contains("urn:ooda:problem:fixed-endpoint", "change the Service resource");

    apply("kind: Service\nname: legacy\nspec: {lease: {heartbeat: 1s, expiry: 3s}}\n");
    Eventually.within(WAIT, () -> assertThat(w.of("legacy")).isEmpty());
  }

  @Test
  void aHeartbeatForALeaseThisNodeDoesNotHoldTellsTheClientToRegisterAgain() throws Exception {
    HttpResponse<String> beat = call("POST", "/services/orders/instances/k7qz2m4xw9ab/heartbeat", null);
    assertThat(beat.statusCode()).isEqualTo(404);
    assertThat(beat.headers().firstValue("content-type")).hasValue("application/problem+json");
    assertThat(json(beat).get("type").asText()).isEqualTo("urn:ooda:problem:not-registered");
    assertThat(json(beat).get("detail").asText()).contains("register it again", "PUT /api/v1/registry/services/orders/instances/k7qz2m4xw9ab");

    // The heartbeat that carries the registration recovers by itself, keeping the id.
    String body = "{\"host\": \"10.0.4.1\", \"port\": 7000, \"status\": \"STARTING\"}";
    HttpResponse<String> put = call("PUT", "/services/orders/instances/k7qz2m4xw9ab", body);
    assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
    assertThat(json(put).get("instance").get("status").asText()).isEqualTo("STARTING");
    Eventually.within(WAIT, () -> assertThat(w.ids("orders")).containsExactly("k7qz2m4xw9ab"));
    HttpResponse<String> renewed = call("PUT", "/services/orders/instances/k7qz2m4xw9ab", body.replace("STARTING", "UP"));
    assertThat(renewed.statusCode()).isEqualTo(200);
    // A renewal never changes the status; the status API does.
    assertThat(json(renewed).get("instance").get("status").asText()).isEqualTo("STARTING");
    // A changed address is an update.
    HttpResponse<String> moved = call("PUT", "/services/orders/instances/k7qz2m4xw9ab", body.replace("7000", "7001"));
    assertThat(moved.statusCode()).isEqualTo(200);
    Eventually.within(WAIT, () -> assertThat(w.of("orders")).singleElement().satisfies(i -> assertThat(i.port()).isEqualTo(7001)));
    assertThat(call("DELETE", "/services/orders/instances/k7qz2m4xw9ab", null).statusCode()).isEqualTo(200);
  }

  @Test
  void badInputIsRefusedWithAProblemNamingTheFieldAndNothingChanges() throws Exception {
    String keep = register("bad-a", "{\"host\": \"10.0.5.1\", \"port\": 8080}");
    Eventually.within(WAIT, () -> assertThat(w.ids("bad-a")).containsExactly(keep));
    List<String> znodesBefore = t.control.zookeeper().getChildren().forPath(ZooKeeperLayout.instances("bad-a"));
    int updatesBefore = w.updates.size();

    record Case(String method, String path, String body, int status, String expected) {}
    String ok = "{\"host\": \"10.0.5.2\", \"port\": 8080}";
    List<Case> cases = List.of(
        new Case("POST", "/services/Bad_Name/instances", ok, 400, "service: 'Bad_Name' must be lowercase"),
        new Case("POST", "/services/" + "a".repeat(64) + "/instances", ok, 400, "service: must be at most 63 characters"),
        new Case("POST", "/services/bad-a/instances", "{\"host\": \"10.0.0.999\", \"port\": 80}", 400, "host: '10.0.0.999' is not an IPv4 address"),
        new Case("POST", "/services/bad-a/instances", "{\"host\": \"not a host!\", \"port\": 80}", 400, "host: 'not a host!' is not an IPv4 or IPv6 address or a host name"),
        new Case("POST", "/services/bad-a/instances", "{\"host\": \"fe80::zz\", \"port\": 80}", 400, "host: 'fe80::zz' is not an IPv4 or IPv6 address"),
        new Case("POST", "/services/bad-a/instances", "{\"port\": 80}", 400, "host: is required"),
        new Case("POST", "/services/bad-a/instances", "{\"host\": \"10.0.5.2\", \"port\": 70000}", 400, "port: 70000 is not a port (1-65535)"),
        new Case("POST", "/services/bad-a/instances", "{\"host\": \"10.0.5.2\", \"port\": \"eighty\"}", 400, "port: must be a whole number"),
        new Case("POST", "/services/bad-a/instances", "{\"host\": \"10.0.5.2\"}", 400, "port: is required"),
        new Case("POST", "/services/bad-a/instances", "{\"adress\": \"10.0.5.2\", \"port\": 80}", 400, "adress: unknown field"),
        new Case("POST", "/services/bad-a/instances", "{\"host\": \"10.0.5.2\", \"port\": 80, \"status\": \"SLEEPING\"}", 400, "status: must be one of STARTING, UP, DRAINING, DOWN"),
        new Case("POST", "/services/bad-a/instances", "{\"host\": \"10.0.5.2\", \"port\": 80, \"healthPath\": \"health\"}", 400, "healthPath: must start with '/'"),
        new Case("POST", "/services/bad-a/instances", "{\"host\": \"10.0.5.2\", \"port\": 80, \"version\": \"v 1\"}", 400, "version: 'v 1' must be 1 to 63"),
        new Case("POST", "/services/bad-a/instances", "{\"host\": \"10.0.5.2\", \"port\": 80, \"metadata\": {\"k\": 1}}", 400, "metadata.k: must be a string"),
        new Case("POST", "/services/bad-a/instances", "{\"host\": ", 400, "invalid JSON"),
        new Case("POST", "/services/bad-a/instances", "", 400, "the body is empty"),
        new Case("POST", "/services/nope/instances/" + keep + "x/heartbeat", null, 404, "is not registered with this control node"),
        new Case("POST", "/services/bad-b/instances/" + keep + "/heartbeat", null, 409, "belongs to service bad-a, not bad-b"),
        new Case("PUT", "/services/bad-b/instances/" + keep, ok, 409, "belongs to service bad-a, not bad-b"),
        new Case("DELETE", "/services/bad-b/instances/" + keep, null, 409, "belongs to service bad-a, not bad-b"),
        new Case("PUT", "/services/bad-b/instances/" + keep + "/status", "{\"status\": \"DOWN\"}", 409, "belongs to service bad-a"),
        new Case("PUT", "/services/bad-a/instances/Not_An_Id", ok, 400, "instance: 'Not_An_Id' must be lowercase"),
        new Case("PUT", "/services/bad-a/instances/" + keep + "/status", "{\"status\": \"sleepy\"}", 400, "status: must be one of"),
        new Case("PUT", "/services/bad-a/instances/" + keep + "/status", "{\"state\": \"DOWN\"}", 400, "must be a JSON object with one field, status"),
        new Case("PUT", "/services/bad-a/instances/" + keep + "/status", "", 400, "status"));
    for (Case c : cases) {
      HttpResponse<String> r = call(c.method(), c.path(), c.body());
      assertThat(r.statusCode()).as(c.expected() + ": " + r.body()).isEqualTo(c.status());
      assertThat(r.headers().firstValue("content-type")).as(c.expected()).hasValue("application/problem+json");
      assertThat(r.body()).as(c.expected()).contains(c.expected()).doesNotContain("Exception", "at dev.ooda");
    }

    assertThat(t.control.zookeeper().getChildren().forPath(ZooKeeperLayout.instances("bad-a"))).isEqualTo(znodesBefore);
    assertThat(t.control.zookeeper().checkExists().forPath(ZooKeeperLayout.instances("bad-b"))).isNull();
    assertThat(t.control.zookeeper().checkExists().forPath(ZooKeeperLayout.instances("nope"))).isNull();
    assertThat(w.of("bad-a")).singleElement().satisfies(i -> {
      assertThat(i.id()).isEqualTo(keep);
      assertThat(i.status()).isEqualTo(Instance.Status.UP);
    });
    assertThat(w.updates.subList(updatesBefore, w.updates.size())).noneMatch(u -> u.service().startsWith("bad-"));
    call("DELETE", "/services/bad-a/instances/" + keep, null);
  }
}
