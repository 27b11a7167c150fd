package dev.ooda.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ooda.data.DataServer;
import dev.ooda.data.NamespaceStatus;
import dev.ooda.testing.Eventually;
import dev.ooda.testing.TestControl;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ooda secret} as a user runs it, and a namespace whose connection is a secret. */
class SecretsCliTest {
  static TestControl t;
  @TempDir Path work;

  @BeforeAll
  static void start() throws Exception {
    t = TestControl.start();
  }

  @AfterAll
  static void stop() throws Exception {
    t.close();
  }

  static UpTest.Result ooda(String stdin, String... args) {
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--server=" + t.control.url();
    all[args.length + 1] = "--token=" + t.adminToken();
    return UpTest.ooda(stdin, all);
  }

  @Test
  void setListGetAndDeleteNeverShowAValue() throws Exception {
    Path file = work.resolve("db-url");
    Files.writeString(file, "postgresql://orders:hunter2@db:5432/orders\n");
    UpTest.Result set = ooda(null, "secret", "set", "cli-db", "--owner", "orders", "--description", "orders database", "--from-file", file.toString());
    assertThat(set.code()).as(set.err()).isZero();
    assertThat(set.out()).contains("secret/cli-db version 1 (owner orders)");

    UpTest.Result fromStdin = ooda("hunter3", "secret", "set", "cli-db", "--owner", "orders");
    assertThat(fromStdin.out()).contains("version 2");
    assertThat(new String(t.control.secrets().current("cli-db").value())).isEqualTo("hunter3");

    UpTest.Result yaml = ooda(null, "get", "secrets", "-o", "yaml");
    assertThat(yaml.code()).isZero();
    assertThat(yaml.out()).contains("name: cli-db", "owner: orders", "current: 2", "changed:")
        .doesNotContain("hunter").doesNotContain("postgresql");
    assertThat(ooda(null, "get", "secret", "cli-db", "-o", "json").out()).contains("\"current\" : 2").doesNotContain("hunter");
    UpTest.Result table = ooda(null, "get", "secrets");
    assertThat(table.out()).containsPattern("NAME +OWNER +VERSION +CHANGED +DESCRIPTION")
        .containsPattern("cli-db +orders +2 +\\S+ +orders database").doesNotContain("hunter");
    assertThat(ooda(null, "secret", "list").out()).isEqualTo(table.out());

    UpTest.Result rotated = ooda(null, "secret", "rotate-master-key");
    assertThat(rotated.code()).as(rotated.err()).isZero();
    assertThat(rotated.out()).contains("master key rotated").contains("re-wrapped");
    assertThat(new String(t.control.secrets().current("cli-db").value())).isEqualTo("hunter3");

    assertThat(ooda(null, "secret", "delete", "cli-db").out()).contains("secret/cli-db deleted");
    assertThat(t.control.secrets().metadata("cli-db")).isEmpty();
  }

  @Test
  void badInputIsRefusedWithAClearErrorAndStoresNothing() {
    UpTest.Result missing = ooda(null, "secret", "set", "bad-1", "--owner", "orders", "--from-file", work.resolve("nope").toString());
    assertThat(missing.code()).isNotZero();
    assertThat(missing.err()).contains("--from-file").contains("does not exist");

    UpTest.Result owner = ooda("v", "secret", "set", "bad-2", "--owner", "Not A Service");
    assertThat(owner.code()).isNotZero();
    assertThat(owner.err()).contains("owner").contains("Not A Service");

    UpTest.Result empty = ooda("", "secret", "set", "bad-3", "--owner", "orders");
    assertThat(empty.code()).isNotZero();
    assertThat(empty.err()).contains("the value is empty");

    UpTest.Result noOwner = ooda("v", "secret", "set", "bad-4");
    assertThat(noOwner.code()).isNotZero();
    assertThat(noOwner.err()).contains("--owner");

    for (String n : new String[] {"bad-1", "bad-2", "bad-3", "bad-4"}) assertThat(t.control.secrets().metadata(n)).as(n).isEmpty();
  }

  @Test
  void aNamespaceTakesItsUrlFromItsOwnersSecretAndReconnectsWhenItChanges() throws Exception {
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
         Platform p = new Platform(new PrintWriter(new StringWriter()))) {
      String good = "postgresql://postgres:pw@127.0.0.1:" + pg.getPort() + "/postgres";
      t.client().setSecret("shop-db", "shop", null, good.getBytes());
      ControlSecrets secrets = new ControlSecrets();
      secrets.use(t.control.secrets());
      DataServer d = new DataServer(Roles.dataOptions(0, Files.createTempDirectory("ooda-data"), secrets)).start();
      Roles.data(p, t.control.zookeeper(), d, work, URI.create(t.control.url()), "127.0.0.1", t.control.identity().keySource());
      t.client().apply("""
          kind: Namespace
          name: shop
          spec: {owner: shop, backend: postgres, connection: {secret: "secret:shop-db"}}
          ---
          kind: Namespace
          name: thief
          spec: {owner: thief, backend: postgres, connection: {secret: "secret:shop-db"}}
          """);
      Eventually.within(Duration.ofSeconds(20), () -> {
        assertThat(status(d, "shop").state()).isEqualTo(NamespaceStatus.READY);
        assertThat(status(d, "shop").error()).isNull();
        assertThat(status(d, "thief").state()).isEqualTo(NamespaceStatus.UNAVAILABLE);
        assertThat(status(d, "thief").error()).contains("shop-db").contains("owned by service shop")
            .contains("namespace's owner thief").doesNotContain("postgresql");
      });

      // A new value: the namespace reconnects to it (here an address where nothing listens).
      t.client().setSecret("shop-db", "shop", null, "postgresql://postgres:pw@127.0.0.1:1/postgres".getBytes());
      Eventually.within(Duration.ofSeconds(30), () ->
          assertThat(status(d, "shop").error()).contains("cannot open its postgres storage"));
      // And back: ready again, on the database the secret names.
      t.client().setSecret("shop-db", "shop", null, good.getBytes());
      Eventually.within(Duration.ofSeconds(30), () -> {
        assertThat(status(d, "shop").state()).isEqualTo(NamespaceStatus.READY);
        assertThat(status(d, "shop").error()).isNull();
      });
      t.client().delete("namespaces", "shop");
      t.client().delete("namespaces", "thief");
    }
  }

  static NamespaceStatus status(DataServer d, String name) {
    return d.statuses().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow(() -> new AssertionError("no namespace " + name));
  }
}
