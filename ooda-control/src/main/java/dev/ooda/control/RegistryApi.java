package dev.ooda.control;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.ooda.control.client.InstanceRegistration;
import dev.ooda.control.client.RegistryClient;
import dev.ooda.control.identity.RegistryGuard;
import dev.ooda.model.Instance;
import dev.ooda.model.InvalidResourceException;
import dev.ooda.model.Problem;
import dev.ooda.model.ProblemException;
import dev.ooda.model.ResourceCodec;
import dev.ooda.model.ServiceSpec;
import dev.ooda.model.Violation;
import java.util.List;

/**
 * The registry's HTTP API (see docs/api.md, "Registry"). Renewals that change nothing are answered
 * on the event loop from memory; everything that reads or writes ZooKeeper runs off it.
 */
final class RegistryApi {
  static final String BASE = RegistryClient.API;
  private static final String ONE = BASE + "/services/{service}/instances/{id}";

  private final Registry registry;
  /** Who may change a service's instances; null lets anyone. */
  private final RegistryGuard guard;
  /** Checks the OpenAPI document a registration brings; null takes none. */
  private final dev.ooda.control.contracts.Contracts contracts;

  RegistryApi(Registry registry, RegistryGuard guard) {
    this(registry, guard, null);
  }

  RegistryApi(Registry registry, RegistryGuard guard, dev.ooda.control.contracts.Contracts contracts) {
    this.registry = registry;
    this.guard = guard;
    this.contracts = contracts;
  }

  private void check(ServiceRequestContext ctx, HttpRequest req) {
    if (guard != null) guard.check(ctx.pathParam("service"), req.headers());
  }

  void mount(ServerBuilder sb) {
    sb.route().get(BASE + "/status").build(safe((ctx, req) -> Problems.blocking(ctx, this::status)));
    sb.route().get(BASE + "/instances").build(safe((ctx, req) -> list(ctx.queryParam("service"))));
    sb.route().get(BASE + "/services/{service}/instances").build(safe((ctx, req) -> {
      String service = ctx.pathParam("service");
      Registry.checkName("service", service);
      ObjectNode out = ResourceCodec.json().createObjectNode().put("service", service);
      out.set("items", ResourceCodec.json().valueToTree(registry.instances().instances(service)));
      return AdminApi.json(HttpStatus.OK, out);
    }));
    sb.route().get(ONE).build(safe((ctx, req) -> {
      String service = ctx.pathParam("service");
      String id = ctx.pathParam("id");
      Registry.checkName("service", service);
      return registry.instances().instances(service).stream().filter(i -> i.id().equals(id)).findFirst()
          .map(i -> AdminApi.json(HttpStatus.OK, i))
          .orElseThrow(() -> new ProblemException(Problem.notFound("service " + service + " has no instance " + id)));
    }));
    sb.route().post(BASE + "/services/{service}/instances").build(safe((ctx, req) -> checked(ctx, req, body -> {
      // The OpenAPI document a registration may bring is checked first: a refused contract registers nothing.
      byte[][] split = splitContract(body);
      InstanceRegistration r = InstanceRegistration.parse(split[0]);
      String document = split[1] == null ? null : new String(split[1], java.nio.charset.StandardCharsets.UTF_8);
      return Problems.blocking(ctx, () -> {
        String service = ctx.pathParam("service");
        Object admission = null;
        if (document != null && contracts != null) {
          Registry.checkName("service", service);
          admission = contracts.admit(service, r.version(), document, dev.ooda.contracts.StoredContract.REGISTRATION);
        }
        return leased(registry.register(service, r), admission);
      });
    })));
    sb.route().put(ONE).build(safe((ctx, req) -> checked(ctx, req, body -> {
      String service = ctx.pathParam("service");
      String id = ctx.pathParam("id");
      InstanceRegistration r = InstanceRegistration.parse(body);
      Registry.Result fast = registry.tryRenew(service, id, r);
      if (fast != null) return leased(fast);
      return Problems.blocking(ctx, () -> leased(registry.put(service, id, r)));
    })));
    sb.route().post(ONE + "/heartbeat").build(safe((ctx, req) -> {
      check(ctx, req);
      return leased(registry.renew(ctx.pathParam("service"), ctx.pathParam("id")));
    }));
    sb.route().put(ONE + "/status").build(safe((ctx, req) -> checked(ctx, req, body -> {
      Instance.Status s = parseStatus(body);
      return Problems.blocking(ctx, () -> AdminApi.json(HttpStatus.OK,
          registry.setStatus(ctx.pathParam("service"), ctx.pathParam("id"), s)));
    })));
    sb.route().delete(ONE).build(safe((ctx, req) -> Problems.blocking(ctx, () -> {
      check(ctx, req);
      Instance gone = registry.deregister(ctx.pathParam("service"), ctx.pathParam("id"));
      ObjectNode out = ResourceCodec.json().createObjectNode();
      if (gone != null) out.set("deregistered", ResourceCodec.json().valueToTree(gone));
      return AdminApi.json(HttpStatus.OK, out);
    })));
  }

