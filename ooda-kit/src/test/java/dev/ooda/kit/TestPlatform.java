package dev.ooda.kit;

import dev.ooda.testing.TestControl;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Kits and services of a test around one registry: an in-process one, or a real control plane on
 * a real ZooKeeper. Everything is closed with it.
 */
final class TestPlatform implements AutoCloseable {
  /** The in-process registry, or null on a real control plane. */
  final InMemoryRegistry registry;
  /** The real control plane and ZooKeeper, or null. */
  final TestControl control;
  private final List<AutoCloseable> open = new ArrayList<>();

  /** Around an in-process registry. */
  TestPlatform() {
    this.registry = new InMemoryRegistry();
    this.control = null;
  }

  private TestPlatform(TestControl control) {
    this.registry = null;
    this.control = control;
  }

  /** Around a real control plane (registration over HTTP) and ZooKeeper (discovery by watches). */
  static TestPlatform withControlPlane() throws Exception {
    return new TestPlatform(TestControl.start());
  }

  Kit kit(String service) {
    return kit(service, o -> o);
  }

  Kit kit(String service, UnaryOperator<Kit.Builder> options) {
    Kit.Builder b = Kit.builder(service);
    if (control == null) b.registry(registry);
    else b.controlPlane(control.control.url()).zookeeper(control.zookeeper.getConnectString());
    return add(options.apply(b).start());
  }

  /** A started service; its drain delay is short, as nothing but the test watches it. */
  OodaService serve(Kit kit, UnaryOperator<OodaService.Builder> routes) {
    return add(routes.apply(kit.server("v1").drainDelay(Duration.ofMillis(50))).start());
  }

  <T extends AutoCloseable> T add(T c) {
    open.add(c);
    return c;
  }

  /** Services first, all at once (each takes a while to stop), then the rest, last made first. */
  @Override
  public void close() throws Exception {
    open.stream().filter(c -> c instanceof OodaService).parallel().forEach(c -> ((OodaService) c).close());
    for (int i = open.size() - 1; i >= 0; i--) open.get(i).close();
    if (control != null) control.close();
  }
}
