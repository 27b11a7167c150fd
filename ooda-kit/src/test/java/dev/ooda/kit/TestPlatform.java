package dev.ooda.kit;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Kits and services of a test around one in-process registry; everything is closed with it, the
 * last made first.
 */
final class TestPlatform implements AutoCloseable {
  final InMemoryRegistry registry = new InMemoryRegistry();
  private final List<AutoCloseable> open = new ArrayList<>();

  Kit kit(String service) {
    return kit(service, o -> o);
  }

  Kit kit(String service, UnaryOperator<Kit.Options> options) {
    return add(Kit.start(options.apply(Kit.Options.of(service).withRegistry(registry))));
  }

  /** A started service; its drain delay is short, as nothing but the test watches it. */
  OodaService serve(Kit kit, UnaryOperator<OodaService.Builder> routes) {
    return add(routes.apply(kit.server("v1").drainDelay(java.time.Duration.ofMillis(50))).start());
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
  }
}
