package dev.ooda.control.contracts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.ooda.contracts.CallerUse;
import dev.ooda.contracts.Callers;
import dev.ooda.contracts.ContractChange;
import dev.ooda.contracts.ContractDiff;
import dev.ooda.contracts.ContractOperation;
import dev.ooda.contracts.ContractVersions;
import dev.ooda.contracts.OpenApiDocument;
import dev.ooda.contracts.StoredContract;
import dev.ooda.control.Problems;
import dev.ooda.control.identity.AdminGuard;
import dev.ooda.control.identity.AdminScope;
import dev.ooda.control.identity.RegistryGuard;
import dev.ooda.model.InvalidResourceException;
import dev.ooda.model.Problem;
import dev.ooda.model.ProblemException;
import dev.ooda.model.ResourceCodec;
import dev.ooda.model.Violation;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The contracts API (see docs/contracts.md): push a version's OpenAPI document, read the active
 * ones, diff two versions, list the callers of each operation. Pushes are allowed to holders of an
 * admin token with scope write (CI) and to whoever may register the service's instances.
 */
public final class ContractsApi {
  public static final String BASE = "/api/v1/contracts";

  private final Contracts contracts;
  private final AdminGuard admins;
  private final RegistryGuard registry;

  public ContractsApi(Contracts contracts, AdminGuard admins, RegistryGuard registry) {
    this.contracts = contracts;
    this.admins = admins;
    this.registry = registry;
  }

  public void mount(ServerBuilder sb) {
    sb.route().get(BASE).build(blocking(ctx -> summary()));
    sb.route().get(BASE + "/{service}").build(blocking(ctx -> show(ctx.pathParam("service"))));
    sb.route().get(BASE + "/{service}/callers").build(blocking(ctx -> callers(ctx.pathParam("service"))));
    sb.route().get(BASE + "/{service}/diff").build(blocking(ctx ->
        diff(ctx.pathParam("service"), ctx.queryParam("from"), ctx.queryParam("to"))));
    sb.route().get(BASE + "/{service}/{version}").build(blocking(ctx -> one(ctx.pathParam("service"), ctx.pathParam("version"))));
    sb.route().put(BASE + "/{service}/{version}").build((ctx, req) -> HttpResponse.of(req.aggregate().thenApplyAsync(agg -> {
      try {
        String service = ctx.pathParam("service");
        Contracts.checkName(service);
        if (admins == null || !writer(req)) {
          if (registry != null) registry.check(service, req.headers());
        }
        Admission a = contracts.admit(service, ctx.pathParam("version"), agg.contentUtf8(), StoredContract.PUSH);
        return json(a.outcome().equals(Admission.Outcome.FIRST) ? HttpStatus.CREATED : HttpStatus.OK, a);
      } catch (Exception e) {
        return Problems.response(Problems.toProblem(e));
      }
    }, ctx.blockingTaskExecutor())));
  }

  private boolean writer(HttpRequest req) {
    var info = admins.authenticate(req.headers().get(HttpHeaderNames.AUTHORIZATION));
    return info != null && info.scope().includes(AdminScope.WRITE);
  }

  /** Every service's active contracts, without documents: what {@code ooda get services} shows. */
  private HttpResponse summary() {
    ArrayNode items = ResourceCodec.json().createArrayNode();
    for (String s : contracts.store().services()) {
      for (StoredContract c : contracts.store().actives(s)) items.add(entry(c));
    }
    ObjectNode out = ResourceCodec.json().createObjectNode();
    out.set("items", items);
    return json(HttpStatus.OK, out);
  }

  private static ObjectNode entry(StoredContract c) {
    ObjectNode n = ResourceCodec.json().createObjectNode()
        .put("service", c.service()).put("major", c.major()).put("version", c.version())
        .put("pushedAtMillis", c.pushedAtMillis()).put("source", c.source());
    if (c.flag() != null) {
      n.set("flag", ResourceCodec.json().valueToTree(c.flag()));
      n.put("flagSummary", c.flag().summary());
    }
    return n;
  }

  private HttpResponse show(String service) {
    Contracts.checkName(service);
    List<StoredContract> actives = contracts.store().actives(service);
    if (actives.isEmpty()) throw new ProblemException(Problem.notFound(service + " has no contract; push one with ooda contract push"));
    ArrayNode items = ResourceCodec.json().createArrayNode();
    for (StoredContract c : actives) items.add(full(c));
    ObjectNode out = ResourceCodec.json().createObjectNode().put("service", service);
    out.set("items", items);
    return json(HttpStatus.OK, out);
  }

