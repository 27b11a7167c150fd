package dev.ooda.cli;

import dev.ooda.control.AdminToken;
import dev.ooda.control.client.ControlClient;
import dev.ooda.control.client.RegistryClient;
import java.net.URI;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** How a command reaches the control plane. */
final class ClientOptions {
  @Option(names = "--server", paramLabel = "URL", defaultValue = "${env:OODA_SERVER:-http://127.0.0.1:9900}",
      description = "Control plane admin API (env OODA_SERVER; default ${DEFAULT-VALUE}).")
  URI server;

  @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:OODA_TOKEN}",
      description = "Admin token (env OODA_TOKEN); for a local platform it is read from the data directory.")
  String token;

  @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = ".ooda",
      description = "Data directory of a local platform, where its admin token is (default ${DEFAULT-VALUE}).")
  Path dataDir;

  RegistryClient registry() {
    return new RegistryClient(server);
  }

  ControlClient client() {
    return new ControlClient(server, adminToken());
  }

  /** --token, OODA_TOKEN, or the bootstrap token of a local platform. */
  String adminToken() {
    return token == null || token.isBlank() ? AdminToken.read(dataDir) : token;
  }
}
