package dev.ooda.control.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ooda.model.Kind;
import dev.ooda.model.Resource;
import dev.ooda.model.ResourceCodec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local, current copy of every resource of one kind, fed by the control plane's change watch
 * ({@code GET /api/v1/watch?kind=...}, server-sent events, resumed by revision): what a process
 * without a ZooKeeper session uses where a platform role uses {@link ResourceCache}. It lists the
 * kind once, then follows the changes after that list's revision; after a lost connection it
 * resumes from the last revision it saw, and lists again when the control plane no longer keeps
 * that revision. When the control plane is away the last copy stays in use.
 */
public final class ResourceWatch implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ResourceWatch.class);
  /** The control plane sends a keepalive every 15 s; three missed mean the connection is dead. */
  private static final int READ_TIMEOUT_MILLIS = 45_000;
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

  private final URI base;
  private final Kind<?> kind;
  private final Consumer<Map<String, Resource>> listener;
  private final ControlClient client;
  private final CountDownLatch ready = new CountDownLatch(1);
  private final Thread thread;
  private final TreeMap<String, Resource> current = new TreeMap<>();
  private volatile Map<String, Resource> snapshot = Map.of();
  private volatile HttpURLConnection connection;
  private volatile boolean closed;
  private long revision = -1;

  private ResourceWatch(URI control, Kind<?> kind, Consumer<Map<String, Resource>> listener) {
    String s = control.toString();
    this.base = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
    this.kind = kind;
    this.listener = listener;
    this.client = new ControlClient(base, null);
    this.thread = new Thread(this::run, "ooda-watch-" + kind.plural());
    thread.setDaemon(true);
  }

  /**
   * Starts following {@code kind} at the control plane {@code control} (its admin API base URL).
   * {@code listener} gets the whole snapshot (name to resource) once the first list is read and
   * again after every change, on the watch's own thread.
   */
  public static ResourceWatch open(URI control, Kind<?> kind, Consumer<Map<String, Resource>> listener) {
    ResourceWatch w = new ResourceWatch(control, kind, listener);
    w.thread.start();
    return w;
  }

  /** Waits for the first list; false if it did not come in time. */
  public boolean awaitReady(long timeout, TimeUnit unit) throws InterruptedException {
    return ready.await(timeout, unit);
  }

  public Map<String, Resource> snapshot() {
    return snapshot;
  }

  private void run() {
    long backoff = 100;
    while (!closed) {
      try {
        if (revision < 0) list();
        follow();
        backoff = 100; // the stream ended normally (the control plane closed it): resume at once
      } catch (GoneFromLog e) {
        revision = -1;
      } catch (Exception e) {
        if (closed) return;
        log.debug("watching {} at {} failed: {}", kind.plural(), base, e.toString());
        try {
          Thread.sleep(backoff);
        } catch (InterruptedException ie) {
          return;
        }
        backoff = Math.min(backoff * 2, MAX_BACKOFF.toMillis());
      }
    }
  }

  private void list() {
    JsonNode answer = client.list(kind.plural());
    current.clear();
    for (JsonNode item : answer.path("items")) add(item);
    revision = answer.path("revision").asLong();
    publish();
  }

  /** Reads the change stream until it ends or fails. */
  private void follow() throws IOException {
    HttpURLConnection c = (HttpURLConnection) URI.create(base + "/api/v1/watch?kind=" + kind.plural() + "&from=" + revision)
        .toURL().openConnection();
    c.setRequestProperty("Accept", "text/event-stream");
    c.setConnectTimeout(5_000);
    c.setReadTimeout(READ_TIMEOUT_MILLIS);
    connection = c;
    try {
      if (closed) return;
      int status = c.getResponseCode();
      if (status == 410) throw new GoneFromLog();
      if (status != 200) throw new IOException("the watch answered " + status);
      try (BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        String event = null;
        StringBuilder data = new StringBuilder();
        while (!closed && (line = in.readLine()) != null) {
          if (line.isEmpty()) {
            if ("gone".equals(event)) throw new GoneFromLog();
            if (data.length() > 0) change(ResourceCodec.json().readTree(data.toString()));
            data.setLength(0);
            event = null;
          } else if (line.startsWith("data:")) {
            data.append(line.substring(5).trim());
          } else if (line.startsWith("event:")) {
            event = line.substring(6).trim();
          }
        }
      }
    } finally {
      c.disconnect();
    }
  }

  private void change(JsonNode c) {
    JsonNode r = c.get("resource");
    if (r == null) return;
    if ("DELETED".equals(c.path("type").asText())) current.remove(r.path("name").asText());
    else add(r);
    revision = c.path("revision").asLong(revision);
    publish();
  }

  private void add(JsonNode item) {
    try {
      Resource r = ResourceCodec.readStored(ResourceCodec.toJsonBytes(item));
      current.put(r.name(), r);
    } catch (RuntimeException e) {
      log.warn("skipping unreadable {} from the watch: {}", kind.name(), e.getMessage());
    }
  }

  private void publish() {
    snapshot = Collections.unmodifiableMap(new TreeMap<>(current));
    try {
      listener.accept(snapshot);
    } catch (RuntimeException e) {
      log.error("a resource listener failed", e);
    }
    ready.countDown();
  }

  /** The control plane no longer keeps the revision to resume from: list again. */
  private static final class GoneFromLog extends IOException {
    GoneFromLog() {
      super("revision no longer kept", null);
    }
  }

  @Override
  public void close() {
    closed = true;
    HttpURLConnection c = connection;
    if (c != null) c.disconnect(); // closes the socket, which ends a blocked read
    thread.interrupt();
  }
}
