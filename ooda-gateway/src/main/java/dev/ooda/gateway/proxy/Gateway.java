package dev.ooda.gateway.proxy;

import dev.ooda.gateway.GatewayOptions;
import dev.ooda.gateway.observe.AccessLog;
import dev.ooda.gateway.observe.TargetMeters;
import dev.ooda.gateway.observe.Tracing;
import dev.ooda.gateway.resilience.Endpoint;
import dev.ooda.gateway.resilience.Origin;
import dev.ooda.gateway.resilience.OriginLimits;
import dev.ooda.gateway.resilience.Origins;
import dev.ooda.gateway.routing.CompiledRoute;
import dev.ooda.gateway.routing.RouteResources;
import dev.ooda.gateway.routing.RouteTable;
import dev.ooda.gateway.routing.ServiceEndpoints;
import dev.ooda.gateway.routing.TargetRef;
import dev.ooda.gateway.server.Transport;
import dev.ooda.model.Instance;
import dev.ooda.model.Resource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLException;
import dev.ooda.flags.ExposureSink;
import dev.ooda.flags.Flags;

/**
 * The state every request reads: the route table and the instance table, each one immutable
 * value behind one volatile reference, swapped whole on each update.
 */
public final class Gateway {
  final GatewayOptions options;
  final OriginLimits limits;
  final Transport transport;
  final RouteResources resources;
  final AccessLog accessLog;
  final Tracing tracing;
  final AtomicInteger inFlight = new AtomicInteger();
  final Counter shed;
  final Counter retries;
  final Counter ejections;
  final Counter mirrored;
  final TargetMeters unrouted;
  final Inbound inbound;
  /** The gateway's identity towards origins and the groups it enforces. */
  public final EdgeAccess edge = new EdgeAccess();
  /** Where experiments' exposures and per-cell request outcomes go; none until {@link #exposures} says. */
  volatile ExposureSink exposures = ExposureSink.NONE;
  /**
   * The flags routes evaluate (conditions, {@code ooda-flags}), swapped whole on each change. A
   * unit an experiment assigns is reported once (the store keeps the first exposure only).
   */
  public final Flags flags = new Flags(ExposureSink.firstOnly((x, cell, unit) -> exposures.exposed(x, cell, unit), 100_000));
  final Outbound outbound;
  /** The services that may be at zero: their last requests, and requests held while one starts. */
  public final ColdStarts cold;
  /** For {@code https} origins: the JDK's trusted CAs, host names checked. */
  private final SslContext originTls;
  private final ConcurrentHashMap<EventLoop, OriginPool> pools = new ConcurrentHashMap<>();
  /** Resolves origin names for every loop's pool; closed with the gateway. */
  public final DnsAddressResolverGroup resolvers;
  private volatile RouteTable table = RouteTable.empty();
  private volatile Map<String, ServiceEndpoints> services = Map.of();
  /** Deprecated operations, whose responses get Deprecation and Sunset headers. */
  private volatile dev.ooda.model.OperationNotices notices = dev.ooda.model.OperationNotices.EMPTY;
  private final Object writeLock = new Object();

  public Gateway(GatewayOptions options, Transport transport, MeterRegistry registry, SslContext originTls) {
    this.originTls = originTls;
    this.options = options;
    this.limits = options.limits();
    this.transport = transport;
    this.resolvers = transport.resolvers();
    this.resources = new RouteResources(new Origins(), registry);
    this.accessLog = options.accessLog() ? new AccessLog() : null;
    this.tracing = Tracing.create(options.zipkinUrl());
    this.shed = Counter.builder("ooda.gateway.shed").description("Requests refused with 503 because the gateway or an origin was at its limit").register(registry);
    this.retries = Counter.builder("ooda.gateway.retries").description("Retried attempts").register(registry);
    this.ejections = Counter.builder("ooda.gateway.ejections").description("Origins ejected after consecutive failures").register(registry);
    this.mirrored = Counter.builder("ooda.gateway.mirrored").description("Requests copied to a mirror target").register(registry);
    this.unrouted = resources.meters("", "", null);
    this.inbound = new Inbound(options, edge, System::nanoTime);
    this.cold = new ColdStarts(registry, options.coldStartHold());
    this.outbound = new Outbound(accessLog, tracing, unrouted, () -> exposures);
    Gauge.builder("ooda.gateway.in.flight", inFlight, AtomicInteger::get).description("Requests in flight").register(registry);
    Gauge.builder("ooda.gateway.routes", this, g -> g.table.size()).description("Routes in the route table").register(registry);
    if (accessLog != null) {
      Gauge.builder("ooda.gateway.access.log.dropped", accessLog, AccessLog::dropped)
          .description("Access-log lines dropped because the writer fell behind").register(registry);
    }
  }

