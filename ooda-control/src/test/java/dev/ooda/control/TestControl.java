package dev.ooda.control;

import dev.ooda.control.client.ControlClient;
import dev.ooda.control.client.RegistryClient;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.curator.test.TestingServer;

/**
 * A real ZooKeeper server and a control plane on loopback ephemeral ports, for this module's
 * tests (the modules above use the same fixture from ooda-testing).
 */
public final class TestControl implements AutoCloseable {
  public final TestingServer zookeeper;
  public final ControlPlane control;
  public final Path dataDir;

  private TestControl(TestingServer zookeeper, ControlPlane control, Path dataDir) {
    this.zookeeper = zookeeper;
    this.control = control;
    this.dataDir = dataDir;
  }

  public static TestControl start() throws Exception {
    return start(null);
  }

  /** With registry settings, e.g. a self-preservation threshold that a test can reach. */
  public static TestControl start(Registry.Options registry) throws Exception {
    return start(registry, null);
  }

  /** With identity settings too, e.g. a key rotation period short enough for a test to see. */
  public static TestControl start(Registry.Options registry, dev.ooda.control.identity.Identity.Options identity) throws Exception {
    TestingServer zk = new TestingServer(true);
    Path dir = Files.createTempDirectory("ooda-control");
    return new TestControl(zk, ControlPlane.start(ControlPlane.Options.builder(zk.getConnectString(), dir)
        .registry(registry).identity(identity).build()), dir);
  }

  public String adminToken() {
    return AdminToken.read(dataDir);
  }

  /** A client with the admin token. */
  public ControlClient client() {
    return new ControlClient(java.net.URI.create(control.url()), adminToken());
  }

  /** A registry client of this control plane. */
  public RegistryClient registry() {
    return new RegistryClient(java.net.URI.create(control.url()));
  }

  @Override
  public void close() throws Exception {
    control.close();
    zookeeper.close();
  }
}
