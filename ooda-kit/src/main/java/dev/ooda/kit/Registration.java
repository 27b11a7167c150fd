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

  /** One registered instance. */
  interface Registered extends AutoCloseable {
    /** The id the registry issued. */
    String instanceId();

    /** Takes the instance out of traffic while it finishes the requests it has; it stays registered. */
    void drain();

    /** Stops renewing the lease and deregisters. */
    @Override
    void close();
  }
}
