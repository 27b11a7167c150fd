package dev.ooda.kit.data;

import dev.ooda.data.DataServer;
import dev.ooda.data.NamespaceStatus;
import dev.ooda.kit.InMemoryRegistry;
import dev.ooda.kit.Kit;
import dev.ooda.model.Instance;
import dev.ooda.model.Resource;
import dev.ooda.model.ResourceCodec;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A real data service on loopback over SQLite files or an embedded PostgreSQL, registered as the
 * service {@code data} in an in-process registry, and a kit that finds it there.
 */
final class DataPlatform implements AutoCloseable {
  final EmbeddedPostgres postgres;
  final DataServer server;
  final InMemoryRegistry registry = new InMemoryRegistry();
  final Kit kit;
  private final Map<String, Resource> namespaces = new LinkedHashMap<>();

  DataPlatform(boolean onPostgres) throws Exception {
    postgres = onPostgres ? EmbeddedPostgres.builder().start() : null;
    server = new DataServer(DataServer.Options.of(0, Files.createTempDirectory("ooda-kit-data"))).start();
    route(server.port());
    kit = Kit.builder("shop").registry(registry).start();
  }

  /** Sends the service {@code data}'s calls to {@code port}. */
  void route(int port) {
    registry.set(OodaData.SERVICE, List.of(new Instance("data-" + port, OodaData.SERVICE, "v1", "127.0.0.1", port, null,
        Instance.Status.UP, Map.of(), "/health", System.currentTimeMillis(), false)));
  }

  /** Serves namespace {@code name} with {@code migrations} (YAML list items), migrated. */
  void namespace(String name, String migrations) {
    StringBuilder y = new StringBuilder("kind: Namespace\nname: ").append(name).append("\nspec:\n  owner: shop\n");
    y.append("  backend: ").append(postgres == null ? "sqlite" : "postgres").append('\n');
    if (postgres != null) y.append("  connection: {url: \"postgresql://postgres:pw@127.0.0.1:").append(postgres.getPort()).append("/postgres\"}\n");
    y.append("  migrations:\n").append(migrations.stripTrailing().indent(4));
    namespaces.put(name, ResourceCodec.readYaml(y.toString()).get(0));
    NamespaceStatus s = server.namespaces(List.copyOf(namespaces.values())).stream()
        .filter(n -> n.name().equals(name)).findFirst().orElseThrow();
    if (!s.state().equals(NamespaceStatus.READY)) throw new IllegalStateException(s.toString());
  }

  @Override
  public void close() throws Exception {
    kit.close();
    server.close();
    if (postgres != null) postgres.close();
  }
}
