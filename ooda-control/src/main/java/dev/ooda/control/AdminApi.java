package dev.ooda.control;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.sse.ServerSentEvent;
import com.linecorp.armeria.common.stream.StreamMessage;
import com.linecorp.armeria.common.stream.StreamWriter;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.healthcheck.HealthCheckService;
import com.linecorp.armeria.server.streaming.ServerSentEvents;
import dev.ooda.control.identity.AdminGuard;
import dev.ooda.control.identity.AdminScope;
import dev.ooda.model.Health;
import dev.ooda.model.Kind;
import dev.ooda.model.Kinds;
import dev.ooda.model.Problem;
import dev.ooda.model.ProblemException;
import dev.ooda.model.Resource;
import dev.ooda.model.ResourceCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The admin HTTP API over the resource store (see docs/api.md). Reads are open; writes need an
 * admin token with scope write or more as a Bearer credential.
 */
final class AdminApi {
  static final long MAX_BODY = 1024 * 1024;
  private static final Duration KEEPALIVE = Duration.ofSeconds(15);

  private final ResourceStore store;
  private final ChangeFeed feed;
  private final AdminGuard guard;
  /** Checks routes that answer from contracts' examples; null checks none. */
  private final dev.ooda.control.contracts.Contracts contracts;

  AdminApi(ResourceStore store, ChangeFeed feed, AdminGuard guard) {
    this(store, feed, guard, null);
  }

  AdminApi(ResourceStore store, ChangeFeed feed, AdminGuard guard, dev.ooda.control.contracts.Contracts contracts) {
    this.store = store;
    this.feed = feed;
    this.guard = guard;
    this.contracts = contracts;
  }

  void mount(ServerBuilder sb) {
    // DRAINING once the server is stopping
    sb.service(Health.PATH, HealthCheckService.builder()
        .healthyResponse(AggregatedHttpResponse.of(HttpStatus.valueOf(Health.UP.httpStatus()), MediaType.JSON_UTF_8,
            ResourceCodec.toJsonBytes(Health.UP)))
        .unhealthyResponse(AggregatedHttpResponse.of(HttpStatus.valueOf(Health.DRAINING.httpStatus()), MediaType.JSON_UTF_8,
            ResourceCodec.toJsonBytes(Health.DRAINING)))
        .build());
    sb.route().get("/api/v1/kinds").build((ctx, req) -> HttpResponse.ofJson(
        Kinds.all().stream().map(k -> java.util.Map.of("name", k.name(), "plural", k.plural())).toList()));
    sb.route().post("/api/v1/apply").build(writes((ctx, req) -> Problems.blocking(ctx, () -> apply(ctx, req))));
    sb.route().get("/api/v1/watch").build((ctx, req) -> Problems.blocking(ctx, () -> watch(ctx, req)));
    sb.route().get("/api/v1/{plural}").build((ctx, req) -> Problems.blocking(ctx, () -> list(ctx.pathParam("plural"))));
    sb.route().get("/api/v1/{plural}/{name}").build((ctx, req) ->
        Problems.blocking(ctx, () -> get(ctx.pathParam("plural"), ctx.pathParam("name"))));
    sb.route().delete("/api/v1/{plural}/{name}").build(writes((ctx, req) ->
        Problems.blocking(ctx, () -> delete(ctx.pathParam("plural"), ctx.pathParam("name"), ctx.queryParam("version")))));
  }

  /** Requires an admin token with scope write or more. */
  HttpService writes(HttpService delegate) {
    return guard.require(AdminScope.WRITE, delegate);
  }

  private HttpResponse apply(ServiceRequestContext ctx, HttpRequest req) throws Exception {
    var body = req.aggregate().get(30, TimeUnit.SECONDS);
    String text = body.content().toString(StandardCharsets.UTF_8);
    MediaType type = req.contentType();
    boolean yaml = type != null && type.subtype().contains("yaml");
    List<Resource> docs = yaml ? ResourceCodec.readYaml(text) : ResourceCodec.readJson(text);
    dev.ooda.control.secrets.SecretStore.refuseDocuments(docs);
    dev.ooda.control.flags.SegmentReferences.check(docs, store);
    docs = dev.ooda.control.experiments.ExperimentChecks.prepare(docs, store, System.currentTimeMillis());
    if (contracts != null) contracts.checkRouteReferences(docs);
    ApplyResult r = store.apply(docs);
    ObjectNode out = ResourceCodec.json().createObjectNode();
    out.put("revision", r.revision());
    ArrayNode results = out.putArray("results");
    for (ApplyResult.Outcome o : r.outcomes()) {
      results.addObject()
          .put("action", o.action().name().toLowerCase(java.util.Locale.ROOT))
          .put("kind", o.resource().kind())
          .put("name", o.resource().name())
          .put("version", o.resource().version());
    }
    return json(HttpStatus.OK, out);
  }

