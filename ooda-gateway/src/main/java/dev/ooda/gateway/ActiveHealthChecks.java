package dev.ooda.gateway;

import dev.ooda.model.Instance;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Active HTTP health checks, between the registry's instance lists and a gateway. Every interval
 * it sends GET to each instance's health path (off the request path, on its own thread and the
 * JDK's client); an instance that fails {@code unhealthyAfter} checks in a row is passed on as
 * DOWN (listed, no traffic) until one check passes again. Instances without a health path, and
 * instances not yet checked, pass through as the registry lists them.
 */
public final class ActiveHealthChecks implements AutoCloseable {
  private final BiConsumer<String, List<Instance>> sink;
  private final Duration timeout;
  private final int unhealthyAfter;
  private final HttpClient http;
  private final ScheduledExecutorService timer;
  private final Map<String, List<Instance>> listed = new ConcurrentHashMap<>();
  /** Consecutive failed checks per instance id. */
  private final Map<String, Integer> failures = new ConcurrentHashMap<>();

  public ActiveHealthChecks(BiConsumer<String, List<Instance>> sink, Duration interval, Duration timeout, int unhealthyAfter) {
    this.sink = sink;
    this.timeout = timeout;
    this.unhealthyAfter = unhealthyAfter;
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).build();
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "ooda-health-checks");
      t.setDaemon(true);
      return t;
    });
    timer.scheduleWithFixedDelay(this::checkAll, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** A service's new list from the registry; passed on at once with what is known of its health. */
  public void instances(String service, List<Instance> instances) {
    if (instances.isEmpty()) listed.remove(service);
    else listed.put(service, List.copyOf(instances));
    Set<String> ids = ConcurrentHashMap.newKeySet();
    listed.values().forEach(l -> l.forEach(i -> ids.add(i.id())));
    failures.keySet().retainAll(ids);
    publish(service);
  }

  private synchronized void publish(String service) {
    List<Instance> all = listed.getOrDefault(service, List.of());
    List<Instance> out = new ArrayList<>(all.size());
    for (Instance i : all) {
      boolean down = i.takesTraffic() && failures.getOrDefault(i.id(), 0) >= unhealthyAfter;
      out.add(down ? i.withStatus(Instance.Status.DOWN) : i);
    }
    sink.accept(service, List.copyOf(out));
  }

  private void checkAll() {
    listed.forEach((service, instances) -> {
      for (Instance i : instances) {
        if (i.healthPath() == null || !i.takesTraffic()) continue;
        HttpRequest req = HttpRequest.newBuilder(URI.create((i.tls() ? "https://" : "http://") + i.authority() + i.healthPath()))
            .timeout(timeout).GET().build();
        http.sendAsync(req, HttpResponse.BodyHandlers.discarding()).handle((r, e) -> {
          boolean ok = e == null && r.statusCode() >= 200 && r.statusCode() < 300;
          record(service, i.id(), ok);
          return null;
        });
      }
    });
  }

  private void record(String service, String id, boolean ok) {
    int before = failures.getOrDefault(id, 0);
    int after = ok ? 0 : before + 1;
    if (after == before) return;
    failures.put(id, after);
    // Only a crossing of the threshold changes what the gateway sees.
    if ((before >= unhealthyAfter) != (after >= unhealthyAfter)) publish(service);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