  private HttpResponse list(String service) {
    ArrayNode items = ResourceCodec.json().createArrayNode();
    if (service != null) {
      Registry.checkName("service", service);
      items.addAll((ArrayNode) ResourceCodec.json().valueToTree(registry.instances().instances(service)));
    } else {
      for (List<Instance> l : registry.instances().snapshot().values()) {
        items.addAll((ArrayNode) ResourceCodec.json().valueToTree(l));
      }
    }
    ObjectNode out = ResourceCodec.json().createObjectNode();
    out.set("items", items);
    return AdminApi.json(HttpStatus.OK, out);
  }

  private HttpResponse status() {
    ObjectNode out = ResourceCodec.json().valueToTree(registry.status());
    out.set("nodes", ResourceCodec.json().valueToTree(registry.nodes()));
    return AdminApi.json(HttpStatus.OK, out);
  }

  /**
   * The registration without its {@code openapi} field, and that field's document (null when
   * absent). A body that is not a JSON object is left whole for the registration's own errors.
   */
  private static byte[][] splitContract(byte[] body) {
    try {
      var tree = ResourceCodec.json().readTree(body);
      if (tree instanceof ObjectNode o && o.has("openapi")) {
        String doc = dev.ooda.control.contracts.ContractsApi.documentOf(o.remove("openapi"));
        return new byte[][] {ResourceCodec.toJsonBytes(o), doc == null ? null : doc.getBytes(java.nio.charset.StandardCharsets.UTF_8)};
      }
    } catch (java.io.IOException e) {
      // not JSON: InstanceRegistration.parse says so
    }
    return new byte[][] {body, null};
  }

  private HttpResponse leased(Registry.Result r) {
    return leased(r, null);
  }

  private HttpResponse leased(Registry.Result r, Object contract) {
    ServiceSpec.Lease l = r.lease();
    ObjectNode out = ResourceCodec.json().createObjectNode();
    out.set("instance", ResourceCodec.json().valueToTree(r.instance()));
    out.putObject("lease")
        .put("heartbeat", dev.ooda.model.Durations.format(l.heartbeat()))
        .put("expiry", dev.ooda.model.Durations.format(l.expiry()))
        .put("heartbeatMillis", l.heartbeat().toMillis())
        .put("expiryMillis", l.expiry().toMillis());
    out.put("node", registry.node());
    if (contract != null) out.set("contract", ResourceCodec.json().valueToTree(contract));
    return AdminApi.json(r.registered() ? HttpStatus.CREATED : HttpStatus.OK, out);
  }

  private static Instance.Status parseStatus(byte[] body) {
    try {
      var n = ResourceCodec.json().readTree(body);
      var s = n == null ? null : n.get("status");
      if (n == null || !n.isObject() || n.size() != 1 || s == null || !s.isTextual()) {
        throw new InvalidResourceException(List.of(Violation.of("status",
            "must be a JSON object with one field, status: one of STARTING, UP, DRAINING, DOWN")));
      }
      return Instance.Status.valueOf(s.asText());
    } catch (IllegalArgumentException e) {
      throw new InvalidResourceException(List.of(Violation.of("status", "must be one of STARTING, UP, DRAINING, DOWN")));
    } catch (java.io.IOException e) {
      throw new InvalidResourceException(List.of(Violation.of("", "invalid JSON: " + e.getMessage().lines().findFirst().orElse(""))));
    }
  }

  interface BodyCall {
    HttpResponse call(byte[] body) throws Exception;
  }

  /** Aggregates the body, then answers; any failure becomes a problem response, never a throw. */
  private static HttpResponse withBody(ServiceRequestContext ctx, HttpRequest req, BodyCall call) {
    return HttpResponse.of(req.aggregate().handle((agg, err) -> {
      if (err != null) return Problems.response(Problems.toProblem(err));
      try {
        return call.call(agg.content().array());
      } catch (Exception e) {
        return Problems.response(Problems.toProblem(e));
      }
    }));
  }

  /** Like {@link #withBody}, once the request may change the service's instances. */
  private HttpResponse checked(ServiceRequestContext ctx, HttpRequest req, BodyCall call) {
    check(ctx, req);
    return withBody(ctx, req, call);
  }

  /** A synchronous throw from a handler wedges an HTTP/1.1 connection: answer with a problem instead. */
  private static HttpService safe(HttpService s) {
    return (ctx, req) -> {
      try {
        return s.serve(ctx, req);
      } catch (Exception e) {
        return Problems.response(Problems.toProblem(e));
      }
    };
  }
}
