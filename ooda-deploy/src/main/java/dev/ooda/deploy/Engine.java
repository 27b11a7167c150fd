package dev.ooda.deploy;

import dev.ooda.model.DeploymentSpec;
import java.util.List;
import java.util.Set;

/**
 * What carries out the {@link DeploymentController}'s decisions: runs so many instances of a
 * version, and says how many are ready. The local {@link Supervisor} runs them as child processes;
 * on a cluster a Kubernetes driver runs one Kubernetes Deployment per version. Routing and canary
 * analysis stay the controller's either way.
 */
public interface Engine extends AutoCloseable {
  /** Runs {@code count} instances of version {@code v} of {@code service}: starts the missing, stops those above. */
  void scale(String service, DeploymentSpec.Version v, int count);

  /** Stops the instances of {@code service} whose version is not in {@code versions}. */
  void retainVersions(String service, Set<String> versions);

  /** Stops the instances of every service not in {@code services}. */
  void retainServices(Set<String> services);

  /** How many instances of the version are ready to take traffic. */
  int ready(String service, String version);

  /** The instances of {@code service} (all services when null). */
  List<SupervisedInstance> instances(String service);

  @Override
  void close();
}
