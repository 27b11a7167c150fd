package dev.ooda.control;

import com.linecorp.armeria.common.prometheus.PrometheusMeterRegistries;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.metric.MetricCollectingService;
import com.linecorp.armeria.server.prometheus.PrometheusExpositionService;
import dev.ooda.control.client.ZooKeeperClients;
import dev.ooda.control.contracts.ContractStore;
import dev.ooda.control.contracts.Contracts;
import dev.ooda.control.contracts.ContractsApi;
import dev.ooda.control.secrets.MasterKey;
import dev.ooda.control.secrets.SecretStore;
import dev.ooda.control.secrets.SecretsApi;
import dev.ooda.access.InvalidTokenException;
import dev.ooda.access.TokenClaims;
import dev.ooda.access.TokenVerifier;
import dev.ooda.control.identity.Identity;
import dev.ooda.control.identity.KeySealer;
import dev.ooda.control.secrets.MasterKeySealer;
import dev.ooda.control.secrets.ServiceIdentities;
import dev.ooda.model.ServerStop;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control plane role: the resource store on ZooKeeper, its change feed, the admin token, the
 * service registry and the admin HTTP API. Any number of control planes can run against one
 * ZooKeeper ensemble.
 */
public final class ControlPlane implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ControlPlane.class);

  /**
   * How a control node runs; made with {@link #builder(String, Path)}.
   *
   * <pre>{@code
   * ControlPlane.start(ControlPlane.Options.builder("zk1:2181,zk2:2181", Path.of(".ooda")).port(9900).build());
   * }</pre>
   */
  public static final class Options {
    private final int port;
    private final String zookeeper;
    private final Path dataDir;
    private final Consumer<ServerBuilder> extra;
    private final Registry.Options registry;
    private final Identity.Options identity;

    private Options(Builder b) {
      this.port = b.port;
      this.zookeeper = b.zookeeper;
      this.dataDir = b.dataDir;
      this.extra = b.extra;
      this.registry = b.registry;
      this.identity = b.identity;
    }

    /**
     * @param zookeeper ZooKeeper connect string, e.g. {@code zk1:2181,zk2:2181,zk3:2181}
     * @param dataDir   where the node keeps its admin token, master key and experiment data
     */
    public static Builder builder(String zookeeper, Path dataDir) {
      return new Builder(zookeeper, dataDir);
    }

    /** The admin API port; 0 picks a free one. */
    public int port() {
      return port;
    }

    public String zookeeper() {
      return zookeeper;
    }

    public Path dataDir() {
      return dataDir;
    }

    /** More routes on the admin server (other parts of the control plane, the console), or null. */
    public Consumer<ServerBuilder> extra() {
      return extra;
    }

    /** Registry settings (self-preservation, sweep); null for {@link Registry.Options#DEFAULTS}. */
    public Registry.Options registry() {
      return registry;
    }

    /** Key rotation, token lifetime, JWKS max-age, key sealing; null for {@link Identity.Options#DEFAULTS}. */
    public Identity.Options identity() {
      return identity;
    }

    /** Builds {@link Options}; each method names its option's default. */
    public static final class Builder {
      private final String zookeeper;
      private final Path dataDir;
      private int port;
      private Consumer<ServerBuilder> extra;
      private Registry.Options registry;
      private Identity.Options identity;

      private Builder(String zookeeper, Path dataDir) {
        this.zookeeper = java.util.Objects.requireNonNull(zookeeper, "zookeeper");
        this.dataDir = java.util.Objects.requireNonNull(dataDir, "dataDir");
      }

      /** The admin API port; 0 (the default here) picks a free one. */
      public Builder port(int port) {
        this.port = port;
        return this;
      }

      /** More routes on the admin server; none by default. */
      public Builder extra(Consumer<ServerBuilder> extra) {
        this.extra = extra;
        return this;
      }

      /** Registry settings; {@link Registry.Options#DEFAULTS} by default. */
      public Builder registry(Registry.Options registry) {
        this.registry = registry;
        return this;
      }

      /** Identity settings; {@link Identity.Options#DEFAULTS} by default. */
      public Builder identity(Identity.Options identity) {
        this.identity = identity;
        return this;
      }

      public Options build() {
        return new Options(this);
      }
    }
  }

  private final CuratorFramework zk;
  private final ResourceStore store;
  private final ChangeFeed feed;
  private final Registry registry;
  private final SecretStore secrets;
  private final Server server;
  private final ScheduledExecutorService housekeeping;
  private final Identity identity;
  private final dev.ooda.control.experiments.ExperimentStore experiments;
  private final dev.ooda.control.experiments.QueuedExposures exposures;
  private final Contracts contracts;

  private ControlPlane(CuratorFramework zk, ResourceStore store, ChangeFeed feed, Registry registry, SecretStore secrets,
                       Server server, ScheduledExecutorService housekeeping, Identity identity,
                       dev.ooda.control.experiments.ExperimentStore experiments, dev.ooda.control.experiments.QueuedExposures exposures,
                       Contracts contracts) {
    this.experiments = experiments;
    this.exposures = exposures;
    this.contracts = contracts;
    this.identity = identity;
    this.zk = zk;
    this.store = store;
    this.feed = feed;
    this.registry = registry;
    this.secrets = secrets;
    this.server = server;
    this.housekeeping = housekeeping;
  }

  public static ControlPlane start(Options o) throws Exception {
    CuratorFramework zk = ZooKeeperClients.connect(o.zookeeper());
    Registry registry = null;
    Identity identity = null;
    dev.ooda.control.experiments.ExperimentStore experiments = null;
    dev.ooda.control.experiments.QueuedExposures exposures = null;
    try {
      ResourceStore store = new ResourceStore(zk);
      MasterKey master = MasterKey.load(o.dataDir(), System.getenv());
      Identity.Options io = o.identity() == null ? Identity.Options.DEFAULTS : o.identity();
      // Signing keys' private halves are sealed with the master key, like secrets.
      if (io.sealer() == KeySealer.IDENTITY) io = new Identity.Options(io.keys(), new MasterKeySealer(master));
      identity = Identity.start(zk, o.dataDir(), io);
      SecretStore secrets = new SecretStore(store, master, java.time.Clock.systemUTC());
      secrets.alsoRewrap(identity::reseal);
      registry = Registry.start(zk, o.registry());
      ChangeFeed feed = new ChangeFeed(store);
      PrometheusMeterRegistry metrics = PrometheusMeterRegistries.newRegistry();
      ServerBuilder sb = Server.builder()
          .meterRegistry(metrics)
          .service("/metrics", PrometheusExpositionService.of(metrics.getPrometheusRegistry()))
          // Rate, errors and duration per route of the admin API.
          .decorator(MetricCollectingService.newDecorator(RouteMetrics.of("ooda.control")))
          .http(new java.net.InetSocketAddress("127.0.0.1", o.port()))
          .maxRequestLength(AdminApi.MAX_BODY)
          .requestTimeout(Duration.ofSeconds(30))
          .errorHandler(Problems.HANDLER)
          // In-flight requests finish; watches are closed by the feed first.
          .gracefulShutdownTimeout(Duration.ofMillis(100), Duration.ofSeconds(10));
      Contracts contracts = new Contracts(new ContractStore(zk), store, java.time.Clock.systemUTC());
      new RegistryApi(registry, identity.registryGuard(), contracts).mount(sb);
      new ContractsApi(contracts, identity.adminGuard(), identity.registryGuard()).mount(sb);
      new AccessApi(store).mount(sb);
      new AdminApi(store, feed, identity.adminGuard(), contracts).mount(sb);
      experiments = dev.ooda.control.experiments.ExperimentStore.open(o.dataDir());
      exposures = new dev.ooda.control.experiments.QueuedExposures(experiments);
      var storedFlags = dev.ooda.control.flags.StoredFlags.start(store, feed,
          dev.ooda.flags.ExposureSink.firstOnly(exposures, 1_000_000));
      new dev.ooda.control.flags.OfrepApi(storedFlags.flags()).mount(sb);
      new dev.ooda.control.experiments.ExperimentsApi(experiments, store, storedFlags::experiment).mount(sb);
      identity.mount(sb);
      new SecretsApi(secrets, identity.adminGuard(), serviceIdentities(identity)).mount(sb);
      if (o.extra() != null) o.extra().accept(sb);
      Server server = sb.build();
      server.start().join();
      registry.announce("http://127.0.0.1:" + server.activeLocalPort());
      ScheduledExecutorService hk = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ooda-control-housekeeping");
        t.setDaemon(true);
        return t;
      });
      hk.scheduleWithFixedDelay(() -> {
        try {
          store.trimChanges(ResourceStore.KEEP_CHANGES);
        } catch (RuntimeException e) {
          log.debug("trimming the change log failed: {}", e.getMessage());
        }
      }, 30, 60, TimeUnit.SECONDS);
      return new ControlPlane(zk, store, feed, registry, secrets, server, hk, identity, experiments, exposures, contracts);
    } catch (Exception e) {
      if (exposures != null) exposures.close();
      if (experiments != null) experiments.close();
      if (registry != null) registry.close();
      if (identity != null) identity.close();
      zk.close();
      throw e;
    }
  }

  /** Whose service token a secret read presents: tokens for the control plane itself, as verified here. */
  private static ServiceIdentities serviceIdentities(Identity identity) {
    TokenVerifier verifier = new TokenVerifier(TokenClaims.CONTROL, identity.keySource());
    return token -> {
      try {
        return verifier.verify(token).service();
      } catch (InvalidTokenException e) {
        return null;
      }
    };
  }

  public int port() {
    return server.activeLocalPort();
  }

  public String url() {
    return "http://127.0.0.1:" + port();
  }

  public ResourceStore store() {
    return store;
  }

  public CuratorFramework zookeeper() {
    return zk;
  }

  public Registry registry() {
    return registry;
  }

  /** Secrets, for roles in this process (the data service reads namespace URLs from it). */
  public SecretStore secrets() {
    return secrets;
  }

  /** Credentials, admin tokens, signing keys and the token issuer (also for roles in this JVM). */
  public Identity identity() {
    return identity;
  }

  /** Exposures and events of experiments, in {@code <data-dir>/experiments.db}. */
  public dev.ooda.control.experiments.ExperimentStore experiments() {
    return experiments;
  }

  /** API contracts; tell it where callers are seen with {@link Contracts#useCallers}. */
  public Contracts contracts() {
    return contracts;
  }

  /**
   * Stops serving, then closes the ZooKeeper session. The session takes this node's instances
   * along; watchers keep them for one lease period while they re-register with another node.
   */
  @Override
  public void close() {
    housekeeping.shutdownNow();
    feed.close();
    ServerStop.await(server.stop(), () -> server.activePorts().isEmpty() && server.numConnections() == 0);
    exposures.close();
    experiments.close();
    registry.close();
    identity.close();
    zk.close();
  }
}
