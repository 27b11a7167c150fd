package dev.ooda.cli;

import dev.ooda.access.KeySource;
import dev.ooda.access.RemoteKeySource;
import dev.ooda.control.client.InstanceCache;
import dev.ooda.control.client.InstanceRegistration;
import dev.ooda.control.client.RegistryClient;
import dev.ooda.control.client.ResourceCache;
import dev.ooda.control.client.TokenSource;
import dev.ooda.data.DataServer;
import dev.ooda.gateway.ActiveHealthChecks;
import dev.ooda.gateway.GatewayOptions;
import dev.ooda.model.ExperimentSpec;
import dev.ooda.model.FlagSpec;
import dev.ooda.model.Health;
import java.time.Duration;
import dev.ooda.gateway.GatewayServer;
import dev.ooda.model.Instance;
import dev.ooda.model.Kind;
import dev.ooda.model.Kinds;
import dev.ooda.model.NamespaceSpec;
import dev.ooda.model.Resource;
import dev.ooda.model.RouteSpec;
import dev.ooda.model.SecretSpec;
import dev.ooda.model.SegmentSpec;
import dev.ooda.trace.TraceOptions;
import dev.ooda.trace.TraceServer;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;

/** Starts each role the same way for {@code ooda up} and for the role's own command. */
final class Roles {
  private Roles() {}

  /**
   * The gateway, fed with the control plane's routes and with the instances of the services those
   * routes use (and only those). It starts from its last snapshot, so it serves even before
   * ZooKeeper answers. With {@code tokens} the gateway is that service to the services behind it
   * and sends them its tokens; without, it is {@code gateway} and sends none. It enforces the groups
   * of the Service resources for services that cannot check tokens themselves.
   */
  static GatewayServer gateway(Platform p, CuratorFramework zk, GatewayOptions options) {
    return gateway(p, zk, options, null);
  }

  /** The gateway as the service {@code tokens} belongs to, see {@link #gateway(Platform, CuratorFramework, GatewayOptions)}. */
  static GatewayServer gateway(Platform p, CuratorFramework zk, GatewayOptions options, TokenSource tokens) {
    GatewayServer g = new GatewayServer(options);
    if (tokens != null) {
      p.add(tokens);
      g.identity(tokens.service(), tokens::token);
    }
    g.start();
    p.add("gateway", g, "http://127.0.0.1:" + g.port() + " (management http://127.0.0.1:" + g.managementPort() + "/metrics)");
    // Registry lists pass through active health checks (GET on each instance's health path).
    ActiveHealthChecks checks = p.add(new ActiveHealthChecks(g::instances, Duration.ofSeconds(5), Duration.ofSeconds(2), 2));
    InstanceCache instances = p.add(InstanceCache.open(zk, Set.of(), checks::instances));
    RouteServices used = new RouteServices(instances, checks);
    p.add(ResourceCache.open(zk, Kinds.SERVICE, snapshot -> g.accessGroups(snapshot.values())));
    FlagResources flags = new FlagResources(g);
    for (Kind<?> kind : List.of(FlagSpec.KIND, SegmentSpec.KIND, ExperimentSpec.KIND)) {
      p.add(ResourceCache.open(zk, kind, snapshot -> flags.update(kind, snapshot)));
    }
    // Contracts give deprecated operations their headers and contract stubs their answers.
    ContractFeed contracts = p.add(ContractFeed.open(zk, g));
    // Services that scale to zero: their requests are reported to the supervisors, and held while one starts.
    p.add(ColdStartFeed.open(zk, g));
    p.add(ResourceCache.open(zk, Kinds.ROUTE, snapshot -> {
      contracts.routes(snapshot.values());
      used.follow(snapshot.values());
    }));
    return g;
  }

  /** Pushes the gateway its Flag, Segment and Experiment resources together, each time one kind changes. */
  private static final class FlagResources {
    private final GatewayServer gateway;
    private final Map<Kind<?>, Map<String, Resource>> byKind = new java.util.HashMap<>();

