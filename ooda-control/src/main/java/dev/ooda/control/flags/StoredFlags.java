package dev.ooda.control.flags;

import dev.ooda.control.Change;
import dev.ooda.control.ChangeFeed;
import dev.ooda.control.GoneException;
import dev.ooda.control.ResourceStore;
import dev.ooda.flags.ExposureSink;
import dev.ooda.flags.Flags;
import dev.ooda.model.ExperimentSpec;
import dev.ooda.model.FlagSpec;
import dev.ooda.model.Resource;
import dev.ooda.model.SegmentSpec;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's flags, segments and experiments as a {@link Flags}, recompiled on every change of
 * those kinds that the change feed delivers, so OFREP answers from memory with what was last applied.
 */
public final class StoredFlags {
  private static final Logger log = LoggerFactory.getLogger(StoredFlags.class);

  private final ResourceStore store;
  private final ChangeFeed feed;
  private final Flags flags;
  // Touched by start() and then only by the feed's one thread.
  private final Map<String, FlagSpec> flagSpecs = new HashMap<>();
  private final Map<String, SegmentSpec> segmentSpecs = new HashMap<>();
  private final Map<String, ExperimentSpec> experimentSpecs = new HashMap<>();
  private volatile Map<String, ExperimentSpec> experiments = Map.of();

  private StoredFlags(ResourceStore store, ChangeFeed feed, ExposureSink exposures) {
    this.store = store;
    this.feed = feed;
    this.flags = new Flags(exposures);
  }

  /** Reads the store's flags and segments, then follows their changes. */
  public static StoredFlags start(ResourceStore store, ChangeFeed feed) {
    return start(store, feed, ExposureSink.NONE);
  }

  /** The same, reporting the experiments' exposures of OFREP evaluations to {@code exposures}. */
  public static StoredFlags start(ResourceStore store, ChangeFeed feed, ExposureSink exposures) {
    StoredFlags s = new StoredFlags(store, feed, exposures);
    s.load();
    return s;
  }

  public Flags flags() {
    return flags;
  }

  /** The experiment named {@code name} as last applied, or null. */
  public ExperimentSpec experiment(String name) {
    return experiments.get(name);
  }

  private void compile() {
    experiments = Map.copyOf(experimentSpecs);
    flags.update(flagSpecs, segmentSpecs, experimentSpecs);
  }

  private synchronized void load() {
    // Changes after `from` are delivered again if the lists below already hold them: applying one twice is harmless.
    long from = store.revision();
    flagSpecs.clear();
    segmentSpecs.clear();
    experimentSpecs.clear();
    for (Resource r : store.list(FlagSpec.KIND)) flagSpecs.put(r.name(), r.spec(FlagSpec.class));
    for (Resource r : store.list(SegmentSpec.KIND)) segmentSpecs.put(r.name(), r.spec(SegmentSpec.class));
    for (Resource r : store.list(ExperimentSpec.KIND)) experimentSpecs.put(r.name(), r.spec(ExperimentSpec.class));
    compile();
    feed.subscribe(from, new ChangeFeed.Sink() {
      @Override
      public boolean offer(Change c) {
        apply(c);
        return true;
      }

      @Override
      public void gone(GoneException e) {
        log.warn("flag changes were trimmed before they were read; reading all flags again");
        new Thread(StoredFlags.this::load, "ooda-flags-reload").start();
      }
    });
  }

  private synchronized void apply(Change c) {
    Resource r = c.resource();
    boolean deleted = c.type() == Change.Type.DELETED;
    if (r.spec() instanceof FlagSpec f) {
      if (deleted) flagSpecs.remove(r.name());
      else flagSpecs.put(r.name(), f);
    } else if (r.spec() instanceof SegmentSpec s) {
      if (deleted) segmentSpecs.remove(r.name());
      else segmentSpecs.put(r.name(), s);
    } else if (r.spec() instanceof ExperimentSpec x) {
      if (deleted) experimentSpecs.remove(r.name());
      else experimentSpecs.put(r.name(), x);
    } else {
      return;
    }
    compile();
  }
}
