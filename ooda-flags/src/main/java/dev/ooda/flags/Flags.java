package dev.ooda.flags;

import dev.ooda.model.ExperimentSpec;
import dev.ooda.model.FlagSpec;
import dev.ooda.model.Resource;
import dev.ooda.model.SegmentSpec;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The flags in force: a {@link FlagSet} swapped whole on each change, read without locks, plus
 * the evaluation counts that survive the swaps. Typed reads give the caller's default on any
 * error (no such flag, another type), as OpenFeature does.
 */
public final class Flags implements FlagReader {
  private final FlagCounters counters = new FlagCounters();
  private final List<Consumer<Set<String>>> listeners = new CopyOnWriteArrayList<>();
  private final ExposureSink exposures;
  private volatile FlagSet current = FlagSet.EMPTY;

  /** Flags whose experiments report exposures nowhere. */
  public Flags() {
    this(ExposureSink.NONE);
  }

  /** Flags whose experiments report each unit they assign to {@code exposures}. */
  public Flags(ExposureSink exposures) {
    this.exposures = exposures;
  }

  /** Compiles {@code flags} and {@code segments} and puts them in force. */
  public void update(Map<String, FlagSpec> flags, Map<String, SegmentSpec> segments) {
    update(flags, segments, Map.of());
  }

  /** Compiles {@code flags}, {@code segments} and {@code experiments} and puts them in force. */
  public void update(Map<String, FlagSpec> flags, Map<String, SegmentSpec> segments, Map<String, ExperimentSpec> experiments) {
    swap(FlagSet.compile(flags, segments, experiments, counters, exposures));
  }

  /** Compiles the Flag, Segment and Experiment resources among {@code resources} and puts them in force. */
  public void update(Collection<Resource> resources) {
    swap(FlagSet.compile(resources, counters, exposures));
  }

  private void swap(FlagSet next) {
    Set<String> changed;
    synchronized (this) {
      changed = next.changedSince(current);
      current = next;
    }
    if (changed.isEmpty()) return;
    for (Consumer<Set<String>> l : listeners) {
      try {
        l.accept(changed);
      } catch (RuntimeException e) {
        System.getLogger(Flags.class.getName()).log(System.Logger.Level.WARNING, "a flag change listener failed", e);
      }
    }
  }

  /**
   * Calls {@code listener} with the keys of the flags whose answers may have changed, after each
   * change, on the thread that applied it. Closing the returned handle stops the calls.
   */
  public AutoCloseable onChange(Consumer<Set<String>> listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  public FlagSet current() {
    return current;
  }

  public FlagCounters counters() {
    return counters;
  }

  @Override
  public Evaluation evaluate(String key, Context ctx) {
    return current.evaluate(key, ctx);
  }

  /**
   * {@code e} when its value is of {@code type}, else a TYPE_MISMATCH error naming both types: what
   * a typed read that needs the reason (OpenFeature's details) answers.
   */
  public static Evaluation typed(Evaluation e, Class<?> type) {
    if (e.isError() || type.isInstance(e.value())) return e;
    return Evaluation.error(e.flag(), ErrorCode.TYPE_MISMATCH, "flag '" + e.flag() + "' has "
        + e.value().getClass().getSimpleName() + " values, not " + type.getSimpleName());
  }
}
