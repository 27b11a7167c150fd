package dev.ooda.kit.flags;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ooda.control.client.ControlClient;
import dev.ooda.flags.ExposureSink;
import dev.ooda.model.Names;
import dev.ooda.model.ResourceCodec;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Experiment exposures and business events of this process, sent to the control plane in batches
 * ({@code POST /api/v1/experiments/events}) by one background thread, about once a second. Nothing
 * here blocks the caller: items wait in a bounded queue, and when it is full they are dropped and
 * counted ({@link #dropped()}). A batch that cannot be sent is tried again, against the next
 * control node, until it goes.
 *
 * <pre>{@code
 * kit.events().track(userId, "conversion");
 * kit.events().track(userId, "revenue", 42.50);
 * }</pre>
 */
public final class OodaEvents implements ExposureSink, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OodaEvents.class);
  static final int CAPACITY = 100_000;
  static final int BATCH = 2_000;
  private static final long PERIOD_MS = 1_000;

  private record Item(String experiment, String cell, String unit, String name, double value, long at) {}

  /** Requests of one experiment cell since the last send. */
  private static final class Outcomes {
    long requests;
    long errors;
    double latencySum;
    double latencySumOfSquares;
  }

  private final Map<List<String>, Outcomes> outcomes = new ConcurrentHashMap<>();

  private final List<URI> nodes;
  private final BlockingQueue<Item> queue = new ArrayBlockingQueue<>(CAPACITY);
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong sent = new AtomicLong();
  private final Object flushLock = new Object();
  private final Thread thread;
  private List<Item> pending = new ArrayList<>();
  private int node;
  private volatile boolean closed;

  public OodaEvents(List<URI> nodes) {
    if (nodes.isEmpty()) throw new IllegalArgumentException("no control plane to send events to");
    this.nodes = List.copyOf(nodes);
    this.thread = new Thread(this::run, "ooda-events");
    thread.setDaemon(true);
    thread.start();
  }

  /** Counts one event {@code name} (value 1) for {@code unit}, e.g. a conversion. */
  public void track(String unit, String name) {
    track(unit, name, 1.0);
  }

  /**
   * Counts event {@code name} with {@code value} for {@code unit} (the same value the experiment's
   * unit attribute has, e.g. the user id). Results attribute it to the unit's cell in every
   * experiment that exposed the unit.
   */
  public void track(String unit, String name, double value) {
    if (unit == null || unit.isEmpty()) throw new IllegalArgumentException("an event needs a unit");
    String p = Names.problem(name);
    if (p != null) throw new IllegalArgumentException("event name " + p);
    if (!Double.isFinite(value)) throw new IllegalArgumentException("event value must be a finite number, is " + value);
    offer(new Item(null, null, unit, name, value, System.currentTimeMillis()));
  }

  @Override
  public void exposed(String experiment, String cell, String unit) {
    offer(new Item(experiment, cell, unit, null, 0, System.currentTimeMillis()));
  }

  /**
   * Counts a request served to a unit in {@code cell} of {@code experiment}: whether it failed
   * (5xx) and how long it took. Summed here and sent with the next batch.
   */
  public void request(String experiment, String cell, boolean error, double latencyMs) {
    Outcomes o = outcomes.computeIfAbsent(List.of(experiment, cell), k -> new Outcomes());
    synchronized (o) {
      o.requests++;
      if (error) o.errors++;
      o.latencySum += latencyMs;
      o.latencySumOfSquares += latencyMs * latencyMs;
    }
  }

  private void offer(Item i) {
    if (!queue.offer(i)) dropped.incrementAndGet();
  }

  /** Items dropped because the queue was full. */
  public long dropped() {
    return dropped.get();
  }

  /** Items the control plane has acknowledged. */
  public long sent() {
    return sent.get();
  }

  /** Sends everything queued now; true when it all went. */
  public boolean flush() {
    synchronized (flushLock) {
      takeOutcomes();
      while (true) {
        if (pending.size() < BATCH) queue.drainTo(pending, BATCH - pending.size());
        if (pending.isEmpty() && pendingOutcomes.isEmpty()) return true;
        if (!send(pending)) return false;
        pending = new ArrayList<>();
        pendingOutcomes.clear();
      }
    }
  }

  // Request counts taken from `outcomes` and not yet acknowledged; guarded by flushLock.
  private final Map<List<String>, Outcomes> pendingOutcomes = new java.util.HashMap<>();

  private void takeOutcomes() {
    for (List<String> k : outcomes.keySet()) {
      Outcomes o = outcomes.remove(k);
      if (o == null) continue;
      Outcomes p = pendingOutcomes.computeIfAbsent(k, x -> new Outcomes());
      synchronized (o) { // a request counted while it was being removed lands in o, which is taken here
        p.requests += o.requests;
        p.errors += o.errors;
        p.latencySum += o.latencySum;
        p.latencySumOfSquares += o.latencySumOfSquares;
      }
    }
  }

  private boolean send(List<Item> batch) {
    ObjectNode body = ResourceCodec.json().createObjectNode();
    ArrayNode xs = body.putArray("exposures");
    ArrayNode es = body.putArray("events");
    ArrayNode rs = body.putArray("requests");
    pendingOutcomes.forEach((k, o) -> rs.addObject().put("experiment", k.get(0)).put("cell", k.get(1)).put("requests", o.requests)
        .put("errors", o.errors).put("latencyMsSum", o.latencySum).put("latencyMsSumOfSquares", o.latencySumOfSquares));
    for (Item i : batch) {
      if (i.experiment() != null) xs.addObject().put("experiment", i.experiment()).put("cell", i.cell()).put("unit", i.unit()).put("at", i.at());
      else es.addObject().put("unit", i.unit()).put("name", i.name()).put("value", i.value()).put("at", i.at());
    }
    byte[] bytes = ResourceCodec.toJsonBytes(body);
    for (int tries = 0; tries < nodes.size(); tries++) {
      URI n = nodes.get(node % nodes.size());
      try {
        new ControlClient(n, null).sendExperimentEvents(bytes);
        sent.addAndGet(batch.size());
        return true;
      } catch (dev.ooda.model.ProblemException e) {
        if (e.problem().status() == 400) {
          // refused whole (an experiment deleted meanwhile, say): sending it again will not help
          log.warn("the control plane refused {} experiment events: {}", batch.size(), e.problem().detail());
          return true;
        }
        log.debug("sending experiment events to {} failed: {}", n, e.problem().detail());
      } catch (RuntimeException e) {
        log.debug("sending experiment events to {} failed: {}", n, e.toString());
      }
      node++;
    }
    return false;
  }

  private void run() {
    while (!closed) {
      try {
        Item first = queue.poll(PERIOD_MS, TimeUnit.MILLISECONDS);
        if (first != null) {
          synchronized (flushLock) {
            pending.add(first);
          }
        }
        if ((first != null || !outcomes.isEmpty()) && !flush()) Thread.sleep(PERIOD_MS);
      } catch (InterruptedException e) {
        if (closed) return;
      }
    }
  }

  /** Sends what is queued (one attempt per node), then stops. */
  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    try {
      thread.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    flush();
  }
}
