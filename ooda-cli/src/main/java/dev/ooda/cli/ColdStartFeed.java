package dev.ooda.cli;

import dev.ooda.control.client.ResourceCache;
import dev.ooda.deploy.RequestActivity;
import dev.ooda.gateway.GatewayServer;
import dev.ooda.gateway.proxy.ColdStarts;
import dev.ooda.model.DeploymentSpec;
import dev.ooda.model.Resource;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Between a gateway and the supervisors, for services that may scale to zero: tells the gateway
 * which services those are (Deployments with {@code idle}, and Functions), and writes what the gateway saw of
 * them to ZooKeeper ({@link RequestActivity}): every {@link #PERIOD_SECONDS} s when there were
 * requests since the last write, and at once when the gateway holds a request (the wake signal).
 */
final class ColdStartFeed implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ColdStartFeed.class);
  static final int PERIOD_SECONDS = 2;

  private final CuratorFramework zk;
  private final ColdStarts cold;
  private final ResourceCache deployments;
  private final ResourceCache functions;
  private volatile Set<String> idleDeployments = Set.of();
  private volatile Set<String> functionNames = Set.of();
  private final Map<String, ColdStarts.Activity> written = new ConcurrentHashMap<>();
  private final ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "ooda-cold-start-feed");
    t.setDaemon(true);
    return t;
  });

  private ColdStartFeed(CuratorFramework zk, GatewayServer gateway) {
    this.zk = zk;
    this.cold = gateway.coldStarts();
    cold.onWake(service -> writer.execute(this::push));
    this.deployments = ResourceCache.open(zk, DeploymentSpec.KIND, this::follow);
    this.functions = ResourceCache.open(zk, dev.ooda.model.FunctionSpec.KIND, snapshot -> {
      functionNames = Set.copyOf(snapshot.keySet());
      publish();
    });
    writer.scheduleWithFixedDelay(this::push, PERIOD_SECONDS, PERIOD_SECONDS, TimeUnit.SECONDS);
  }

  static ColdStartFeed open(CuratorFramework zk, GatewayServer gateway) {
    return new ColdStartFeed(zk, gateway);
  }

  private void follow(Map<String, Resource> snapshot) {
    Set<String> services = new HashSet<>();
    for (Resource r : snapshot.values()) {
      DeploymentSpec s = r.spec(DeploymentSpec.class);
      if (s.idle() != null) services.add(s.service());
    }
    idleDeployments = Set.copyOf(services);
    publish();
  }

  /** Functions always start on demand: their instances register as a service of the function's name. */
  private synchronized void publish() {
    Set<String> all = new HashSet<>(idleDeployments);
    all.addAll(functionNames);
    cold.services(all);
  }

  /** Writes each service whose activity changed since its last write. */
  private void push() {
    for (ColdStarts.Activity a : cold.activity()) {
      if (a.lastRequestMillis() == 0 && a.coldStartMillis() < 0) continue;
      if (a.equals(written.get(a.service()))) continue;
      try {
        RequestActivity.write(zk, a.service(),
            new RequestActivity.Seen(a.lastRequestMillis(), a.coldStartMillis(), a.coldStartAtMillis()));
        written.put(a.service(), a);
      } catch (Exception e) {
        log.debug("writing the activity of {} failed: {}", a.service(), e.toString());
      }
    }
  }

  @Override
  public void close() {
    writer.shutdownNow();
    deployments.close();
    functions.close();
  }
}
