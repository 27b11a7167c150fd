package dev.ooda.kit.flags;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ooda.control.client.ControlClient;
import dev.ooda.flags.Flags;
import dev.ooda.model.ExperimentSpec;
import dev.ooda.model.FlagSpec;
import dev.ooda.model.ProblemException;
import dev.ooda.model.ProblemType;
import dev.ooda.model.Resource;
import dev.ooda.model.ResourceCodec;
import dev.ooda.model.SegmentSpec;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the control plane's Flag, Segment and Experiment resources into a {@link Flags}: one full read,
 * then the change watch (server-sent events, so a change arrives in milliseconds), resumed from
 * the last revision seen after a break. While no control node answers, the last set stays in force.
 */
final class FlagWatch implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FlagWatch.class);
  private static final long MAX_BACKOFF_MS = 5_000;

  private final List<URI> nodes;
  private final Flags flags;
  private final Thread thread;
  private final CountDownLatch loaded = new CountDownLatch(1);
  private final Map<String, FlagSpec> flagSpecs = new HashMap<>();
  private final Map<String, SegmentSpec> segmentSpecs = new HashMap<>();
  private final Map<String, ExperimentSpec> experimentSpecs = new HashMap<>();
  private volatile boolean closed;
  private long revision = -1;

  FlagWatch(List<URI> nodes, Flags flags) {
    if (nodes.isEmpty()) throw new IllegalArgumentException("no control plane to follow flags from");
    this.nodes = List.copyOf(nodes);
    this.flags = flags;
    this.thread = new Thread(this::run, "ooda-flag-watch");
    thread.setDaemon(true);
    thread.start();
  }

  /** Waits for the first full read; false if none completed in time. */
  boolean awaitLoaded(long timeout, TimeUnit unit) throws InterruptedException {
    return loaded.await(timeout, unit);
  }

  private void run() {
    long backoff = 100;
    for (int attempt = 0; !closed; attempt++) {
      ControlClient client = new ControlClient(nodes.get(attempt % nodes.size()), null);
      try {
        if (revision < 0) load(client);
        backoff = 100;
        client.watch(revision, change -> {
          if (!closed) apply(change);
          return !closed;
        });
      } catch (ProblemException e) {
        if (e.problem().is(ProblemType.GONE)) {
          revision = -1; // the log moved past us: read everything again
          continue;
        }
        log.debug("flag watch: {}", e.problem().detail());
      } catch (Exception e) {
        log.debug("flag watch broke: {}", e.toString());
      }
      if (closed) return;
      try {
        Thread.sleep(backoff);
      } catch (InterruptedException e) {
        return;
      }
      backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
    }
  }

  private void load(ControlClient client) {
    JsonNode f = client.list(FlagSpec.KIND.plural());
    JsonNode s = client.list(SegmentSpec.KIND.plural());
    JsonNode x = client.list(ExperimentSpec.KIND.plural());
    flagSpecs.clear();
    segmentSpecs.clear();
    experimentSpecs.clear();
    for (JsonNode n : f.path("items")) flagSpecs.put(n.path("name").asText(), read(n).spec(FlagSpec.class));
    for (JsonNode n : s.path("items")) segmentSpecs.put(n.path("name").asText(), read(n).spec(SegmentSpec.class));
    for (JsonNode n : x.path("items")) experimentSpecs.put(n.path("name").asText(), read(n).spec(ExperimentSpec.class));
    // Changes after the oldest of the reads come again from the watch; applying one twice is harmless.
    revision = Math.min(Math.min(f.path("revision").asLong(), s.path("revision").asLong()), x.path("revision").asLong());
    flags.update(flagSpecs, segmentSpecs, experimentSpecs);
    loaded.countDown();
  }

  private void apply(JsonNode change) {
    revision = Math.max(revision, change.path("revision").asLong());
    Resource r = read(change.get("resource"));
    boolean deleted = "DELETED".equals(change.path("type").asText());
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
    flags.update(flagSpecs, segmentSpecs, experimentSpecs);
  }

  private static Resource read(JsonNode n) {
    return ResourceCodec.readStored(ResourceCodec.toJsonBytes(n));
  }

  /** Stops following; the watch's connection ends at its next event or keepalive. */
  @Override
  public void close() {
    closed = true;
    thread.interrupt();
  }
}