    FlagResources(GatewayServer gateway) {
      this.gateway = gateway;
    }

    synchronized void update(Kind<?> kind, Map<String, Resource> snapshot) {
      byKind.put(kind, snapshot);
      List<Resource> all = new java.util.ArrayList<>();
      byKind.values().forEach(m -> all.addAll(m.values()));
      gateway.flags(all);
    }
  }

  /** Keeps the gateway's instance watches to the services its routes name. */
  private static final class RouteServices {
    private final InstanceCache instances;
    private final ActiveHealthChecks checks;
    private Set<String> followed = Set.of();

    RouteServices(InstanceCache instances, ActiveHealthChecks checks) {
      this.instances = instances;
      this.checks = checks;
    }

    synchronized void follow(java.util.Collection<Resource> routes) {
      Set<String> now = new HashSet<>();
      for (Resource r : routes) {
        RouteSpec s = r.spec(RouteSpec.class);
        s.to().forEach(t -> { if (t.destination() != null) now.add(t.destination()); });
        if (s.mirror() != null && s.mirror().service() != null) now.add(s.mirror().service());
      }
      now.stream().filter(x -> !followed.contains(x)).forEach(instances::follow);
      for (String gone : followed) {
        if (!now.contains(gone)) {
          instances.unfollow(gone);
          checks.instances(gone, List.of());
        }
      }
      followed = Set.copyOf(now);
    }
  }

