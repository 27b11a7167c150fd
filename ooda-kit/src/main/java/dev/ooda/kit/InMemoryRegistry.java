package dev.ooda.kit;

import dev.ooda.model.Instance;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A registry inside one process: registration and discovery in one object, with fixed lists that
 * can be set by hand. For tests and for programs that run all their services in one JVM; nothing
 * expires.
 */
public final class InMemoryRegistry implements Discovery, Registration {
  private final Map<String, List<Instance>> byService = new HashMap<>();
  private final Map<String, List<Consumer<List<Instance>>>> listeners = new HashMap<>();
  private long nextId = 1;

  /** Replaces the instances of {@code service} with a fixed list. */
  public synchronized void set(String service, List<Instance> instances) {
    byService.put(service, List.copyOf(instances));
    publish(service);
  }

  @Override
  public synchronized Subscription watch(String service, Consumer<List<Instance>> listener) {
    listeners.computeIfAbsent(service, s -> new CopyOnWriteArrayList<>()).add(listener);
    listener.accept(instances(service));
    return () -> {
      synchronized (InMemoryRegistry.this) {
        listeners.getOrDefault(service, List.of()).remove(listener);
      }
    };
  }

  @Override
  public synchronized List<Instance> instances(String service) {
    return byService.getOrDefault(service, List.of());
  }

  @Override
  public synchronized Registered register(Instance i) {
    String id = i.service() + "-" + nextId++;
    Instance registered = new Instance(id, i.service(), i.version(), i.host(), i.port(), i.zone(), i.status(),
        i.metadata(), i.healthPath(), System.currentTimeMillis(), false);
    List<Instance> next = new ArrayList<>(instances(i.service()));
    next.add(registered);
    set(i.service(), next);
    return new Registered() {
      @Override
      public String instanceId() {
        return id;
      }

      @Override
      public void drain() {
        replace(id, x -> x.withStatus(Instance.Status.DRAINING));
      }

      @Override
      public void close() {
        replace(id, x -> null);
      }
    };
  }

  /** Replaces (or, when {@code f} answers null, removes) the instance {@code id}. */
  private synchronized void replace(String id, java.util.function.UnaryOperator<Instance> f) {
    Instance i = find(id);
    if (i == null) return;
    List<Instance> next = new ArrayList<>();
    for (Instance x : instances(i.service())) {
      Instance y = x.id().equals(id) ? f.apply(x) : x;
      if (y != null) next.add(y);
    }
    set(i.service(), next);
  }

  private Instance find(String id) {
    for (List<Instance> l : byService.values()) {
      for (Instance i : l) if (id.equals(i.id())) return i;
    }
    return null;
  }

  private void publish(String service) {
    List<Instance> now = instances(service);
    for (Consumer<List<Instance>> l : listeners.getOrDefault(service, List.of())) l.accept(now);
  }
}
