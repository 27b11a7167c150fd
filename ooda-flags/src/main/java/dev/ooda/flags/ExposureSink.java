package dev.ooda.flags;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where an evaluator reports that an experiment put a unit in a cell. Called on the evaluation's
 * thread for every such answer, so it must not block: the kit queues and batches, the control plane
 * queues for its store, a gateway would do the same. Whoever keeps exposures counts a unit once per
 * experiment, at its first exposure; {@link #firstOnly} spares the repeats before they travel.
 */
@FunctionalInterface
public interface ExposureSink {
  /** {@code unit} was evaluated into {@code cell} of {@code experiment}. */
  void exposed(String experiment, String cell, String unit);

  /**
   * A request of a unit in {@code cell} of {@code experiment} was answered: whether it failed (5xx)
   * and how long it took, for the experiment's per-cell requests, errors and latency. Must not block.
   */
  default void request(String experiment, String cell, boolean error, double latencyMs) {}

  ExposureSink NONE = (experiment, cell, unit) -> {};

  /**
   * Passes on each (experiment, unit) once, remembering up to {@code capacity} of them; past that
   * it forgets them all and starts again, so memory stays bounded and a repeat now and then reaches
   * {@code next}, whose store keeps the first exposure only.
   */
  static ExposureSink firstOnly(ExposureSink next, int capacity) {
    Map<String, Boolean> seen = new ConcurrentHashMap<>();
    return (experiment, cell, unit) -> {
      if (seen.size() >= capacity) seen.clear();
      if (seen.putIfAbsent(experiment + '\u0000' + unit, Boolean.TRUE) == null) next.exposed(experiment, cell, unit);
    };
  }
}
