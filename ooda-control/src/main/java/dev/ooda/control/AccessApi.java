package dev.ooda.control;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.ooda.access.AccessRules;
import dev.ooda.access.Decision;
import dev.ooda.model.Names;
import dev.ooda.model.ServiceSpec;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Answers "may A call B?" from the groups in the store, with the rule that decided, so that a
 * team can try a change to a group before a caller meets it ({@code ooda access check}).
 */
final class AccessApi {
  private final ResourceStore store;

  AccessApi(ResourceStore store) {
    this.store = store;
  }

  void mount(ServerBuilder sb) {
    sb.route().get("/api/v1/access/check").build((ctx, req) -> Problems.blocking(ctx, () -> check(ctx)));
  }

  private HttpResponse check(ServiceRequestContext ctx) {
    String from = name(ctx, "from");
    String to = name(ctx, "to");
    String method = ctx.queryParam("method") == null ? "GET" : ctx.queryParam("method").toUpperCase(Locale.ROOT);
    String path = ctx.queryParam("path") == null ? "/" : ctx.queryParam("path");
    if (!path.startsWith("/")) throw new IllegalArgumentException("query parameter path: '" + path + "' must start with '/'");
    AccessRules rules = AccessRules.services(store.list(ServiceSpec.KIND));
    Decision d = rules.decide(from, to, method, path);
    boolean known = store.get(ServiceSpec.KIND, to).isPresent();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("from", from);
    out.put("to", to);
    out.put("method", method);
    out.put("path", path);
    out.put("mode", d.mode());
    out.put("outcome", d.outcome().label());
    out.put("allowed", d.letsThrough());
    out.put("rules_checked", d.rulesChecked());
    out.put("nearest_miss", d.nearestMiss());
    out.put("explanation", known ? d.explanation()
        : "there is no Service '" + to + "', so nothing checks its callers");
    return AdminApi.json(HttpStatus.OK, out);
  }

  private static String name(ServiceRequestContext ctx, String param) {
    String v = ctx.queryParam(param);
    String bad = Names.problem(v);
    if (bad != null) throw new IllegalArgumentException("query parameter " + param + ": service name " + bad);
    return v;
  }
}