  private HttpResponse list(String plural) {
    Kind<?> kind = kind(plural);
    long revision = store.revision();
    ObjectNode out = ResourceCodec.json().createObjectNode();
    out.put("revision", revision);
    out.set("items", ResourceCodec.json().valueToTree(store.list(kind)));
    return json(HttpStatus.OK, out);
  }

  private HttpResponse get(String plural, String name) {
    Kind<?> kind = kind(plural);
    return store.get(kind, name)
        .map(r -> json(HttpStatus.OK, r))
        .orElseThrow(() -> new ProblemException(Problem.notFound(kind.name() + "/" + name + " does not exist")));
  }

  private HttpResponse delete(String plural, String name, String version) {
    Kind<?> kind = kind(plural);
    Long expected = null;
    if (version != null) {
      try {
        expected = Long.parseLong(version);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("query parameter version: '" + version + "' is not a whole number");
      }
    }
    if (kind == dev.ooda.model.SegmentSpec.KIND) dev.ooda.control.flags.SegmentReferences.checkDelete(name, store);
    if (kind == dev.ooda.model.FlagSpec.KIND)
      dev.ooda.control.experiments.ExperimentChecks.checkDelete(name, store, System.currentTimeMillis());
    Change c = store.delete(kind, name, expected);
    ObjectNode out = ResourceCodec.json().createObjectNode();
    out.put("revision", c.revision());
    out.set("deleted", ResourceCodec.json().valueToTree(c.resource()));
    return json(HttpStatus.OK, out);
  }

  /** Server-sent events, one per change, each with the change's revision as its id. */
  private HttpResponse watch(ServiceRequestContext ctx, HttpRequest req) {
    String fromParam = ctx.queryParam("from");
    if (fromParam == null) fromParam = req.headers().get("last-event-id");
    long from;
    try {
      from = fromParam == null ? store.revision() : Long.parseLong(fromParam);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("query parameter from: '" + fromParam + "' is not a revision");
    }
    String kindFilter = ctx.queryParam("kind");
    Kind<?> only = kindFilter == null ? null : kind(kindFilter);
    store.requireKept(from);
    ctx.clearRequestTimeout();
    // Changes flow only once the HTTP layer has subscribed, so none is written into a stream nobody reads yet.
    org.reactivestreams.Publisher<ServerSentEvent> events = subscriber -> {
      StreamWriter<ServerSentEvent> out = StreamMessage.streaming();
      out.subscribe(subscriber, ctx.eventLoop());
      var keepalive = ctx.eventLoop().scheduleAtFixedRate(
          () -> out.tryWrite(ServerSentEvent.ofComment("keepalive")), KEEPALIVE.toMillis(), KEEPALIVE.toMillis(), TimeUnit.MILLISECONDS);
      out.whenComplete().handle((v, e) -> keepalive.cancel(false));
      feed.subscribe(from, new ChangeFeed.Sink() {
        @Override
        public boolean offer(Change c) {
          if (only != null && !c.resource().kind().equals(only.name())) return out.isOpen();
          return out.tryWrite(event(c));
        }

        @Override
        public void gone(GoneException e) {
          out.tryWrite(ServerSentEvent.builder().event("gone")
              .data(new String(ResourceCodec.toJsonBytes(e.problem()), StandardCharsets.UTF_8)).build());
          out.close();
        }

        @Override
        public void end() {
          out.close();
        }
      });
    };
    return ServerSentEvents.fromPublisher(events);
  }

  static ServerSentEvent event(Change c) {
    ObjectNode n = ResourceCodec.json().createObjectNode();
    n.put("revision", c.revision());
    n.put("type", c.type().name());
    n.set("resource", ResourceCodec.json().valueToTree(c.resource()));
    return ServerSentEvent.builder()
        .id(Long.toString(c.revision()))
        .event(c.type().name().toLowerCase(java.util.Locale.ROOT))
        .data(new String(ResourceCodec.toJsonBytes(n), StandardCharsets.UTF_8))
        .build();
  }

  private static Kind<?> kind(String plural) {
    return Kinds.find(plural).orElseThrow(() -> new ProblemException(
        Problem.notFound("unknown kind '" + plural + "' (known: " + Kinds.known() + ")")));
  }

  static HttpResponse json(HttpStatus status, Object body) {
    return HttpResponse.of(status, MediaType.JSON_UTF_8, ResourceCodec.toJsonBytes(body));
  }


}