  /** The active contract of the major version of {@code version} ({@code v2}, {@code 2.1.0}...). */
  private HttpResponse one(String service, String version) {
    Contracts.checkName(service);
    String major = ContractVersions.major(version);
    StoredContract c = contracts.store().active(service, major).map(ContractStore.Versioned::contract)
        .orElseThrow(() -> new ProblemException(Problem.notFound(service + " has no contract for " + major)));
    return json(HttpStatus.OK, full(c));
  }

  private static ObjectNode full(StoredContract c) {
    ObjectNode n = entry(c);
    OpenApiDocument doc = c.parsed();
    n.set("operations", ResourceCodec.json().valueToTree(doc.operations()));
    try {
      n.set("document", ResourceCodec.json().readTree(c.document()));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return n;
  }

  /** The changes from {@code from} to {@code to} (each the last push of that version, or a major's active contract). */
  private HttpResponse diff(String service, String from, String to) {
    Contracts.checkName(service);
    if (from == null || to == null) {
      throw new InvalidResourceException(List.of(Violation.of("from, to", "both versions are required: ?from=v1&to=v2")));
    }
    StoredContract older = find(service, from);
    StoredContract newer = find(service, to);
    List<ContractChange> changes = ContractDiff.between(older.parsed(), newer.parsed());
    List<CallerUse> used = List.of();
    String note = null;
    if (ContractDiff.breaks(changes)) {
      try {
        used = contracts.callers(service, older);
        if (!contracts.callersKnown()) note = "no span collector is known to the control plane: callers cannot be told";
      } catch (RuntimeException e) {
        note = "callers could not be read: " + e.getMessage();
      }
    }
    ObjectNode out = ResourceCodec.json().createObjectNode()
        .put("service", service).put("from", older.version()).put("to", newer.version());
    ArrayNode items = out.putArray("changes");
    for (ContractChange c : changes) {
      ObjectNode n = ResourceCodec.json().valueToTree(c);
      if (c.breaking()) n.set("callers", ResourceCodec.json().valueToTree(Callers.of(used, c.method(), c.path())));
      items.add(n);
    }
    if (note != null) out.put("note", note);
    return json(HttpStatus.OK, out);
  }

  private StoredContract find(String service, String version) {
    return contracts.store().version(service, version)
        .or(() -> contracts.store().active(service, version).map(ContractStore.Versioned::contract))
        .orElseThrow(() -> new ProblemException(Problem.notFound(service + " has no contract of version " + version)));
  }

  /** Each operation of each active contract, whether it is deprecated, and who called it within the window. */
  private HttpResponse callers(String service) {
    Contracts.checkName(service);
    List<StoredContract> actives = contracts.store().actives(service);
    if (actives.isEmpty()) throw new ProblemException(Problem.notFound(service + " has no contract"));
    ObjectNode out = ResourceCodec.json().createObjectNode().put("service", service);
    String note = contracts.callersKnown() ? null : "no span collector is known to the control plane: callers cannot be told";
    ArrayNode items = out.putArray("operations");
    for (StoredContract c : actives) {
      List<CallerUse> used;
      try {
        used = contracts.callers(service, c);
      } catch (RuntimeException e) {
        used = List.of();
        note = "callers could not be read: " + e.getMessage();
      }
      for (ContractOperation op : c.parsed().operations()) {
        ObjectNode n = ResourceCodec.json().valueToTree(op);
        n.remove("example");
        n.put("major", c.major());
        n.set("callers", ResourceCodec.json().valueToTree(Callers.of(used, op.method(), op.path())));
        items.add(n);
      }
    }
    if (note != null) out.put("note", note);
    return json(HttpStatus.OK, out);
  }

  interface Call {
    HttpResponse call(ServiceRequestContext ctx) throws Exception;
  }

  private static HttpService blocking(Call call) {
    return (ctx, req) -> HttpResponse.of(CompletableFuture.supplyAsync(() -> {
      try {
        return call.call(ctx);
      } catch (Exception e) {
        return Problems.response(Problems.toProblem(e));
      }
    }, ctx.blockingTaskExecutor()));
  }

  static HttpResponse json(HttpStatus status, Object body) {
    return HttpResponse.of(status, MediaType.JSON_UTF_8, ResourceCodec.toJsonBytes(body));
  }

  /** Reads the {@code openapi} field a registration may carry: a document as a JSON object, or YAML/JSON text. */
  public static String documentOf(JsonNode field) {
    if (field == null || field.isNull()) return null;
    if (field.isTextual()) return field.asText();
    if (field.isObject()) return ResourceCodec.toJson(field);
    throw new InvalidResourceException(List.of(Violation.of("openapi",
        "must be an OpenAPI 3 document: a JSON object, or its YAML or JSON text")));
  }

}
