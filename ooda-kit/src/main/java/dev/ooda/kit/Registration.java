package dev.ooda.kit;

import dev.ooda.model.Instance;

/** How an instance joins the registry, stays in it, and leaves. */
public interface Registration {

  /**
   * Registers {@code instance} (its {@code id} is ignored; the registry issues one) and keeps it
   * registered, renewing its lease, until the returned handle is closed. Throws when the registry
   * cannot be reached; the caller tries again later.
   */
  Registered register(Instance instance);

  /**
   * Registers {@code instance} with the OpenAPI document of its version (JSON text), which the
   * registry checks against the contract of its major version. A registry that keeps no contracts
   * registers it without.
   *
   * @throws dev.ooda.model.ProblemException {@code contract-breaking} or {@code invalid} when the
   *         document is refused; trying again would not help
   */
  default Registered register(Instance instance, String openapi) {
    return register(instance);
  }

  /** One registered instance. */
  interface Registered extends AutoCloseable {
    /** The id the registry issued. */
    String instanceId();

    /** What the registry made of the registration's OpenAPI document, or null. */
    default com.fasterxml.jackson.databind.JsonNode contract() {
      return null;
    }

    /** Takes the instance out of traffic while it finishes the requests it has; it stays registered. */
    void drain();

    /** Stops renewing the lease and deregisters. */
    @Override
    void close();
  }
}
