package dev.ooda.kit.flags;

import brave.Span;
import brave.Tracing;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import dev.ooda.flags.Context;
import dev.ooda.flags.Evaluation;
import dev.ooda.flags.FlagUsage;
import dev.ooda.flags.FlagReader;
import dev.ooda.flags.Flags;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Feature flags evaluated in this process, from the set the control plane pushes (see
 * {@code docs/flags.md}). Nothing is called on the request path. During a traced request every
 * evaluation tags the current span {@code ooda.flag.<key>} with the variant served, so a trace
 * shows which flags were in force.
 *
 * <pre>{@code
 * if (kit.flags().booleanValue("new-checkout", Context.of("targetingKey", userId), false)) { ... }
 * }</pre>
 *
 * Typed reads answer the caller's default when the flag does not exist or has another type;
 * {@link #evaluate} tells why.
 */
public final class OodaFlags implements FlagReader, AutoCloseable {
  private static final String TAG_PREFIX = "ooda.flag.";

  private final Flags flags;
  private final Tracing tracing;
  private final FlagWatch watch;
  private final Map<String, String> tagKeys = new ConcurrentHashMap<>();

  private OodaFlags(Flags flags, Tracing tracing, FlagWatch watch) {
    this.flags = flags;
    this.tracing = tracing;
    this.watch = watch;
  }

  /**
   * Flags followed from the control nodes at {@code nodes} (tried in turn), with the evaluation
   * counts in {@code meters} (when not null) as {@code ooda_flag_evaluations_total{flag,variant}}.
   */
  public static OodaFlags follow(List<URI> nodes, Tracing tracing, MeterRegistry meters) {
    return follow(nodes, tracing, meters, dev.ooda.flags.ExposureSink.NONE);
  }

  /**
   * The same, reporting each unit that an experiment assigns to {@code exposures}, once per
   * experiment and unit as far as this process remembers (up to 100,000 of them).
   */
  public static OodaFlags follow(List<URI> nodes, Tracing tracing, MeterRegistry meters, dev.ooda.flags.ExposureSink exposures) {
    Flags f = new Flags(dev.ooda.flags.ExposureSink.firstOnly(exposures, 100_000));
    if (meters != null) {
      // Registered before the first set arrives, so that no change goes uncounted.
      f.onChange(keys -> register(f, meters));
    }
    return new OodaFlags(f, tracing, new FlagWatch(nodes, f));
  }

  /** A counter per variant of every flag in force; registering one twice finds the first. */
  private static void register(Flags f, MeterRegistry meters) {
    f.current().flags().forEach((key, spec) -> spec.variants().keySet().forEach(variant ->
        // The state is the counters, which the flags hold: Micrometer keeps its state only weakly,
        // and a supplier made here for it alone would be collected and read as 0.
        FunctionCounter.builder("ooda.flag.evaluations", f.counters(), c -> c.count(key, variant).getAsLong())
            .description("Flag evaluations in this process, by flag and variant served")
            .tags("flag", key, "variant", variant)
            .register(meters)));
  }

  /** Flags from a source the caller keeps current (tests, or a process that pushes its own set). */
  public static OodaFlags of(Flags flags, Tracing tracing) {
    return new OodaFlags(flags, tracing, null);
  }

  /** Waits until the first full set has arrived; false if it did not in time (evaluations answer defaults meanwhile). */
  public boolean awaitReady(long timeout, TimeUnit unit) throws InterruptedException {
    return watch == null || watch.awaitLoaded(timeout, unit);
  }

  /** The answer with its variant, reason and rule id. */
  @Override
  public Evaluation evaluate(String key, Context ctx) {
    Evaluation e = flags.evaluate(key, ctx);
    tag(e);
    if (e.experiment() != null) RequestCells.seen(e.experiment(), e.cell());
    return e;
  }

  /** The flag set in force and its change notifications. */
  public Flags flags() {
    return flags;
  }

  /** How often each flag's variants were served here, and when last. */
  public List<FlagUsage> usage() {
    return flags.counters().usage();
  }

  private void tag(Evaluation e) {
    if (tracing == null || e.variant() == null) return;
    Span span = tracing.tracer().currentSpan();
    if (span == null || span.isNoop()) return;
    span.tag(tagKeys.computeIfAbsent(e.flag(), k -> TAG_PREFIX + k), e.variant());
  }

  @Override
  public void close() {
    if (watch != null) watch.close();
  }
}
