package dev.ooda.control.secrets;

import dev.ooda.access.TokenClaims;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ooda.control.AdminToken;
import dev.ooda.control.ControlPlane;
import dev.ooda.control.client.ControlClient;
import dev.ooda.control.client.ZooKeeperLayout;
import dev.ooda.model.Headers;
import dev.ooda.model.ProblemException;
import dev.ooda.model.ResourceCodec;
import dev.ooda.model.SecretSpec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SecretsTest {
  /** Real service tokens for the control plane, issued by it. */
  static String ordersToken;
  static String billingToken;

  static TestingServer zookeeper;
  static ControlPlane control;
  static Path dataDir;
  static ControlClient admin;
  static HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void start() throws Exception {
    zookeeper = new TestingServer(true);
    dataDir = Files.createTempDirectory("ooda-secrets");
    control = ControlPlane.start(ControlPlane.Options.builder(zookeeper.getConnectString(), dataDir).build());
    ordersToken = control.identity().issuer().issue("orders", TokenClaims.CONTROL).value();
    billingToken = control.identity().issuer().issue("billing", TokenClaims.CONTROL).value();
    admin = new ControlClient(URI.create(control.url()), AdminToken.read(dataDir));
  }

  @AfterAll
  static void stop() throws Exception {
    control.close();
    zookeeper.close();
  }

  static HttpResponse<byte[]> read(String name, String header, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(control.url() + "/api/v1/secrets/" + name + "/value"));
    if (token != null) b.header(header, header.equals("Authorization") ? "Bearer " + token : token);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  static String text(HttpResponse<byte[]> r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  static CuratorFramework zk() {
    return control.zookeeper();
  }

  @Test
  void aValueGoesRoundTripToItsOwnerAndEachSetIsANewVersion() throws Exception {
    JsonNode first = admin.setSecret("orders-db", "orders", "the orders database", "postgresql://u:first@db/orders".getBytes());
    assertThat(first.get("version").asInt()).isEqualTo(1);
    assertThat(first.get("owner").asText()).isEqualTo("orders");

    HttpResponse<byte[]> r = read("orders-db", Headers.TOKEN, ordersToken);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(text(r)).isEqualTo("postgresql://u:first@db/orders");
    assertThat(r.headers().firstValue(SecretsApi.VERSION_HEADER)).hasValue("1");

    JsonNode second = admin.setSecret("orders-db", "orders", null, "postgresql://u:second@db/orders".getBytes());
    assertThat(second.get("version").asInt()).isEqualTo(2);
    HttpResponse<byte[]> bearer = read("orders-db", "Authorization", ordersToken);
    assertThat(text(bearer)).isEqualTo("postgresql://u:second@db/orders");
    assertThat(bearer.headers().firstValue(SecretsApi.VERSION_HEADER)).hasValue("2");

    // The metadata is listed like any resource, and keeps the description given first.
    SecretSpec meta = control.secrets().metadata("orders-db").orElseThrow().spec(SecretSpec.class);
    assertThat(meta.current()).isEqualTo(2);
    assertThat(meta.description()).isEqualTo("the orders database");
    assertThat(meta.changed()).isNotNull();
    assertThat(admin.list("secrets").toString()).contains("orders-db").doesNotContain("second");
  }

  @Test
  void zooKeeperHoldsNoPlaintext() throws Exception {
    String value = "plaintext-marker-7f3a9c";
    admin.setSecret("marker", "orders", null, value.getBytes());
    List<byte[]> all = new ArrayList<>();
    all.add(zk().getData().forPath(ZooKeeperLayout.resource("Secret", "marker")));
    for (String c : zk().getChildren().forPath(ZooKeeperLayout.secretValues("marker"))) {
      all.add(zk().getData().forPath(ZooKeeperLayout.secretValues("marker") + "/" + c));
    }
    for (String c : zk().getChildren().forPath(ZooKeeperLayout.CHANGES)) {
      all.add(zk().getData().forPath(ZooKeeperLayout.CHANGES + "/" + c));
    }
    assertThat(all).hasSizeGreaterThan(2);
    for (byte[] b : all) assertThat(new String(b, StandardCharsets.ISO_8859_1)).doesNotContain(value);
    assertThat(control.secrets().current("marker").value()).isEqualTo(value.getBytes());
  }

  @Test
  void aCiphertextCopiedToAnotherSecretDoesNotOpen() throws Exception {
    admin.setSecret("copy-from", "orders", null, "from-value".getBytes());
    admin.setSecret("copy-to", "orders", null, "to-value".getBytes());
    byte[] from = zk().getData().forPath(ZooKeeperLayout.secretValue("copy-from", 1));
    zk().setData().forPath(ZooKeeperLayout.secretValue("copy-to", 1), from);
    assertThatThrownBy(() -> control.secrets().current("copy-to"))
        .hasMessageContaining("version 1 of secret copy-to does not open");
    // The same holds for another version of the same secret.
    admin.setSecret("copy-from", "orders", null, "from-value-2".getBytes());
    zk().setData().forPath(ZooKeeperLayout.secretValue("copy-from", 2), from);
    assertThatThrownBy(() -> control.secrets().current("copy-from")).hasMessageContaining("does not open");
  }

  @Test
  void onlyTheOwnersTokenReadsTheValue() throws Exception {
    admin.setSecret("orders-key", "orders", null, "k-123".getBytes());

    HttpResponse<byte[]> other = read("orders-key", Headers.TOKEN, billingToken);
    assertThat(other.statusCode()).isEqualTo(403);
    assertThat(text(other)).contains("urn:ooda:problem:forbidden").contains("billing").contains("orders").doesNotContain("k-123");

    HttpResponse<byte[]> asAdmin = read("orders-key", "Authorization", AdminToken.read(dataDir));
    assertThat(asAdmin.statusCode()).isEqualTo(403);
    assertThat(text(asAdmin)).contains("admin").doesNotContain("k-123");

    HttpResponse<byte[]> none = read("orders-key", Headers.TOKEN, null);
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(text(none)).contains("urn:ooda:problem:token-missing");

    HttpResponse<byte[]> forged = read("orders-key", Headers.TOKEN, "token-nobody");
    assertThat(forged.statusCode()).isEqualTo(401);
    assertThat(text(forged)).contains("urn:ooda:problem:token-invalid");

    assertThat(read("no-such-secret", Headers.TOKEN, ordersToken).statusCode()).isEqualTo(404);
  }

  @Test
  void writesNeedTheAdminToken() throws Exception {
    ControlClient anonymous = new ControlClient(URI.create(control.url()), null);
    assertThatThrownBy(() -> anonymous.setSecret("x", "orders", null, "v".getBytes()))
        .isInstanceOf(ProblemException.class).hasMessageContaining("admin token");
    ControlClient service = new ControlClient(URI.create(control.url()), ordersToken);
    assertThatThrownBy(() -> service.setSecret("x", "orders", null, "v".getBytes())).hasMessageContaining("not valid");
    assertThatThrownBy(() -> service.rotateMasterKey(false)).hasMessageContaining("not valid");
    assertThat(control.secrets().metadata("x")).isEmpty();
  }

  @Test
  void badInputIsRefusedAndStoresNothing() throws Exception {
    assertThatThrownBy(() -> admin.setSecret("bad-owner", "Orders_Team", null, "v".getBytes()))
        .isInstanceOf(ProblemException.class).hasMessageContaining("owner").hasMessageContaining("Orders_Team");
    assertThatThrownBy(() -> admin.setSecret("no-owner", "", null, "v".getBytes())).hasMessageContaining("owner: is required");
    assertThatThrownBy(() -> admin.setSecret("empty", "orders", null, new byte[0])).hasMessageContaining("value: is empty");
    assertThatThrownBy(() -> admin.setSecret("Bad_Name", "orders", null, "v".getBytes())).hasMessageContaining("name");
    assertThatThrownBy(() -> admin.setSecret("big", "orders", null, new byte[SecretStore.MAX_VALUE + 1]))
        .hasMessageContaining("at most " + SecretStore.MAX_VALUE);
    for (String n : List.of("bad-owner", "no-owner", "empty", "big")) {
      assertThat(control.secrets().metadata(n)).as(n).isEmpty();
      assertThat(zk().checkExists().forPath(ZooKeeperLayout.secretValues(n))).as(n).isNull();
    }
    // A failed overwrite leaves the stored value as it was.
    admin.setSecret("kept", "orders", null, "kept-1".getBytes());
    assertThatThrownBy(() -> admin.setSecret("kept", "orders", null, new byte[0])).hasMessageContaining("empty");
    assertThat(control.secrets().current("kept").version()).isEqualTo(1);
    assertThat(control.secrets().versions("kept")).containsExactly(1);
  }

  @Test
  void secretsAreNotAppliedAsDocumentsAndDeletingOneDeletesItsValues() throws Exception {
    assertThatThrownBy(() -> admin.apply("kind: Secret\nname: via-apply\nspec: {owner: orders}\n"))
        .hasMessageContaining("ooda secret set via-apply");
    assertThatThrownBy(() -> admin.apply("kind: Secret\nname: x\nspec: {owner: orders, current: 3}\n"))
        .hasMessageContaining("spec.current");
    admin.setSecret("short-lived", "orders", null, "v1".getBytes());
    admin.setSecret("short-lived", "orders", null, "v2".getBytes());
    admin.delete("secrets", "short-lived");
    assertThat(zk().checkExists().forPath(ZooKeeperLayout.secretValues("short-lived"))).isNull();
    assertThat(read("short-lived", Headers.TOKEN, ordersToken).statusCode()).isEqualTo(404);
    // Set again from scratch: version 1 again, nothing left of the old values.
    assertThat(admin.setSecret("short-lived", "orders", null, "v3".getBytes()).get("version").asInt()).isEqualTo(1);
  }

  @Test
  void onlyABoundedNumberOfOldVersionsIsKept() throws Exception {
    for (int i = 1; i <= SecretStore.KEEP_VERSIONS + 3; i++) admin.setSecret("many", "orders", null, ("v" + i).getBytes());
    int last = SecretStore.KEEP_VERSIONS + 3;
    assertThat(control.secrets().versions("many")).hasSize(SecretStore.KEEP_VERSIONS).endsWith(last);
    assertThat(new String(control.secrets().current("many").value())).isEqualTo("v" + last);
    assertThat(new String(control.secrets().open("many", last - 1))).isEqualTo("v" + (last - 1));
  }

  @Test
  void theMasterKeyFileIsPrivateAndAnotherKeyOpensNothing() throws Exception {
    Path file = dataDir.resolve(MasterKey.FILE_NAME);
    assertThat(Files.getPosixFilePermissions(file))
        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    admin.setSecret("foreign", "orders", null, "f".getBytes());
    byte[] stored = zk().getData().forPath(ZooKeeperLayout.secretValue("foreign", 1));
    assertThatThrownBy(() -> Envelope.open(MasterKey.generate(), "foreign", 1, Envelope.Sealed.of(stored)))
        .isInstanceOf(java.security.GeneralSecurityException.class);
  }

  @Test
  void rotatingTheMasterKeyRewrapsEveryDataKeyWhileReadsGoOn() throws Exception {
    Map<String, String> values = new java.util.TreeMap<>();
    for (int i = 0; i < 6; i++) {
      values.put("rot-" + i, "value-" + i);
      admin.setSecret("rot-" + i, "orders", null, ("old-" + i).getBytes());
      admin.setSecret("rot-" + i, "orders", null, ("value-" + i).getBytes());
    }
    MasterKey master = control.secrets().masterKey();
    int oldPrimary = master.primaryId();
    Envelope.Sealed before = Envelope.Sealed.of(zk().getData().forPath(ZooKeeperLayout.secretValue("rot-0", 2)));

    // Readers go on during the rotation; none may fail.
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger reads = new AtomicInteger();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread reader = new Thread(() -> {
      while (!stop.get() && failure.get() == null) {
        for (var e : values.entrySet()) {
          try {
            HttpResponse<byte[]> r = read(e.getKey(), Headers.TOKEN, ordersToken);
            if (r.statusCode() != 200 || !text(r).equals(e.getValue())) failure.set(new AssertionError(e.getKey() + ": " + r.statusCode() + " " + text(r)));
            reads.incrementAndGet();
          } catch (Exception x) {
            failure.set(x);
          }
        }
      }
    });
    reader.start();
    JsonNode rotation = admin.rotateMasterKey(false);
    // Keep reading a little past the rotation, then stop.
    int after = reads.get();
    while (reads.get() < after + values.size() && failure.get() == null) Thread.onSpinWait();
    stop.set(true);
    reader.join();
    assertThat(failure.get()).isNull();

    assertThat(rotation.get("rewrapped").asInt()).isGreaterThanOrEqualTo(12);
    assertThat(rotation.get("primary").asInt()).isNotEqualTo(oldPrimary).isEqualTo(master.primaryId());
    assertThat(rotation.get("disabled").toString()).contains(Integer.toString(oldPrimary));
    assertThat(master.enabledIds()).containsExactly(master.primaryId());

    // Every version of every secret still opens; the values were not re-encrypted, only re-wrapped.
    for (int i = 0; i < 6; i++) {
      assertThat(new String(control.secrets().open("rot-" + i, 1))).isEqualTo("old-" + i);
      assertThat(new String(control.secrets().current("rot-" + i).value())).isEqualTo("value-" + i);
    }
    Envelope.Sealed rewrapped = Envelope.Sealed.of(zk().getData().forPath(ZooKeeperLayout.secretValue("rot-0", 2)));
    assertThat(rewrapped.ciphertext()).isEqualTo(before.ciphertext());
    assertThat(rewrapped.wrappedKey()).isNotEqualTo(before.wrappedKey());
    // A wrap made with the old key no longer opens: the old key is disabled.
    assertThatThrownBy(() -> Envelope.open(master, "rot-0", 2, before)).isInstanceOf(java.security.GeneralSecurityException.class);

    // The keyset on disk is the rotated one: a control plane started from it reads everything.
    MasterKey reloaded = MasterKey.load(dataDir, Map.of());
    assertThat(reloaded.primaryId()).isEqualTo(master.primaryId());
    assertThat(new String(Envelope.open(reloaded, "rot-0", 2, rewrapped))).isEqualTo("value-0");
    // New values are wrapped with the new key.
    admin.setSecret("rot-0", "orders", null, "after".getBytes());
    assertThat(text(read("rot-0", Headers.TOKEN, ordersToken))).isEqualTo("after");

    // The token signing keys were sealed again too: each opens with the rotated keyset alone.
    MasterKeySealer sealer = new MasterKeySealer(reloaded);
    for (String kid : zk().getChildren().forPath(ZooKeeperLayout.SIGNING_KEYS)) {
      JsonNode stored = ResourceCodec.json().readTree(zk().getData().forPath(ZooKeeperLayout.signingKey(kid)));
      byte[] opened = sealer.open(java.util.Base64.getDecoder().decode(stored.path("privateKey").asText()));
      assertThat(new String(opened)).contains("\"kid\":\"" + kid + "\"", "\"d\"");
    }
  }

  @Test
  void theMasterKeyCanComeFromTheEnvironment() throws Exception {
    Path other = Files.createTempDirectory("ooda-mk");
    MasterKey fromFile = MasterKey.load(other, Map.of());
    String json = Files.readString(other.resolve(MasterKey.FILE_NAME));
    Path empty = Files.createTempDirectory("ooda-mk-empty");
    MasterKey inline = MasterKey.load(empty, Map.of(MasterKey.ENV, json));
    MasterKey byPath = MasterKey.load(empty, Map.of(MasterKey.ENV, other.resolve(MasterKey.FILE_NAME).toString()));
    assertThat(inline.primaryId()).isEqualTo(fromFile.primaryId()).isEqualTo(byPath.primaryId());
    assertThat(Files.exists(empty.resolve(MasterKey.FILE_NAME))).isFalse();
    Envelope.Sealed s = Envelope.seal(fromFile, "env", 1, "v".getBytes(), java.time.Instant.now());
    assertThat(Envelope.open(inline, "env", 1, s)).isEqualTo("v".getBytes());
    assertThatThrownBy(() -> MasterKey.load(empty, Map.of(MasterKey.ENV, "/no/such/keyset")))
        .hasMessageContaining("not a file");
    assertThatThrownBy(() -> MasterKey.load(empty, Map.of(MasterKey.ENV, "{\"not\": \"a keyset\"}")))
        .hasMessageContaining("not a Tink keyset");
  }
}