  /** Sends experiments' exposures and per-cell request outcomes to {@code sink} from now on. */
  public void exposures(ExposureSink sink) {
    exposures = sink == null ? ExposureSink.NONE : sink;
  }

  /** Requests in flight through the gateway now. */
  public int inFlight() {
    return inFlight.get();
  }

  public RouteTable table() {
    return table;
  }

  ServiceEndpoints service(String name) {
    return services.get(name);
  }

  /** The instances a target may use: its fixed URL, or the service's instances of the target's (else the pinned) version. */
  Endpoint[] candidates(TargetRef t, String pinned) {
    if (t.fixed != null) return t.fixedOnly;
    ServiceEndpoints se = service(t.service);
    return se == null ? ServiceEndpoints.NONE : se.version(t.version != null ? t.version : pinned);
  }

  public Map<String, ServiceEndpoints> services() {
    return services;
  }

  public void routes(Collection<Resource> routes) {
    RouteTable t = RouteTable.compile(routes, resources);
    synchronized (writeLock) {
      table = t;
      java.util.Set<String> names = new java.util.HashSet<>();
      t.routes().forEach(r -> names.add(r.name));
      resources.retainRoutes(names);
      resources.retainVerifiers(t);
      pruneOrigins();
      edge.tokens().want(calledServices(t));
    }
  }

  /** The services the routes send requests to (targets and mirrors): the audiences of the gateway's tokens. */
  private static java.util.Set<String> calledServices(RouteTable t) {
    java.util.Set<String> out = new java.util.HashSet<>();
    for (CompiledRoute r : t.routes()) {
      if (r.split != null) for (TargetRef ref : r.split.targets) if (ref.service != null) out.add(ref.service);
      if (r.mirror != null && r.mirror.service != null) out.add(r.mirror.service);
    }
    return out;
  }

  /**
   * The gateway's service name and where its tokens come from ({@code audience -> token}, may block;
   * called off the request path only). A null supplier sends no tokens.
   */
  public void identity(String service, java.util.function.Function<String, String> tokens) {
    synchronized (writeLock) {
      OriginTokens t = tokens == null ? OriginTokens.NONE : new OriginTokens(tokens);
      edge.identity(service, t);
      t.want(calledServices(table));
    }
  }

  /** Replaces the deprecated operations whose responses carry Deprecation and Sunset headers. */
  public void notices(List<dev.ooda.model.OperationNotice> list) {
    notices = dev.ooda.model.OperationNotices.compile(list);
  }

  dev.ooda.model.OperationNotices notices() {
    return notices;
  }

  /** Replaces the groups the gateway enforces. */
  public void access(dev.ooda.access.AccessRules rules) {
    edge.rules(rules);
  }

  public void instances(String service, List<Instance> instances) {
    ServiceEndpoints e = ServiceEndpoints.of(service, instances, resources.origins);
    synchronized (writeLock) {
      Map<String, ServiceEndpoints> next = new HashMap<>(services);
      next.put(service, e);
      services = Map.copyOf(next);
      pruneOrigins();
    }
    if (e.all.length > 0) cold.release(service);
  }

  /** Origins of instances that went away are dropped once they are more than the live ones. */
  private void pruneOrigins() {
    int named = 0;
    for (ServiceEndpoints s : services.values()) named += s.all.length;
    named += table.size() * 2;
    if (resources.origins.size() <= 2 * named + 64) return;
    java.util.Set<Origin> live = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    for (ServiceEndpoints s : services.values()) for (Endpoint e : s.all) live.add(e.origin());
    for (CompiledRoute r : table.routes()) r.fixedOrigins(live::add);
    resources.origins.retain(live);
  }

  OriginPool pool(EventLoop loop) {
    return pools.computeIfAbsent(loop, l -> new OriginPool(l, transport, resolvers, limits, originTls));
  }

  public static SslContext defaultOriginTls() {
    try {
      return SslContextBuilder.forClient().endpointIdentificationAlgorithm("HTTPS").build();
    } catch (SSLException e) {
      throw new IllegalStateException("cannot set up TLS towards origins", e);
    }
  }

  public void close() {
    edge.close();
    resources.close();
    if (accessLog != null) accessLog.close();
    tracing.close();
  }
}
