package dev.ooda.control.flags;

import dev.ooda.control.Change;
import dev.ooda.control.ChangeFeed;
import dev.ooda.control.GoneException;
import dev.ooda.control.ResourceStore;
import dev.ooda.flags.Flags;
import dev.ooda.model.FlagSpec;
import dev.ooda.model.Resource;
import dev.ooda.model.SegmentSpec;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's flags and segments as a {@link Flags}, recompiled on every change of either kind that
 * the change feed delivers, so OFREP answers from memory with what was last applied.
 */
public final class StoredFlags {
  private static final Logger log = LoggerFactory.getLogger(StoredFlags.class);

  private final ResourceStore store;
  private final ChangeFeed feed;
  private final Flags flags = new Flags();
  // Touched by start() and then only by the feed's one thread.
  private final Map<String, FlagSpec> flagSpecs = new HashMap<>();
  private final Map<String, SegmentSpec> segmentSpecs = new HashMap<>();

  private StoredFlags(ResourceStore store, ChangeFeed feed) {
    this.store = store;
    this.feed = feed;
  }

  /** Reads the store's flags and segments, then follows their changes. */
  public static StoredFlags start(ResourceStore store, ChangeFeed feed) {
    StoredFlags s = new StoredFlags(store, feed);
    s.load();
    return s;
  }

  public Flags flags() {
    return flags;
  }

  private synchronized void load() {
    // Changes after `from` are delivered again if the lists below already hold them: applying one twice is harmless.
    long from = store.revision();
    flagSpecs.clear();
    segmentSpecs.clear();
    for (Resource r : store.list(FlagSpec.KIND)) flagSpecs.put(r.name(), r.spec(FlagSpec.class));
    for (Resource r : store.list(SegmentSpec.KIND)) segmentSpecs.put(r.name(), r.spec(SegmentSpec.class));
    flags.update(flagSpecs, segmentSpecs);
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
    } else {
      return;
    }
    flags.update(flagSpecs, segmentSpecs);
  }
}
