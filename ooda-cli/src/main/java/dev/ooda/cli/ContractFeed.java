package dev.ooda.cli;

import dev.ooda.contracts.ContractOperation;
import dev.ooda.contracts.ContractVersions;
import dev.ooda.contracts.OpenApiDocument;
import dev.ooda.contracts.StoredContract;
import dev.ooda.control.client.ZooKeeperLayout;
import dev.ooda.control.contracts.Contracts;
import dev.ooda.gateway.GatewayServer;
import dev.ooda.model.OperationNotice;
import dev.ooda.model.Problem;
import dev.ooda.model.ProblemType;
import dev.ooda.model.Resource;
import dev.ooda.model.ResourceCodec;
import dev.ooda.model.RouteSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a gateway takes from the active contracts, so that the gateway itself needs only ooda-model:
 * the deprecated operations (their responses get Deprecation and Sunset headers), and the examples
 * that routes with {@code respond: {fromContract, operation}} answer with, turned into static
 * answers. Routes and contracts are watched in ZooKeeper; a change of either pushes the gateway
 * again.
 */
final class ContractFeed implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ContractFeed.class);

  private final GatewayServer gateway;
  private final CuratorCache cache;
  private Map<String, List<StoredContract>> contracts = Map.of();
  private Collection<Resource> routes;
  private boolean initialized;

  private ContractFeed(CuratorFramework zk, GatewayServer gateway) {
    this.gateway = gateway;
    this.cache = CuratorCache.build(zk, ZooKeeperLayout.CONTRACTS);
    cache.listenable().addListener(CuratorCacheListener.builder()
        .forAll((type, oldData, data) -> {
          if (initialized) contractsChanged();
        })
        .forInitialized(() -> {
          synchronized (this) {
            initialized = true;
          }
          contractsChanged();
        })
        .build());
  }

  static ContractFeed open(CuratorFramework zk, GatewayServer gateway) {
    ContractFeed f = new ContractFeed(zk, gateway);
    f.cache.start();
    return f;
  }

  /** The routes as stored; pushed to the gateway with their contract examples resolved. */
  synchronized void routes(Collection<Resource> stored) {
    routes = List.copyOf(stored);
    // Until the contracts are read, routes that need none go out at once; the others follow.
    gateway.routes(resolve(routes, contracts));
  }

  private synchronized void contractsChanged() {
    Map<String, List<StoredContract>> next = new HashMap<>();
    List<OperationNotice> notices = new ArrayList<>();
    String prefix = ZooKeeperLayout.CONTRACTS + "/";
    cache.stream().forEach(d -> {
      if (d.getData() == null || d.getData().length == 0) return;
      String rest = d.getPath().startsWith(prefix) ? d.getPath().substring(prefix.length()) : "";
      if (rest.split("/").length != 2) return;
      try {
        StoredContract c = StoredContract.fromBytes(d.getData());
        next.computeIfAbsent(c.service(), s -> new ArrayList<>()).add(c);
        notices.addAll(notices(c));
      } catch (RuntimeException e) {
        log.warn("skipping unreadable contract at {}: {}", d.getPath(), e.getMessage());
      }
    });
    contracts = next;
    gateway.notices(notices);
    if (routes != null) gateway.routes(resolve(routes, contracts));
  }

  /** The deprecated operations of {@code c}, each dated from the first contract of its major that deprecated it. */
  static List<OperationNotice> notices(StoredContract c) {
    List<OperationNotice> out = new ArrayList<>();
    for (ContractOperation op : c.parsed().operations()) {
      if (!op.deprecated()) continue;
      out.add(new OperationNotice(c.service(), c.major(), op.method(), op.path(),
          c.deprecatedSince().getOrDefault(op.name(), c.pushedAtMillis() / 1000),
          op.sunset() == null ? null : OpenApiDocument.httpDate(op.sunset())));
    }
    return out;
  }

  /** {@code routes} with each {@code respond.fromContract} turned into the static answer of its example. */
  static List<Resource> resolve(Collection<Resource> routes, Map<String, List<StoredContract>> contracts) {
    List<Resource> out = new ArrayList<>(routes.size());
    for (Resource r : routes) {
      RouteSpec s = r.spec(RouteSpec.class);
      if (s.respond() == null || !s.respond().fromContractExample()) {
        out.add(r);
        continue;
      }
      RouteSpec resolved = s.withRespond(answer(s.respond(), contracts.getOrDefault(s.respond().fromContract(), List.of())));
      out.add(new Resource(r.kind(), r.name(), r.version(), resolved));
    }
    return out;
  }

  private static RouteSpec.Respond answer(RouteSpec.Respond want, List<StoredContract> actives) {
    StoredContract c = want.version() == null ? Contracts.newest(actives)
        : actives.stream().filter(x -> x.major().equals(ContractVersions.major(want.version()))).findFirst().orElse(null);
    ContractOperation op = c == null ? null : c.parsed().operation(want.operation());
    if (op == null || op.example() == null) {
      // Checked when the route was applied; the contract changed since. Say so rather than answer nothing.
      Problem p = Problem.of(ProblemType.UNAVAILABLE, "the example of " + want.fromContract() + " " + want.operation()
          + " that this route answers with is not in the service's active contract");
      return new RouteSpec.Respond(p.status(), Map.of("content-type", Problem.MEDIA_TYPE), ResourceCodec.toJson(p));
    }
    ContractOperation.Example e = op.example();
    return new RouteSpec.Respond(e.status(), Map.of("content-type", e.contentType()), e.body());
  }

  @Override
  public void close() {
    cache.close();
  }
}
