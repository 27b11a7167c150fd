package dev.ooda.deploy;

import dev.ooda.model.DeploymentSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How one version's instances are started: the command line (with {@code {port}} still in it) and
 * the environment of the version, before the supervisor adds the platform's.
 */
record Launch(String service, String version, List<String> command, Map<String, String> env, String healthPath,
              int heapMb, boolean jar) {

  static Launch of(String service, DeploymentSpec.Version v) {
    DeploymentSpec.Artifact a = v.artifact();
    List<String> cmd = new ArrayList<>();
    boolean jar = a.jar() != null;
    if (jar) {
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      cmd.add("-Xmx" + v.effectiveHeapMb() + "m");
      cmd.add("-jar");
      cmd.add(Path.of(a.jar()).toAbsolutePath().toString());
    } else {
      cmd.add(a.command());
    }
    cmd.addAll(a.args());
    return new Launch(service, v.version(), List.copyOf(cmd), v.env(), v.effectiveHealthPath(), v.effectiveHeapMb(), jar);
  }

  /** The command line of an instance on {@code port}. */
  List<String> commandFor(int port) {
    return command.stream().map(s -> s.replace("{port}", Integer.toString(port))).toList();
  }
}
