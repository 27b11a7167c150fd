package dev.ooda.kit;

import dev.ooda.model.Instance;
import java.util.List;
import java.util.function.Consumer;

/**
 * Where the instances of other services come from. Implementations keep the last list they saw when
 * their source is away, so that a call can still find an instance while the control plane is down.
 */
public interface Discovery extends AutoCloseable {

  /**
   * Follows one service's instances: {@code listener} gets the current list at once (empty when the
   * service has none, or none yet) and a new immutable list after every change, including
   * instances that do not take traffic ({@link Instance#takesTraffic()} says which do). Closing the
   * returned handle stops the notifications.
   */
  Subscription watch(String service, Consumer<List<Instance>> listener);

  /** The service's instances right now, as the last notification gave them. */
  List<Instance> instances(String service);

  @Override
  default void close() {}

  /** Stops one {@link #watch}. */
  interface Subscription extends AutoCloseable {
    @Override
    void close();
  }
}