  /** Starts a role on another thread, so that independent roles come up side by side. */
  static <T> CompletableFuture<T> async(Callable<T> start) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return start.call();
      } catch (Exception e) {
        throw new CompletionException(e);
      }
    });
  }

  static TraceServer traces(Platform p, TraceOptions options) {
    return traces(p, new TraceServer(options).start());
  }

  static TraceServer traces(Platform p, TraceServer t) {
    p.add("traces", t, "http://127.0.0.1:" + t.port() + " (Zipkin v2 API; UI-compatible)");
    return t;
  }

  /**
   * The data service, fed with the control plane's Namespace and Service resources as they change;
   * callers' tokens are checked against the control plane's published keys, kept fresh in the
   * background so that no check on an event loop waits for them.
   */
  static DataServer data(Platform p, CuratorFramework zk, int port, Path dataDir, URI control, String advertise) {
    RemoteKeySource keys = new RemoteKeySource(control);
    keys.keys();
    ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "ooda-data-keys");
      t.setDaemon(true);
      return t;
    });
    // Forced fetches (rate-limited), well within the keys' usual max-age of 60 s.
    refresher.scheduleWithFixedDelay(() -> keys.refreshForUnknownKey(null), 20, 20, TimeUnit.SECONDS);
    p.add(refresher::shutdownNow);
    return data(p, zk, new DataServer(dataOptions(port, dataDir)).start(), dataDir, control, advertise, keys);
  }

  static DataServer.Options dataOptions(int port, Path dataDir) {
    return DataServer.Options.of(port, dataDir.resolve("data"));
  }

  /** As {@link #dataOptions(int, Path)}, resolving {@code secret:NAME} from the control plane in this process. */
  static DataServer.Options dataOptions(int port, Path dataDir, ControlSecrets secrets) {
    return dataOptions(port, dataDir).toBuilder().secrets(secrets).build();
  }

  /**
   * Also registers the data service as the service {@code data} at {@code advertise} (the address
   * its clients reach it by), so clients find it like any other.
   */
  static DataServer data(Platform p, CuratorFramework zk, DataServer d, Path dataDir, URI control, String advertise,
                         KeySource keys) {
    d.keys(keys);
    // Added before its lease: the platform closes in reverse order, so the lease goes first and
    // gateways stop routing to the service before it stops serving.
    p.add("data", d, "http://" + advertise + ":" + d.port() + " (namespaces in " + dataDir.resolve("data") + ")");
    p.add(new RegistryClient(control).register("data",
        new InstanceRegistration(null, advertise, d.port(), null, Map.of(), Health.PATH, Instance.Status.UP)));
    // Services first: a namespace never arrives without its owner's mode.
    ResourceCache services = p.add(ResourceCache.open(zk, Kinds.SERVICE, snapshot -> d.services(snapshot.values())));
    try {
      if (!services.awaitReady(10, TimeUnit.SECONDS)) throw new IllegalStateException("the Service resources did not arrive within 10 s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading the Service resources", e);
    }
    // A changed Secret pushes the namespaces again, so that one whose secret now holds another URL
    // reconnects (the data service compares what each secret held when its storage was opened).
    java.util.concurrent.atomic.AtomicReference<java.util.Collection<Resource>> last = new java.util.concurrent.atomic.AtomicReference<>();
    // One lock, so that a push after a secret changed never carries an older namespace list.
    Object pushes = new Object();
    ResourceCache namespaces = ResourceCache.open(zk, NamespaceSpec.KIND, snapshot -> {
      synchronized (pushes) {
        last.set(List.copyOf(snapshot.values()));
        d.namespaces(last.get());
      }
    });
    p.add(namespaces);
    p.add(ResourceCache.open(zk, SecretSpec.KIND, secrets -> {
      synchronized (pushes) {
        if (last.get() != null) d.namespaces(last.get());
      }
    }));
    return d;
  }

  /**
   * The deployments role: a supervisor running instances under {@code root} and the controller
   * carrying out the Deployment resources, fed by the store's watches of Deployments and Routes.
   * Canary analysis reads the gateway's spans at {@code zipkin} (none without).
   */
  static dev.ooda.deploy.Supervisor deploy(Platform p, CuratorFramework zk, dev.ooda.deploy.Supervisor.Options options,
                                           String zipkin, String gatewayService) throws java.io.IOException {
    dev.ooda.deploy.Supervisor supervisor = new dev.ooda.deploy.Supervisor(options);
    p.add("deploy", supervisor, "instances in " + options.root() + (options.stopOnClose() ? "" : " (kept running on exit)"));
    deployOn(p, zk, supervisor, options.control(), options.adminToken(), zipkin, gatewayService);
    return supervisor;
  }

  /** The controller carrying out the Deployment resources on {@code engine} (the supervisor, or a cluster's driver). */
  static void deployOn(Platform p, CuratorFramework zk, dev.ooda.deploy.Engine engine, URI control, String adminToken,
                       String zipkin, String gatewayService) {
    ResourceCache deployments = p.add(ResourceCache.open(zk, dev.ooda.model.DeploymentSpec.KIND, snapshot -> {}));
    ResourceCache routes = p.add(ResourceCache.open(zk, Kinds.ROUTE, snapshot -> {}));
    dev.ooda.deploy.SpanSamples spans = zipkin == null ? null : new dev.ooda.deploy.SpanSamples(URI.create(zipkin), gatewayService);
    dev.ooda.deploy.DeploymentController controller = new dev.ooda.deploy.DeploymentController(engine,
        new dev.ooda.control.client.ControlClient(control, adminToken), spans,
        deployments::snapshot, routes::snapshot, () -> ready(deployments) && ready(routes), java.time.Clock.systemUTC());
    dev.ooda.deploy.RequestActivity activity = p.add(dev.ooda.deploy.RequestActivity.watch(zk, controller::poke));
    ResourceCache functions = p.add(ResourceCache.open(zk, dev.ooda.model.FunctionSpec.KIND, snapshot -> controller.poke()));
    p.add(controller.withActivity(activity::snapshot)
        .withFunctions(functions::snapshot, System.getProperty("java.class.path")).start(Duration.ofMillis(500)));
  }

  private static boolean ready(ResourceCache c) {
    try {
      return c.awaitReady(0, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
