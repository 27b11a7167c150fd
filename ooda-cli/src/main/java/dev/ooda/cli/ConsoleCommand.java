package dev.ooda.cli;

import dev.ooda.console.AdminSessions;
import dev.ooda.control.AdminToken;
import dev.ooda.control.ControlPlane;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "console", description = {"Print the web console's address (and open it with --open).",
    "With --data-dir of a local platform, the address carries its bootstrap admin token, so the sign-in is filled in."})
final class ConsoleCommand implements Callable<Integer> {
  @Option(names = "--server", paramLabel = "URL", defaultValue = "${env:OODA_SERVER:-http://127.0.0.1:9900}",
      description = "Control plane that serves the console (env OODA_SERVER; default ${DEFAULT-VALUE}).")
  URI server;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "Data directory of a local platform: offer its bootstrap admin token in the address.")
  Path dataDir;

  @Option(names = "--open", description = "Also open the address in the desktop's browser.")
  boolean open;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  /** The console's sign-in, answered from the control plane's admin tokens. */
  static AdminSessions sessions(ControlPlane control) {
    return token -> {
      var info = control.identity().adminTokens().authenticate(token);
      return info == null ? null : new AdminSessions.Session(info.name(), info.scope().slug());
    };
  }

  @Override
  public Integer call() throws Exception {
    String base = server.toString().replaceAll("/+$", "") + "/console/";
    String url = base + "services";
    if (dataDir != null) {
      // In the fragment: the browser never sends it to a server, and the sign-in page removes it from the address bar
      url = base + "signin#token=" + URLEncoder.encode(AdminToken.read(dataDir), StandardCharsets.UTF_8);
    }
    spec.commandLine().getOut().println(url);
    if (open) {
      if (java.awt.GraphicsEnvironment.isHeadless() || !java.awt.Desktop.isDesktopSupported()
          || !java.awt.Desktop.getDesktop().isSupported(java.awt.Desktop.Action.BROWSE)) {
        spec.commandLine().getErr().println("no desktop browser to open here; open the address above");
        return 0;
      }
      java.awt.Desktop.getDesktop().browse(URI.create(url));
    }
    return 0;
  }
}
